/**
 * Evaluation: accuracy, the 10×10 confusion matrix and the summed
 * one-vs-rest binary confusion matrix the original project reports; the loss over a whole
 * dataset; and what compares two networks' answers (recall per digit, the pairs most
 * confused, how often they agree).
 */
import { type Dataset, select, toMatrix } from "../data/dataset.ts";
import { accuracy, countCorrect, crossEntropy, oneHot } from "../maths/loss.ts";
import { forward, type Network } from "../maths/network.ts";

/** C[actual][predicted] = how many samples with that label got that prediction. */
export function confusionMatrix(
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
  classes = 10,
): number[][] {
  const C = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let j = 0; j < labels.length; j++) C[labels[j]][predictions[j]]++;
  return C;
}

/**
 * The ten one-vs-rest 2×2 matrices [[TP, FN], [FP, TN]], summed, as the original computes it.
 * Summed over classes: TP = correct, FN = FP = wrong, TN = (classes − 2)·m + correct.
 */
export function binaryConfusionMatrix(confusion: number[][]): [[number, number], [number, number]] {
  const classes = confusion.length;
  let total = 0;
  for (const row of confusion) for (const v of row) total += v;
  let tp = 0, fn = 0, fp = 0, tn = 0;
  for (let k = 0; k < classes; k++) {
    const tpK = confusion[k][k];
    let actualK = 0, predictedK = 0;
    for (let i = 0; i < classes; i++) {
      actualK += confusion[k][i];
      predictedK += confusion[i][k];
    }
    tp += tpK;
    fn += actualK - tpK;
    fp += predictedK - tpK;
    tn += total - actualK - predictedK + tpK;
  }
  return [[tp, fn], [fp, tn]];
}

export interface Evaluation {
  accuracy: number;
  correct: number;
  total: number;
  /** confusion[actual][predicted]: see confusionMatrix. */
  confusion: number[][];
  /** [[TP, FN], [FP, TN]] summed over the ten one-vs-rest matrices: see binaryConfusionMatrix. */
  binaryConfusion: [[number, number], [number, number]];
}

/** Everything `deno task evaluate` reports, from labels and predictions. */
export function evaluation(labels: ArrayLike<number>, predictions: ArrayLike<number>): Evaluation {
  const correct = countCorrect(predictions, labels);
  const confusion = confusionMatrix(labels, predictions);
  return {
    accuracy: accuracy(predictions, labels),
    correct,
    total: labels.length,
    confusion,
    binaryConfusion: binaryConfusionMatrix(confusion),
  };
}

/**
 * The mean cross-entropy of `net` over all of `data`, with the reference forward pass
 * `chunk` samples at a time, so that X (784, m) in float64 never has to exist whole: the
 * mean over the set is the size-weighted mean of the chunks' means.
 */
export function datasetLoss(net: Network, data: Dataset, chunk = 10000): number {
  let sum = 0;
  for (let from = 0; from < data.count; from += chunk) {
    const part = select(
      data,
      Array.from({ length: Math.min(chunk, data.count - from) }, (_, j) => from + j),
    );
    sum += crossEntropy(forward(net, toMatrix(part)).A_o, oneHot(part.labels)) * part.count;
  }
  return sum / data.count;
}

/** The recall of class k, C[k][k] / Σ_a C[k][a]: the share of the k's predicted as k. */
export function recall(confusion: readonly (readonly number[])[], k: number): number {
  const row = confusion[k];
  return row[k] / row.reduce((s, v) => s + v, 0);
}

/** The `n` pairs of classes most often confused with each other, both directions added. */
export function confusedPairs(
  confusion: readonly (readonly number[])[],
  n: number,
): { a: number; b: number; count: number }[] {
  const pairs: { a: number; b: number; count: number }[] = [];
  for (let a = 0; a < confusion.length; a++) {
    for (let b = a + 1; b < confusion.length; b++) {
      pairs.push({ a, b, count: confusion[a][b] + confusion[b][a] });
    }
  }
  // Ties keep the order (a, b): the sort is stable.
  return pairs.sort((x, y) => y.count - x.count).slice(0, n);
}

/** How often two classifiers give the same answer, and how often both are wrong. */
export function agreement(
  labels: ArrayLike<number>,
  first: ArrayLike<number>,
  second: ArrayLike<number>,
): { same: number; bothWrong: number; total: number } {
  let same = 0, bothWrong = 0;
  for (let j = 0; j < labels.length; j++) {
    if (first[j] === second[j]) same++;
    if (first[j] !== labels[j] && second[j] !== labels[j]) bothWrong++;
  }
  return { same, bothWrong, total: labels.length };
}
