/**
 * Training by gradient descent, one iteration at a time: full batch by default, or
 * mini-batches of a seeded per-epoch shuffle (batchSchedule).
 *
 * A `TrainingEngine` owns the parameters and the data and performs one iteration
 * (forward, backward, update). The reference engine below composes `forward`,
 * `backward` and `step` from network.ts; faster engines implement the same interface.
 */
import { accuracyOf } from "./evaluate.ts";
import { crossEntropy, oneHot } from "./loss.ts";
import { type Matrix, zeros } from "./matrix.ts";
import { backward, cloneNetwork, forward, type Network, step } from "./network.ts";
import { createRng, shuffle } from "./random.ts";

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
  reset?(network: Network): void;
  /** Releases workers or memory, if any. */
  dispose?(): void;
}

export interface TrainingRecord extends IterationMetrics {
  /** 1-based iteration number. */
  iteration: number;
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

/** The columns `indices` of X (rows, m): a fresh (rows, indices.length) matrix. */
function columns(X: Matrix, indices: ArrayLike<number>): Matrix {
  const B = zeros(X.rows, indices.length);
  for (let i = 0; i < X.rows; i++) {
    const row = i * X.cols, out = i * B.cols;
    for (let j = 0; j < indices.length; j++) B.data[out + j] = X.data[row + indices[j]];
  }
  return B;
}

/**
 * The readable engine: network.ts's forward, backward and step on X (784, m), on all
 * samples at once or, with `batchSize`, on the batches of batchSchedule.
 */
export function referenceEngine(
  initial: Network,
  X: Matrix,
  labels: ArrayLike<number>,
  options: BatchOptions = {},
): TrainingEngine {
  let net = cloneNetwork(initial);
  let schedule = batchSchedule(X.cols, options);
  const fullBatch = (options.batchSize ?? X.cols) >= X.cols;
  const Y = fullBatch ? oneHot(labels, net.W_o.rows) : undefined;
  return {
    name: "reference",
    iterate(learningRate) {
      const { from, to } = schedule.next();
      const batch = schedule.order.subarray(from, to);
      const X_B = fullBatch ? X : columns(X, batch);
      const labels_B = fullBatch ? labels : Array.from(batch, (j) => labels[j]);
      const Y_B = Y ?? oneHot(labels_B, net.W_o.rows);
      const cache = forward(net, X_B);
      const loss = crossEntropy(cache.A_o, Y_B);
      const accuracy = accuracyOf(cache.A_o, labels_B);
      step(net, backward(net, X_B, Y_B, cache), learningRate);
      return { loss, accuracy };
    },
    network: () => cloneNetwork(net),
    reset(network) {
      assertSameShape(network, net);
      net = cloneNetwork(network);
      schedule = batchSchedule(X.cols, options);
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

/**
 * The loss of a uniform guess over ten classes is ln 10 ≈ 2.30. The softmax and loss are
 * computed stably, so a runaway learning rate shows as a huge but finite loss (hundreds)
 * rather than NaN; a loss above 100× the uniform guess is treated as divergence too.
 */
export const DIVERGENCE_LOSS = 100 * Math.log(10);

/** Raised when the loss stops being a finite number or exceeds DIVERGENCE_LOSS. */
export class DivergenceError extends Error {
  constructor(readonly iteration: number, readonly learningRate: number, readonly loss: number) {
    super(
      `training diverged at iteration ${iteration}: the loss reached ${
        Number.isFinite(loss) ? loss.toFixed(1) : loss
      } (a uniform guess scores 2.30) with learning rate ${learningRate}`,
    );
    this.name = "DivergenceError";
  }
}

/**
 * Runs `iterations` iterations and yields {iteration, loss, accuracy} after each.
 * Throws DivergenceError as soon as the loss is not finite or above DIVERGENCE_LOSS.
 */
export async function* train(
  engine: TrainingEngine,
  options: { iterations: number; learningRate: number },
): AsyncGenerator<TrainingRecord> {
  for (let iteration = 1; iteration <= options.iterations; iteration++) {
    const metrics = await engine.iterate(options.learningRate);
    if (!(metrics.loss <= DIVERGENCE_LOSS)) {
      throw new DivergenceError(iteration, options.learningRate, metrics.loss);
    }
    yield { iteration, ...metrics };
  }
}
