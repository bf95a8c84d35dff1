/**
 * Training by full-batch gradient descent, one iteration at a time.
 *
 * A `TrainingEngine` owns the parameters and the data and performs one iteration
 * (forward, backward, update). The reference engine below composes `forward`,
 * `backward` and `step` from network.ts; faster engines implement the same interface.
 */
import { crossEntropy, oneHot } from "./loss.ts";
import { argmaxColumns, type Matrix } from "./matrix.ts";
import { backward, cloneNetwork, forward, type Network, step } from "./network.ts";

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
  /** Releases workers or memory, if any. */
  dispose?(): void;
}

export interface TrainingRecord extends IterationMetrics {
  /** 1-based iteration number. */
  iteration: number;
}

/** Fraction of columns of A whose argmax equals the label. */
export function accuracyOf(A: Matrix, labels: ArrayLike<number>): number {
  const predictions = argmaxColumns(A);
  let correct = 0;
  for (let j = 0; j < predictions.length; j++) if (predictions[j] === labels[j]) correct++;
  return correct / predictions.length;
}

/** The readable engine: network.ts's forward, backward and step on X (784, m). */
export function referenceEngine(
  initial: Network,
  X: Matrix,
  labels: ArrayLike<number>,
): TrainingEngine {
  const net = cloneNetwork(initial);
  const Y = oneHot(labels, net.W_o.rows);
  return {
    name: "reference",
    iterate(learningRate) {
      const cache = forward(net, X);
      const loss = crossEntropy(cache.A_o, Y);
      const accuracy = accuracyOf(cache.A_o, labels);
      step(net, backward(net, X, Y, cache), learningRate);
      return { loss, accuracy };
    },
    network: () => cloneNetwork(net),
  };
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
      } (a uniform guess scores 2.30) with learning rate ${learningRate}; try a smaller --learning-rate`,
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
