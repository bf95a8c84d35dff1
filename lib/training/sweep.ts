/**
 * The learning-rate sweep of the original hyper-tune.py: train once per learning rate, every
 * rate from the same initial weights, and log {learningRate, iteration, accuracy, loss} every
 * `every` iterations (and at the last). A rate whose loss blows up is recorded as diverged and
 * the sweep goes on. `deno task tune` and notebook 07 both run this; `sweepSeeds` runs it from
 * several starts at once.
 *
 * With the fast engine every run of a sweep trains at once, in one bank of networks
 * (lib/engines/fast/bank.ts), bit for bit as if one after another; the reference engine trains
 * them one after another.
 */
import type { Dataset } from "../data/dataset.ts";
import { createEngine, type EngineName } from "../engines/choose.ts";
import { fastBank } from "../engines/fast/bank.ts";
import { bankCapacity } from "../engines/fast/bank_layout.ts";
import type { Network } from "../maths/network.ts";
import { trainBank } from "./bank.ts";
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
  /**
   * With the fast engine, train the runs at once in a bank (default) or, false, one after
   * another with one engine (the same numbers, slower).
   */
  together?: boolean;
}

/** One logged iteration of one learning rate (a line of the JSONL report, lib/io/report.ts). */
export interface SweepRecord {
  learningRate: number;
  iteration: number;
  accuracy: number;
  loss: number;
}

/** A sweep record of one of several runs that differ only in their initial weights. */
export interface SeededSweepRecord extends SweepRecord {
  seed: number;
}

/** How one learning rate's run ended. */
export interface SweepOutcome {
  learningRate: number;
  /** Iterations completed. */
  iterations: number;
  /** The last loss and training accuracy (NaN when it diverged at once). */
  loss: number;
  accuracy: number;
  /**
   * Seconds from the run's start to its end; runs trained at once in a bank share those
   * seconds (each counts from the bank's start).
   */
  seconds: number;
  /** The divergence message, when the loss blew up. */
  diverged?: string;
}

/**
 * Called as the sweep goes, for progress bars and live plots; `run` is the run's index (in a
 * sweepSeeds, seed by seed, rate by rate). Runs trained one after another call start, their
 * iterations and end in turn; runs trained at once call every start first, then each
 * iteration's records run by run, and end as each run ends (a divergence at once, the others
 * after the last iteration).
 */
export interface SweepListener {
  start?(learningRate: number, run: number): void;
  iteration?(learningRate: number, record: TrainingRecord, run: number): void;
  end?(outcome: SweepOutcome, error: DivergenceError | undefined, run: number): void;
}

/** One run of a sweep: a start and a rate. */
interface Run {
  network: Network;
  learningRate: number;
}

interface Sweep {
  records: SweepRecord[][];
  outcomes: SweepOutcome[];
}

/** Records run by run, outcomes: the runs in the order given. */
async function sweepRuns(
  runs: readonly Run[],
  options: Omit<SweepOptions, "network" | "learningRates">,
  listener: SweepListener,
): Promise<Sweep> {
  const { engine, data, iterations, every } = options;
  const out: Sweep = {
    records: runs.map(() => []),
    outcomes: runs.map(({ learningRate }) => ({
      learningRate,
      iterations: 0,
      loss: NaN,
      accuracy: NaN,
      seconds: 0,
    })),
  };
  const logged = (r: TrainingRecord) => r.iteration % every === 0 || r.iteration === iterations;
  const record = (k: number, r: TrainingRecord) => {
    const { learningRate } = runs[k];
    if (logged(r)) {
      out.records[k].push({
        learningRate,
        iteration: r.iteration,
        accuracy: r.accuracy,
        loss: r.loss,
      });
    }
    Object.assign(out.outcomes[k], { iterations: r.iteration, loss: r.loss, accuracy: r.accuracy });
    listener.iteration?.(learningRate, r, k);
  };

  if (engine === "fast" && options.together !== false) {
    // as many runs at once as one bank holds (all of them, but for very wide networks)
    const size = Math.max(1, bankCapacity(runs[0]?.network.W_h.rows ?? 1));
    for (let first = 0; first < runs.length; first += size) {
      const part = runs.slice(first, first + size);
      const t0 = performance.now();
      const bank = await fastBank(part.map((r) => r.network), data);
      try {
        part.forEach((r, i) => listener.start?.(r.learningRate, first + i));
        const learningRates = part.map((r) => r.learningRate);
        const ended = part.map(() => false);
        const end = (i: number, error?: DivergenceError) => {
          const outcome = out.outcomes[first + i];
          ended[i] = true;
          outcome.seconds = (performance.now() - t0) / 1000;
          if (error) outcome.diverged = error.message;
          listener.end?.(outcome, error, first + i);
        };
        for await (const step of trainBank(bank, { iterations, learningRates })) {
          step.records.forEach((r, i) => r && record(first + i, r));
          for (const { index, error } of step.diverged) end(index, error);
        }
        ended.forEach((done, i) => done || end(i));
      } finally {
        bank.dispose();
      }
    }
    return out;
  }

  // One engine for every run: reset() restarts from each run's initial weights while the
  // encoded data (and the fast engine's worker) are kept.
  const trainer = runs.length > 0
    ? await createEngine({ engine, network: runs[0].network, data })
    : undefined;
  try {
    for (const [k, { network, learningRate }] of runs.entries()) {
      const t0 = performance.now();
      if (k > 0) trainer!.reset(network);
      listener.start?.(learningRate, k);
      let error: DivergenceError | undefined;
      try {
        for await (const r of train(trainer!, { iterations, learningRate })) record(k, r);
      } catch (e) {
        if (!(e instanceof DivergenceError)) throw e;
        error = e;
        out.outcomes[k].diverged = e.message;
      }
      out.outcomes[k].seconds = (performance.now() - t0) / 1000;
      listener.end?.(out.outcomes[k], error, k);
    }
  } finally {
    trainer?.dispose();
  }
  return out;
}

