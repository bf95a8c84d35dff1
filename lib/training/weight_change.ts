/**
 * What training wrote into a weight matrix: row by row, how far W − W⁽⁰⁾ reaches and how
 * many weights went down or up; and the pixels that no gradient reaches (blank in every
 * sample, so every term x_pj of dW_h = (1/m) dZ_h Xᵀ in their column is 0).
 */
import type { Dataset } from "../data/dataset.ts";
import { INPUTS } from "../maths/network.ts";
import type { Matrix } from "../maths/matrix.ts";

/** How row `row` of W changed since W⁽⁰⁾. */
export interface RowChange {
  row: number;
  /** max_p |W_rp − W⁽⁰⁾_rp|. */
  maxChange: number;
  /** Σ_p |W_rp − W⁽⁰⁾_rp|. */
  totalChange: number;
  /** How many weights of the row went down by more than the threshold. */
  lowered: number;
  /** How many went up by more than the threshold. */
  raised: number;
}

/**
 * Row by row, the change from `before` to `after` (same shape): its largest and total |Δw|,
 * and how many weights moved down or up by more than `threshold` (default 0.01, well above
 * float32 rounding). Throws a RangeError when the shapes differ.
 */
export function rowChanges(after: Matrix, before: Matrix, threshold = 0.01): RowChange[] {
  if (after.rows !== before.rows || after.cols !== before.cols) {
    throw new RangeError(
      `rowChanges: shapes differ, (${after.rows}, ${after.cols}) against (${before.rows}, ${before.cols})`,
    );
  }
  const { rows, cols } = after;
  return Array.from({ length: rows }, (_, row) => {
    let maxChange = 0, totalChange = 0, lowered = 0, raised = 0;
    for (let p = row * cols; p < (row + 1) * cols; p++) {
      const d = after.data[p] - before.data[p];
      maxChange = Math.max(maxChange, Math.abs(d));
      totalChange += Math.abs(d);
      if (d < -threshold) lowered++;
      if (d > threshold) raised++;
    }
    return { row, maxChange, totalChange, lowered, raised };
  });
}

/** The pixels (0 … 783) that are 0 in every sample of `data`, in increasing order. */
export function blankPixels(data: Dataset): number[] {
  const inked = new Uint8Array(INPUTS);
  for (let j = 0; j < data.count; j++) {
    const x = data.images.subarray(j * INPUTS, (j + 1) * INPUTS);
    for (let p = 0; p < INPUTS; p++) if (x[p] !== 0) inked[p] = 1;
  }
  const blank: number[] = [];
  for (let p = 0; p < INPUTS; p++) if (!inked[p]) blank.push(p);
  return blank;
}
