/**
 * The training loop: `train` runs an engine's iterations and yields their records, and
 * stops with DivergenceError when the loss blows up.
 */
import type { IterationMetrics, TrainingEngine } from "../engines/engine.ts";

export interface TrainingRecord extends IterationMetrics {
  /** 1-based iteration number. */
  iteration: number;
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
 *
 * @example Ten full-batch iterations on 500 real digits lower the loss
 * ```ts
 * import assert from "node:assert/strict";
 * import { createEngine, createRng, initNetwork, loadMnist, take, train } from "../mod.ts";
 *
 * const data = take(await loadMnist("train"), 500);
 * const engine = await createEngine({ engine: "reference", network: initNetwork(createRng(1)), data });
 * const losses: number[] = [];
 * for await (const r of train(engine, { iterations: 10, learningRate: 0.5 })) losses.push(r.loss);
 * engine.dispose();
 * assert.equal(losses.length, 10);
 * assert.ok(losses[9] < losses[0]);
 * ```
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
