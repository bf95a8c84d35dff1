/**
 * One-hot targets and the cross-entropy loss.
 */
import { argmaxColumns, type Matrix, zeros } from "./matrix.ts";

/** Y = one-hot(labels): (classes, m), Y[label_j, j] = 1. */
export function oneHot(labels: ArrayLike<number>, classes = 10): Matrix {
  const m = labels.length;
  const Y = zeros(classes, m);
  for (let j = 0; j < m; j++) {
    const k = labels[j];
    if (!Number.isInteger(k) || k < 0 || k >= classes) {
      throw new RangeError(`label ${k} at index ${j} is not in 0..${classes - 1}`);
    }
    Y.data[k * m + j] = 1;
  }
  return Y;
}

/**
 * Probabilities are floored at the smallest positive double before the log, so a
 * confident wrong prediction (a ≈ 0 for the true class) costs about 744, not Infinity.
 */
const FLOOR = Number.MIN_VALUE;

/** Mean over the batch of L = −Σ_i y_i log a_i, for A (classes, m) and Y (classes, m). */
export function crossEntropy(A: Matrix, Y: Matrix): number {
  if (A.rows !== Y.rows || A.cols !== Y.cols) {
    throw new RangeError(
      `crossEntropy: A (${A.rows}, ${A.cols}) and Y (${Y.rows}, ${Y.cols}) differ`,
    );
  }
  let total = 0;
  for (let i = 0; i < A.data.length; i++) {
    const y = Y.data[i];
    if (y !== 0) total -= y * Math.log(Math.max(A.data[i], FLOOR));
  }
  return total / A.cols;
}

/** How many predictions equal their label. */
export function countCorrect(predictions: ArrayLike<number>, labels: ArrayLike<number>): number {
  let correct = 0;
  for (let j = 0; j < predictions.length; j++) if (predictions[j] === labels[j]) correct++;
  return correct;
}

/** The fraction of predictions that equal their label (0 for none). */
export function accuracy(predictions: ArrayLike<number>, labels: ArrayLike<number>): number {
  return predictions.length ? countCorrect(predictions, labels) / predictions.length : 0;
}

/** Fraction of columns of A whose argmax equals the label. */
export function accuracyOf(A: Matrix, labels: ArrayLike<number>): number {
  return accuracy(argmaxColumns(A), labels);
}
