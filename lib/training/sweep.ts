/**
 * The learning-rate sweep of the original hyper-tune.py: train once per learning rate, every
 * rate from the same initial weights, and log {learningRate, iteration, accuracy, loss} every
 * `every` iterations (and at the last). A rate whose loss blows up is recorded as diverged and
 * the sweep goes on. `deno task tune` and notebook 07 both run this.
 */
import type { Dataset } from "../data/dataset.ts";
import { createEngine, type EngineName } from "../engines/choose.ts";
import type { Network } from "../maths/network.ts";
import { DivergenceError, train, type TrainingRecord } from "./train.ts";

export interface SweepOptions {
  engine: EngineName;
  /** The initial parameters every learning rate starts from (not modified). */
  network: Network;
  data: Dataset;
  learningRates: readonly number[];
  iterations: number;
  /** Log every `every`-th iteration (and the last). */
  every: number;
}

/** One logged iteration of one learning rate (a line of the JSONL report, lib/io/report.ts). */
export interface SweepRecord {
  learningRate: number;
  iteration: number;
  accuracy: number;
  loss: number;
}

/** How one learning rate's run ended. */
export interface SweepOutcome {
  learningRate: number;
  /** Iterations completed. */
  iterations: number;
  /** The last loss and training accuracy (NaN when it diverged at once). */
  loss: number;
  accuracy: number;
  seconds: number;
  /** The divergence message, when the loss blew up. */
  diverged?: string;
}

/** Called as the sweep goes, for progress bars and live plots. */
export interface SweepListener {
  start?(learningRate: number): void;
  iteration?(learningRate: number, record: TrainingRecord): void;
  end?(outcome: SweepOutcome, error?: DivergenceError): void;
}

export async function sweep(
  options: SweepOptions,
  listener: SweepListener = {},
): Promise<{ records: SweepRecord[]; outcomes: SweepOutcome[] }> {
  const { engine, network, data, learningRates, iterations, every } = options;
  const records: SweepRecord[] = [];
  const outcomes: SweepOutcome[] = [];
  // One engine for every rate: reset() restarts from the same initial weights while the
  // encoded data (and the fast engine's worker) are kept.
  const trainer = await createEngine({ engine, network, data });
  try {
    for (const [index, learningRate] of learningRates.entries()) {
      const t0 = performance.now();
      if (index > 0) trainer.reset(network);
      listener.start?.(learningRate);
      const outcome: SweepOutcome = {
        learningRate,
        iterations: 0,
        loss: NaN,
        accuracy: NaN,
        seconds: 0,
      };
      let error: DivergenceError | undefined;
      try {
        for await (const r of train(trainer, { iterations, learningRate })) {
          if (r.iteration % every === 0 || r.iteration === iterations) {
            records.push({
              learningRate,
              iteration: r.iteration,
              accuracy: r.accuracy,
              loss: r.loss,
            });
          }
          Object.assign(outcome, { iterations: r.iteration, loss: r.loss, accuracy: r.accuracy });
          listener.iteration?.(learningRate, r);
        }
      } catch (e) {
        if (!(e instanceof DivergenceError)) throw e;
        error = e;
        outcome.diverged = e.message;
      }
      outcome.seconds = (performance.now() - t0) / 1000;
      outcomes.push(outcome);
      listener.end?.(outcome, error);
    }
  } finally {
    trainer.dispose();
  }
  return { records, outcomes };
}
