/**
 * The 784 → hidden (ReLU) → 10 (softmax) network: parameters, forward pass,
 * backward pass and the gradient-descent step. This is the readable reference
 * implementation that the notebooks teach with and the tests check.
 *
 * Shapes, for m samples as columns of X (784, m):
 *   W_h (hidden, 784), b_h (hidden, 1), Z_h = W_h·X + b_h, A_h = ReLU(Z_h)   (hidden, m)
 *   W_o (10, hidden),  b_o (10, 1),     Z_o = W_o·A_h + b_o, A_o = softmax(Z_o) (10, m)
 */
import { relu, reluDerivative, softmax } from "./activations.ts";
import {
  addColumn,
  clone,
  hadamard,
  matmul,
  type Matrix,
  scale,
  sub,
  subScaledInPlace,
  sumColumns,
  transpose,
  zeros,
} from "./matrix.ts";
import type { Rng } from "./random.ts";

export const INPUTS = 784;
export const OUTPUTS = 10;

export interface Network {
  W_h: Matrix;
  b_h: Matrix;
  W_o: Matrix;
  b_o: Matrix;
}

export interface Gradients {
  dW_h: Matrix;
  db_h: Matrix;
  dW_o: Matrix;
  db_o: Matrix;
}

export interface ForwardCache {
  Z_h: Matrix;
  A_h: Matrix;
  Z_o: Matrix;
  A_o: Matrix;
}

export const PARAMETERS = ["W_h", "b_h", "W_o", "b_o"] as const;
export type ParameterName = typeof PARAMETERS[number];

/** The number of hidden neurons of a network. */
export function hiddenSize(net: Network): number {
  return net.W_h.rows;
}

function uniformMatrix(rng: Rng, rows: number, cols: number): Matrix {
  const M = zeros(rows, cols);
  for (let i = 0; i < M.data.length; i++) M.data[i] = rng.uniform(-1, 1);
  return M;
}

/** Every entry of W_h, b_h, W_o, b_o uniform in [−1, 1), as the original project initialises them. */
export function initNetwork(rng: Rng, hidden = 10, inputs = INPUTS, outputs = OUTPUTS): Network {
  return {
    W_h: uniformMatrix(rng, hidden, inputs),
    b_h: uniformMatrix(rng, hidden, 1),
    W_o: uniformMatrix(rng, outputs, hidden),
    b_o: uniformMatrix(rng, outputs, 1),
  };
}

export function cloneNetwork(net: Network): Network {
  return { W_h: clone(net.W_h), b_h: clone(net.b_h), W_o: clone(net.W_o), b_o: clone(net.b_o) };
}

/** Z_h = W_h·X + b_h, A_h = ReLU(Z_h), Z_o = W_o·A_h + b_o, A_o = softmax(Z_o). */
export function forward(net: Network, X: Matrix): ForwardCache {
  const Z_h = addColumn(matmul(net.W_h, X), net.b_h);
  const A_h = relu(Z_h);
  const Z_o = addColumn(matmul(net.W_o, A_h), net.b_o);
  const A_o = softmax(Z_o);
  return { Z_h, A_h, Z_o, A_o };
}

/**
 * The gradients of the mean cross-entropy loss, as fresh matrices:
 *   dZ_o = A_o − Y
 *   dW_o = (1/m)·dZ_o·A_hᵀ          db_o = (1/m)·Σ_columns dZ_o
 *   dA_h = W_oᵀ·dZ_o
 *   dZ_h = dA_h ⊙ ReLU′(Z_h)         (at Z_h: the original text's ReLU′(dZ_h) is an erratum)
 *   dW_h = (1/m)·dZ_h·Xᵀ            db_h = (1/m)·Σ_columns dZ_h
 */
export function backward(net: Network, X: Matrix, Y: Matrix, cache: ForwardCache): Gradients {
  const m = X.cols;
  const dZ_o = sub(cache.A_o, Y);
  const dW_o = scale(matmul(dZ_o, transpose(cache.A_h)), 1 / m);
  const db_o = scale(sumColumns(dZ_o), 1 / m);
  const dA_h = matmul(transpose(net.W_o), dZ_o);
  const dZ_h = hadamard(dA_h, reluDerivative(cache.Z_h));
  const dW_h = scale(matmul(dZ_h, transpose(X)), 1 / m);
  const db_h = scale(sumColumns(dZ_h), 1 / m);
  return { dW_h, db_h, dW_o, db_o };
}

/** Gradient descent, in place: θ ← θ − η·dθ for all four parameters. */
export function step(net: Network, grads: Gradients, learningRate: number): void {
  subScaledInPlace(net.W_h, grads.dW_h, learningRate);
  subScaledInPlace(net.b_h, grads.db_h, learningRate);
  subScaledInPlace(net.W_o, grads.dW_o, learningRate);
  subScaledInPlace(net.b_o, grads.db_o, learningRate);
}
