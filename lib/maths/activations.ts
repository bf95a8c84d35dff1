/**
 * Activation functions and their derivatives.
 *
 * ReLU for the hidden layer, softmax (column by column) for the output layer.
 */
import { type Matrix, zeros } from "./matrix.ts";

/** ReLU(Z) = max(0, Z), entry-wise. */
export function relu(Z: Matrix): Matrix {
  const A = zeros(Z.rows, Z.cols);
  for (let i = 0; i < Z.data.length; i++) A.data[i] = Z.data[i] > 0 ? Z.data[i] : 0;
  return A;
}

/** ReLU′(Z): 1 where Z > 0, else 0 (the derivative at 0 is taken as 0). */
export function reluDerivative(Z: Matrix): Matrix {
  const D = zeros(Z.rows, Z.cols);
  for (let i = 0; i < Z.data.length; i++) D.data[i] = Z.data[i] > 0 ? 1 : 0;
  return D;
}

/**
 * softmax(Z), column by column: a_i = e^{z_i} / Σ_j e^{z_j}.
 *
 * The column max is subtracted first: softmax does not change under a shift, and
 * e^{z − max} ≤ 1 cannot overflow, so logits of ±1000 stay finite.
 */
export function softmax(Z: Matrix): Matrix {
  const A = zeros(Z.rows, Z.cols);
  const n = Z.rows, m = Z.cols, z = Z.data, a = A.data;
  for (let j = 0; j < m; j++) {
    let max = -Infinity;
    for (let i = 0; i < n; i++) max = Math.max(max, z[i * m + j]);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const e = Math.exp(z[i * m + j] - max);
      a[i * m + j] = e;
      sum += e;
    }
    for (let i = 0; i < n; i++) a[i * m + j] /= sum;
  }
  return A;
}

/** softmax without the max shift: overflows for large logits. Kept only to show why the shift is needed. */
export function softmaxNaive(Z: Matrix): Matrix {
  const A = zeros(Z.rows, Z.cols);
  const n = Z.rows, m = Z.cols;
  for (let j = 0; j < m; j++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.exp(Z.data[i * m + j]);
    for (let i = 0; i < n; i++) A.data[i * m + j] = Math.exp(Z.data[i * m + j]) / sum;
  }
  return A;
}

/**
 * The Jacobian of softmax for one column z (n, 1): J (n, n) with
 * J_ij = ∂s_i/∂z_j = s_i (δ_ij − s_j).
 */
export function softmaxJacobian(z: Matrix): Matrix {
  if (z.cols !== 1) {
    throw new RangeError(`softmaxJacobian takes one column, got (${z.rows}, ${z.cols})`);
  }
  const s = softmax(z).data;
  const n = z.rows;
  const J = zeros(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) J.data[i * n + j] = s[i] * ((i === j ? 1 : 0) - s[j]);
  }
  return J;
}
