/**
 * The baseline the hidden layer must beat: a linear softmax classifier (multinomial
 * logistic regression), 784 → 10 with no hidden layer,
 *   Z = W·X + b,  A = softmax(Z),  L = cross-entropy,
 * whose gradients are those of the network's output layer with X in the place of A_h:
 *   dZ = A − Y,  dW = (1/m)·dZ·Xᵀ,  db = (1/m)·Σ_columns dZ.
 */
import { softmax } from "../maths/activations.ts";
import { type Dataset, select, toMatrix } from "../data/dataset.ts";
import { accuracyOf, crossEntropy, oneHot } from "../maths/loss.ts";
import {
  addColumn,
  argmaxColumns,
  matmul,
  type Matrix,
  scale,
  sub,
  subScaledInPlace,
  sumColumns,
  transpose,
  zeros,
} from "../maths/matrix.ts";
import { INPUTS, OUTPUTS } from "../maths/network.ts";
import { batchSchedule } from "../engines/engine.ts";
import type { TrainingRecord } from "./train.ts";

export interface Linear {
  W: Matrix;
  b: Matrix;
}

/** All zeros: with no hidden layer there is no symmetry to break. */
export function initLinear(inputs = INPUTS, outputs = OUTPUTS): Linear {
  return { W: zeros(outputs, inputs), b: zeros(outputs, 1) };
}

/** A = softmax(W·X + b) for X (784, m). */
export function forwardLinear(model: Linear, X: Matrix): Matrix {
  return softmax(addColumn(matmul(model.W, X), model.b));
}

/** The gradients of the mean cross-entropy: dW = (1/m)(A − Y)Xᵀ, db = (1/m)Σ(A − Y). */
export function backwardLinear(X: Matrix, Y: Matrix, A: Matrix): { dW: Matrix; db: Matrix } {
  const dZ = sub(A, Y);
  return {
    dW: scale(matmul(dZ, transpose(X)), 1 / X.cols),
    db: scale(sumColumns(dZ), 1 / X.cols),
  };
}

/**
 * Mini-batch gradient descent in the order every engine uses (batchSchedule); yields the
 * batch's loss and accuracy before each step, like `train`.
 */
export function* trainLinear(
  model: Linear,
  data: Dataset,
  options: { steps: number; learningRate: number; batchSize: number; seed?: number },
): Generator<TrainingRecord> {
  const schedule = batchSchedule(data.count, options);
  for (let iteration = 1; iteration <= options.steps; iteration++) {
    const { from, to } = schedule.next();
    const batch = select(data, schedule.order.subarray(from, to));
    const X = toMatrix(batch), Y = oneHot(batch.labels, model.W.rows);
    const A = forwardLinear(model, X);
    const { dW, db } = backwardLinear(X, Y, A);
    subScaledInPlace(model.W, dW, options.learningRate);
    subScaledInPlace(model.b, db, options.learningRate);
    yield { iteration, loss: crossEntropy(A, Y), accuracy: accuracyOf(A, batch.labels) };
  }
}

/** The predicted digit of every sample, 10,000 columns at a time. */
export function predictLinear(model: Linear, data: Dataset): Uint8Array {
  const out = new Uint8Array(data.count);
  for (let from = 0; from < data.count; from += 10000) {
    const n = Math.min(10000, data.count - from);
    const chunk = select(data, Array.from({ length: n }, (_, j) => from + j));
    out.set(argmaxColumns(forwardLinear(model, toMatrix(chunk))), from);
  }
  return out;
}
