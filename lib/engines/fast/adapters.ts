/**
 * The kernels' calls for one network (kernels.as), with the addresses of its layout: one
 * shard's pass, one window of predictions, one thread's pixels of a mini-batch's column pass.
 * The main thread and the worker call the same functions, so both compute alike.
 */
import { INPUTS } from "../../maths/network.ts";
import type { Kernels } from "./kernels.ts";
import { type Layout, PIXEL_HALVES } from "./layout.ts";

/**
 * One shard's forward and backward pass into its own accumulators: column-wise per block
 * when the layout has the full batch's columns, else sample by sample over order[from..to)
 * (dW_h scattered, or left to descendColumns as dZ_h rows when the layout has batch rows).
 */
export function runShard(
  kernels: Kernels,
  at: Layout,
  shard: number,
  from: number,
  to: number,
  batchFrom: number,
): void {
  if (at.block > 0) {
    kernels.accumulateBlocked(
      at.hp,
      at.params,
      at.grads[shard],
      at.scratch[shard],
      at.stats[shard],
      at.entries,
      at.starts,
      at.labels,
      from,
      to,
      at.block,
      at.columnEntries,
      at.columnStarts + 4 * INPUTS * at.firstBlock[shard],
      at.dZ[shard],
    );
  } else {
    kernels.accumulate(
      at.hp,
      at.params,
      at.grads[shard],
      at.scratch[shard],
      at.stats[shard],
      at.entries,
      at.starts,
      at.labels,
      at.order,
      from,
      to,
      at.batch && at.batchRows + 4 * at.hp * (from - batchFrom),
    );
  }
}

/** The predictions of the dense images from..to, in thread `thread`'s scratch area. */
export function predictRange(
  kernels: Kernels,
  at: Layout,
  from: number,
  to: number,
  thread: number,
): void {
  kernels.predict(
    at.hp,
    at.params,
    at.scratch[thread],
    at.images + INPUTS * from,
    to - from,
    at.predictions + from,
  );
}

/**
 * A mini-batch's column pass and W_h step (kernels.as descendColumns) for one thread's
 * pixels: its half of them, or all of them.
 */
export function descendPixels(
  kernels: Kernels,
  at: Layout,
  thread: number,
  from: number,
  mid: number,
  to: number,
  scale: number,
  [p0, p1] = PIXEL_HALVES[thread],
): void {
  kernels.descendColumns(
    at.hp,
    at.params,
    at.batchRows,
    at.entries,
    at.starts,
    at.order,
    from,
    mid,
    to,
    p0,
    p1,
    at.batchColumns[thread],
    at.batchWork[thread],
    scale,
  );
}