/**
 * Trains `network` once per learning rate; returns the logged records rate by rate and each
 * rate's outcome.
 *
 * @example Two rates from one start, on 300 digits
 * ```ts
 * import assert from "node:assert/strict";
 * import { createRng, initNetwork, loadMnist, sweep, take } from "../mod.ts";
 *
 * const { records, outcomes } = await sweep({
 *   engine: "fast",
 *   network: initNetwork(createRng(1)),
 *   data: take(await loadMnist("train"), 300),
 *   learningRates: [0.5, 0.05],
 *   iterations: 20,
 *   every: 10,
 * });
 * assert.deepEqual(records.map((r) => [r.learningRate, r.iteration]), [[0.5, 10], [0.5, 20], [0.05, 10], [0.05, 20]]);
 * assert.ok(outcomes[0].loss < outcomes[1].loss);
 * ```
 */
export async function sweep(
  options: SweepOptions,
  listener: SweepListener = {},
): Promise<{ records: SweepRecord[]; outcomes: SweepOutcome[] }> {
  const runs = options.learningRates.map((learningRate) => ({
    network: options.network,
    learningRate,
  }));
  const { records, outcomes } = await sweepRuns(runs, options, listener);
  return { records: records.flat(), outcomes };
}

export interface SeedSweepOptions extends Omit<SweepOptions, "network"> {
  seeds: readonly number[];
  /** The initial parameters of a seed, shared by every rate (e.g. initNetwork(createRng(seed))). */
  network: (seed: number) => Network;
}

/**
 * The sweep from several starts: every rate from each seed's initial weights (seeds × rates
 * runs, at once with the fast engine). Records seed by seed, then rate by rate, as sweep()
 * once per seed would give them; outcomes in the same order, with their seed.
 *
 * @example Two seeds × two rates: four runs in one bank
 * ```ts
 * import assert from "node:assert/strict";
 * import { createRng, initNetwork, loadMnist, sweepSeeds, take } from "../mod.ts";
 *
 * const { records, outcomes } = await sweepSeeds({
 *   engine: "fast",
 *   seeds: [1, 2],
 *   network: (seed) => initNetwork(createRng(seed)),
 *   data: take(await loadMnist("train"), 300),
 *   learningRates: [0.5, 0.05],
 *   iterations: 10,
 *   every: 10,
 * });
 * assert.deepEqual(records.map((r) => [r.seed, r.learningRate]), [[1, 0.5], [1, 0.05], [2, 0.5], [2, 0.05]]);
 * assert.equal(outcomes.length, 4);
 * ```
 */
export async function sweepSeeds(
  options: SeedSweepOptions,
  listener: SweepListener = {},
): Promise<{ records: SeededSweepRecord[]; outcomes: (SweepOutcome & { seed: number })[] }> {
  const starts = options.seeds.map((seed) => ({ seed, network: options.network(seed) }));
  const runs = starts.flatMap(({ seed, network }) =>
    options.learningRates.map((learningRate) => ({ seed, network, learningRate }))
  );
  const { records, outcomes } = await sweepRuns(runs, options, listener);
  return {
    records: records.flatMap((own, k) => own.map((r) => ({ ...r, seed: runs[k].seed }))),
    outcomes: outcomes.map((o, k) => ({ ...o, seed: runs[k].seed })),
  };
}
