/**
 * Evaluation: accuracy, the 10×10 confusion matrix and the summed
 * one-vs-rest binary confusion matrix the original project reports.
 */
import { accuracy, countCorrect } from "../maths/loss.ts";

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
