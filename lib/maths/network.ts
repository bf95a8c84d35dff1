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
  argmaxColumns,
  clone,
  hadamard,
  matmul,
  type Matrix,
  scale,
  sub,
  subScaledInPlace,
  sumColumns,
  transpose,
} from "./matrix.ts";

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

/**
 * One digit's column of Z_h = W_h X + b_h, from its pixel bytes (x = byte / 255), summed over
 * its inked pixels only, into `z_h` (length: the hidden size). For code that walks all 60,000
 * digits one at a time, without a (784, m) matrix.
 */
export function sampleZ_h(net: Network, image: Uint8Array, z_h: Float64Array): Float64Array {
  const h = net.W_h.rows, W_h = net.W_h.data, b_h = net.b_h.data;
  for (let i = 0; i < h; i++) z_h[i] = b_h[i];
  for (let p = 0; p < INPUTS; p++) {
    if (image[p] === 0) continue;
    const v = image[p] / 255;
    for (let i = 0; i < h; i++) z_h[i] += W_h[i * INPUTS + p] * v;
  }
  return z_h;
}

export function cloneNetwork(net: Network): Network {
  return { W_h: clone(net.W_h), b_h: clone(net.b_h), W_o: clone(net.W_o), b_o: clone(net.b_o) };
}

/**
 * Z_h = W_h·X + b_h, A_h = ReLU(Z_h), Z_o = W_o·A_h + b_o, A_o = softmax(Z_o).
 *
 * @example Two digits through an untrained network: each column of A_o sums to 1
 * ```ts
 * import assert from "node:assert/strict";
 * import { createRng, forward, initNetwork, zeros } from "../mod.ts";
 *
 * const net = initNetwork(createRng(1));
 * const { Z_h, A_h, A_o } = forward(net, zeros(784, 2));
 * assert.deepEqual([Z_h.rows, Z_h.cols, A_o.rows, A_o.cols], [10, 2, 10, 2]);
 * assert.ok(A_h.data.every((a) => a >= 0));
 * const sum = A_o.data.filter((_, i) => i % 2 === 0).reduce((s, a) => s + a, 0);
 * assert.ok(Math.abs(sum - 1) < 1e-12);
 * ```
 */
export function forward(net: Network, X: Matrix): ForwardCache {
  const Z_h = addColumn(matmul(net.W_h, X), net.b_h);
  const A_h = relu(Z_h);
  const Z_o = addColumn(matmul(net.W_o, A_h), net.b_o);
  const A_o = softmax(Z_o);
  return { Z_h, A_h, Z_o, A_o };
}

/** Every value of the backward pass: the four gradients and the intermediate ones. */
export interface BackwardSteps extends Gradients {
  dZ_o: Matrix;
  dA_h: Matrix;
  /** ReLU′(Z_h): 1 where a hidden neuron was active, 0 where it was not. */
  reluMask: Matrix;
  dZ_h: Matrix;
}

/**
 * The six formulas of backpropagation, for the mean cross-entropy loss over the m columns of
 * X, every value kept, as fresh matrices:
 *   dZ_o = A_o − Y
 *   dW_o = (1/m)·dZ_o·A_hᵀ          db_o = (1/m)·Σ_columns dZ_o
 *   dA_h = W_oᵀ·dZ_o
 *   dZ_h = dA_h ⊙ ReLU′(Z_h)         (at Z_h: the original text's ReLU′(dZ_h) is an erratum)
 *   dW_h = (1/m)·dZ_h·Xᵀ            db_h = (1/m)·Σ_columns dZ_h
 */
export function backwardSteps(
  net: Network,
  X: Matrix,
  Y: Matrix,
  cache: ForwardCache,
): BackwardSteps {
  const m = X.cols;
  const dZ_o = sub(cache.A_o, Y);
  const dW_o = scale(matmul(dZ_o, transpose(cache.A_h)), 1 / m);
  const db_o = scale(sumColumns(dZ_o), 1 / m);
  const dA_h = matmul(transpose(net.W_o), dZ_o);
  const reluMask = reluDerivative(cache.Z_h);
  const dZ_h = hadamard(dA_h, reluMask);
  const dW_h = scale(matmul(dZ_h, transpose(X)), 1 / m);
  const db_h = scale(sumColumns(dZ_h), 1 / m);
  return { dZ_o, dW_o, db_o, dA_h, reluMask, dZ_h, dW_h, db_h };
}

/**
 * The gradients of the mean cross-entropy loss (backwardSteps' six formulas), as fresh
 * matrices.
 *
 * @example One gradient step lowers the loss on the samples it was computed from
 * ```ts
 * import assert from "node:assert/strict";
 * import { backward, createRng, crossEntropy, forward, initNetwork, oneHot, step, zeros } from "../mod.ts";
 *
 * const net = initNetwork(createRng(1));
 * const X = zeros(784, 3);
 * X.data.fill(0.5);
 * const Y = oneHot([3, 1, 4]);
 * const before = crossEntropy(forward(net, X).A_o, Y);
 * const grads = backward(net, X, Y, forward(net, X));
 * assert.deepEqual([grads.dW_h.rows, grads.dW_h.cols], [10, 784]);
 * step(net, grads, 0.01);
 * assert.ok(crossEntropy(forward(net, X).A_o, Y) < before);
 * ```
 */
export function backward(net: Network, X: Matrix, Y: Matrix, cache: ForwardCache): Gradients {
  const { dW_h, db_h, dW_o, db_o } = backwardSteps(net, X, Y, cache);
  return { dW_h, db_h, dW_o, db_o };
}

/**
 * Gradient descent, in place: θ ← θ − η·dθ for all four parameters.
 *
 * @example A step moves each parameter by −η times its gradient
 * ```ts
 * import assert from "node:assert/strict";
 * import { createRng, initNetwork, step, zeros } from "../mod.ts";
 *
 * const net = initNetwork(createRng(1));
 * const b = net.b_o.data[0];
 * const grads = { dW_h: zeros(10, 784), db_h: zeros(10, 1), dW_o: zeros(10, 10), db_o: zeros(10, 1) };
 * grads.db_o.data[0] = 2;
 * step(net, grads, 0.25);
 * assert.equal(net.b_o.data[0], b - 0.5);
 * ```
 */
export function step(net: Network, grads: Gradients, learningRate: number): void {
  subScaledInPlace(net.W_h, grads.dW_h, learningRate);
  subScaledInPlace(net.b_h, grads.db_h, learningRate);
  subScaledInPlace(net.W_o, grads.dW_o, learningRate);
  subScaledInPlace(net.b_o, grads.db_o, learningRate);
}

/** The predicted digit for every column of X (784, m). */
export function predict(net: Network, X: Matrix): Uint8Array {
  return argmaxColumns(forward(net, X).A_o);
}
