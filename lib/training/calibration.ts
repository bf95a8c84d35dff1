/**
 * Is a network's probability a calibrated confidence? Group the samples by the probability
 * of the predicted class, p = max_k (A_o)_kj, into equal-width bins, and compare each bin's
 * mean p with the share of its samples predicted correctly (a reliability diagram). A
 * calibrated classifier is right on 90 % of the samples it gives 0.9.
 */
import type { Matrix } from "../maths/matrix.ts";

/** One bin of a reliability diagram: samples with p(predicted) in [from, to). */
export interface ReliabilityBin {
  from: number;
  to: number;
  count: number;
  /** The mean p(predicted) of its samples (NaN when empty). */
  confidence: number;
  /** The share of its samples predicted correctly (NaN when empty). */
  accuracy: number;
}

/**
 * The reliability bins of A_o (10, m) against the labels: `bins` equal-width bins of
 * p(predicted) over [0, 1] (the last one includes 1).
 */
export function reliabilityBins(
  A_o: Matrix,
  labels: ArrayLike<number>,
  bins = 10,
): ReliabilityBin[] {
  const count = new Float64Array(bins),
    sumP = new Float64Array(bins),
    right = new Float64Array(bins);
  for (let j = 0; j < A_o.cols; j++) {
    let best = 0;
    for (let k = 1; k < A_o.rows; k++) {
      if (A_o.data[k * A_o.cols + j] > A_o.data[best * A_o.cols + j]) best = k;
    }
    const p = A_o.data[best * A_o.cols + j];
    const b = Math.min(bins - 1, Math.floor(p * bins));
    count[b]++;
    sumP[b] += p;
    if (best === labels[j]) right[b]++;
  }
  return Array.from({ length: bins }, (_, b) => ({
    from: b / bins,
    to: (b + 1) / bins,
    count: count[b],
    confidence: count[b] ? sumP[b] / count[b] : NaN,
    accuracy: count[b] ? right[b] / count[b] : NaN,
  }));
}

/**
 * The expected calibration error: the mean of |accuracy − confidence| over the bins,
 * weighted by how many samples each holds (0 for a calibrated classifier).
 */
export function expectedCalibrationError(bins: readonly ReliabilityBin[]): number {
  let total = 0, sum = 0;
  for (const b of bins) {
    if (!b.count) continue;
    total += b.count;
    sum += b.count * Math.abs(b.accuracy - b.confidence);
  }
  return total ? sum / total : 0;
}
