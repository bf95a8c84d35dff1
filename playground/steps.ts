/**
 * One digit through the network, with every intermediate value the page shows: the
 * forward pass, one backward pass for a chosen label, and the probabilities after one
 * gradient step. Only lib/network.ts's forward, backward and step compute them.
 */
import { reluDerivative } from "../lib/activations.ts";
import { oneHot } from "../lib/loss.ts";
import { argmaxColumns, hadamard, matmul, type Matrix, sub, transpose } from "../lib/matrix.ts";
import { backward, cloneNetwork, forward, type Network, step } from "../lib/network.ts";

/** One digit's pixels (784 values in [0, 1]) as the column X (784, 1). */
export function column(pixels: ArrayLike<number>): Matrix {
  return { rows: pixels.length, cols: 1, data: Float64Array.from(pixels) };
}

export interface ForwardNumbers {
  X: Matrix;
  Z_h: Matrix;
  A_h: Matrix;
  Z_o: Matrix;
  A_o: Matrix;
  prediction: number;
}

export function forwardNumbers(net: Network, pixels: ArrayLike<number>): ForwardNumbers {
  const X = column(pixels);
  const cache = forward(net, X);
  return { X, ...cache, prediction: argmaxColumns(cache.A_o)[0] };
}

export interface BackpropNumbers {
  label: number;
  Y: Matrix;
  dZ_o: Matrix;
  dW_o: Matrix;
  db_o: Matrix;
  dA_h: Matrix;
  /** ReLU′(Z_h): 1 where the neuron was active. */
  mask: Matrix;
  dZ_h: Matrix;
  dW_h: Matrix;
  db_h: Matrix;
  /** A_o before and after θ ← θ − η·dθ on this one digit. */
  before: Matrix;
  after: Matrix;
}

/**
 * backward() for this digit with target `label` (m = 1), the intermediate dZ_o, dA_h,
 * ReLU′(Z_h) and dZ_h recomputed from the same formulas for display, and one step.
 */
export function backpropNumbers(
  net: Network,
  pixels: ArrayLike<number>,
  label: number,
  learningRate: number,
): BackpropNumbers {
  const X = column(pixels);
  const Y = oneHot([label]);
  const cache = forward(net, X);
  const grads = backward(net, X, Y, cache);
  // backward() keeps these to itself; with m = 1, dZ_o = db_o and dZ_h = db_h
  const dZ_o = sub(cache.A_o, Y);
  const dA_h = matmul(transpose(net.W_o), dZ_o);
  const mask = reluDerivative(cache.Z_h);
  const after = cloneNetwork(net);
  step(after, grads, learningRate);
  return {
    label,
    Y,
    dZ_o,
    dW_o: grads.dW_o,
    db_o: grads.db_o,
    dA_h,
    mask,
    dZ_h: hadamard(dA_h, mask),
    dW_h: grads.dW_h,
    db_h: grads.db_h,
    before: cache.A_o,
    after: forward(after, X).A_o,
  };
}
