/**
 * Finite-difference gradient checks: the numbers that backprop must agree with.
 */
import { crossEntropy } from "./loss.ts";
import type { Matrix } from "./matrix.ts";
import {
  forward,
  type Gradients,
  type Network,
  type ParameterName,
  PARAMETERS,
} from "./network.ts";

/**
 * Central differences (f(θ+h) − f(θ−h)) / 2h of a scalar function of a matrix, one entry at a time.
 * The matrix is restored after each probe.
 */
export function numericalGradient(f: () => number, M: Matrix, h = 1e-5): Matrix {
  const G: Matrix = { rows: M.rows, cols: M.cols, data: new Float64Array(M.data.length) };
  for (let i = 0; i < M.data.length; i++) {
    const saved = M.data[i];
    M.data[i] = saved + h;
    const plus = f();
    M.data[i] = saved - h;
    const minus = f();
    M.data[i] = saved;
    G.data[i] = (plus - minus) / (2 * h);
  }
  return G;
}

/** max |a − b| / max(|a| + |b|, tiny): 0 for equal matrices, about 1 for unrelated ones. */
export function relativeError(a: Matrix, b: Matrix): number {
  if (a.data.length !== b.data.length) throw new RangeError("relativeError: sizes differ");
  let num = 0, den = 0;
  for (let i = 0; i < a.data.length; i++) {
    num = Math.max(num, Math.abs(a.data[i] - b.data[i]));
    den = Math.max(den, Math.abs(a.data[i]) + Math.abs(b.data[i]));
  }
  return num / Math.max(den, 1e-300);
}

/** The mean loss of `net` on X and Y, as a function of the parameters' current values. */
export function lossOf(net: Network, X: Matrix, Y: Matrix): () => number {
  return () => crossEntropy(forward(net, X).A_o, Y);
}

/** The finite-difference gradients of the mean loss for all four parameters. */
export function numericalGradients(net: Network, X: Matrix, Y: Matrix, h = 1e-5): Gradients {
  const f = lossOf(net, X, Y);
  return {
    dW_h: numericalGradient(f, net.W_h, h),
    db_h: numericalGradient(f, net.b_h, h),
    dW_o: numericalGradient(f, net.W_o, h),
    db_o: numericalGradient(f, net.b_o, h),
  };
}

/** The relative error of each analytic gradient against its finite-difference estimate. */
export function compareGradients(
  analytic: Gradients,
  numeric: Gradients,
): Record<ParameterName, number> {
  const out = {} as Record<ParameterName, number>;
  for (const p of PARAMETERS) {
    const key = `d${p}` as keyof Gradients;
    out[p] = relativeError(analytic[key], numeric[key]);
  }
  return out;
}
