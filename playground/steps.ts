/**
 * One digit through the network, with every intermediate value the page shows: the
 * forward pass, one backward pass for a chosen label, and the probabilities after one
 * gradient step. Only lib/maths/network.ts's forward, backwardSteps and step compute them.
 */
import { oneHot } from "../lib/maths/loss.ts";
import { argmaxColumns, type Matrix } from "../lib/maths/matrix.ts";
import { backwardSteps, cloneNetwork, forward, type Network, step } from "../lib/maths/network.ts";

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
 * backwardSteps() for this digit with target `label` (m = 1): every value of the six
 * formulas, then one step.
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
  const { dZ_o, dW_o, db_o, dA_h, reluMask, dZ_h, dW_h, db_h } = backwardSteps(net, X, Y, cache);
  const after = cloneNetwork(net);
  step(after, { dW_h, db_h, dW_o, db_o }, learningRate);
  return {
    label,
    Y,
    dZ_o,
    dW_o,
    db_o,
    dA_h,
    mask: reluMask,
    dZ_h,
    dW_h,
    db_h,
    before: cache.A_o,
    after: forward(after, X).A_o,
  };
}
