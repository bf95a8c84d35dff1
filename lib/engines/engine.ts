/**
 * What every training engine is: a `TrainingEngine` owns the parameters and the data and
 * performs one iteration (forward, backward, update) at a time; `batchSchedule` is the
 * order of mini-batches that every engine follows, so that all engines train alike.
 */
import type { Network } from "../maths/network.ts";
import { createRng, shuffle } from "../maths/random.ts";

export interface IterationMetrics {
  /** Mean cross-entropy on the training samples, measured by this iteration's forward pass. */
  loss: number;
  /** Fraction of training samples classified correctly by that same forward pass. */
  accuracy: number;
}

export interface TrainingEngine {
  readonly name: string;
  /** One iteration: forward, backward, θ ← θ − η·dθ. Metrics are those of the forward pass (before the update). */
  iterate(learningRate: number): Promise<IterationMetrics> | IterationMetrics;
  /** A copy of the current parameters. */
  network(): Network;
  /**
   * Starts over from `network` (same shape; copied), as a fresh engine on the same data
   * and options would, keeping what the engine prepared (encoded data, workers).
   */
  reset(network: Network): void;
  /** Releases workers and memory (nothing, for an engine that holds neither). */
  dispose(): void;
}

export interface BatchOptions {
  /** Samples per gradient step; the default, all of them, is full-batch gradient descent. */
  batchSize?: number;
  /** Seeds the shuffle of the samples at the start of every epoch (mini-batches only). */
  seed?: number;
}

/** Which samples the next gradient step uses: order[from..to). */
export interface BatchSchedule {
  /** A permutation of 0..count−1, reshuffled in place at the start of each epoch. */
  readonly order: Uint32Array;
  next(): { from: number; to: number };
}

/**
 * Mini-batches in the order every engine uses: at the start of each epoch the order is
 * shuffled (Fisher–Yates, createRng(seed)), then cut into batches of batchSize; the last
 * batch of an epoch may be smaller. A full batch (batchSize ≥ count) is never shuffled.
 * `order` may be supplied so that it lives where an engine needs it (e.g. wasm memory).
 */
export function batchSchedule(
  count: number,
  { batchSize = count, seed = 1 }: BatchOptions = {},
  order: Uint32Array = new Uint32Array(count),
): BatchSchedule {
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) {
    throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
  }
  for (let i = 0; i < count; i++) order[i] = i;
  const full = batchSize >= count;
  const rng = createRng(seed);
  let from = count;
  return {
    order,
    next() {
      if (full) return { from: 0, to: count };
      if (from >= count) {
        shuffle(rng, order);
        from = 0;
      }
      const batch = { from, to: Math.min(from + batchSize, count) };
      from = batch.to;
      return batch;
    },
  };
}

/** Throws unless `network` has the shapes of `like` (what reset() can take). */
export function assertSameShape(network: Network, like: Network): void {
  const shape = (n: Network) =>
    `W_h (${n.W_h.rows}, ${n.W_h.cols}), W_o (${n.W_o.rows}, ${n.W_o.cols})`;
  if (shape(network) !== shape(like)) {
    throw new RangeError(
      `reset takes a network of the engine's shape ${shape(like)}, got ${shape(network)}`,
    );
  }
}
