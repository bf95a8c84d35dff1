/**
 * What the "what happens if" experiments of notebook 09 share: a training run that measures
 * the test accuracy now and then, a sweep of such runs over one setting, and how often each
 * hidden neuron fires (a neuron that never fires is dead: it passes no gradient).
 */
import type { Dataset } from "../data/dataset.ts";
import { INPUTS, sampleZ_h } from "../maths/network.ts";
import { createEngine, predictWith } from "../engines/choose.ts";
import { fastBank } from "../engines/fast/bank.ts";
import { trainBank } from "./bank.ts";
import { evaluation } from "./evaluate.ts";
import type { Network } from "../maths/network.ts";
import { train, type TrainingRecord } from "./train.ts";

export interface RunOptions {
  /** The initial parameters (not modified). */
  network: Network;
  data: Dataset;
  /** Measured every `testEvery` steps and after the last; not trained on. */
  test: Dataset;
  learningRate: number;
  /** Gradient steps (iterations of full-batch descent, or mini-batches). */
  steps: number;
  testEvery: number;
  /** Samples per step (default: all, full batch) and the shuffle's seed. */
  batchSize?: number;
  seed?: number;
  /** Keep every `keepEvery`-th training record (and the last); default 1, all of them. */
  keepEvery?: number;
  /** Called after each test measurement, e.g. to redraw a live chart. */
  onTest?: (run: RunResult) => void | Promise<void>;
}

export interface RunResult {
  records: TrainingRecord[];
  /** Test accuracy of the network after step `iteration`. */
  test: { iteration: number; accuracy: number }[];
  /** The trained parameters (a copy). */
  network: Network;
}

/** Whether step t of `steps` is one of every `every`-th, or the last. */
const due = (t: number, every: number, steps: number) => t % every === 0 || t === steps;

/** Keeps `network` (the parameters after step `iteration`) in `result`, with its test accuracy. */
async function measureTest(
  result: RunResult,
  network: Network,
  iteration: number,
  test: Dataset,
): Promise<void> {
  result.network = network;
  const predictions = await predictWith("fast", network, test);
  result.test.push({ iteration, accuracy: evaluation(test.labels, predictions).accuracy });
}

/**
 * Trains with the fast engine and measures the test accuracy every `testEvery` steps:
 * the training curve and the test curve of one run. The records are the engine's (for
 * mini-batches, the loss and accuracy of each step's batch).
 */
export async function trainAndTest(options: RunOptions): Promise<RunResult> {
  const { data, test, learningRate, steps, testEvery, batchSize, seed } = options;
  const keepEvery = options.keepEvery ?? 1;
  const engine = await createEngine({
    engine: "fast",
    network: options.network,
    data,
    batchSize,
    seed,
  });
  const result: RunResult = { records: [], test: [], network: options.network };
  try {
    for await (const r of train(engine, { iterations: steps, learningRate })) {
      if (due(r.iteration, keepEvery, steps)) result.records.push(r);
      if (due(r.iteration, testEvery, steps)) {
        await measureTest(result, engine.network(), r.iteration, test);
        await options.onTest?.(result);
      }
    }
  } finally {
    engine.dispose();
  }
  return result;
}

export interface BankRunOptions extends Omit<RunOptions, "network" | "learningRate" | "onTest"> {
  /** The initial parameters, one network per run (not modified; all of one hidden size). */
  networks: readonly Network[];
  /** Network k's learning rate. */
  learningRates: readonly number[];
}

/**
 * trainAndTest for several networks at once, in one bank of the fast engine
 * (lib/engines/fast/bank.ts): network k from networks[k] with learningRates[k], on the same
 * data in the same batch order, each bit for bit as trainAndTest would train it alone. Returns
 * one result per network, in order. A network whose loss blows up throws its DivergenceError,
 * as trainAndTest does.
 */
export async function trainAndTestBank(options: BankRunOptions): Promise<RunResult[]> {
  const { networks, data, test, learningRates, steps, testEvery, batchSize, seed } = options;
  if (learningRates.length !== networks.length) {
    throw new RangeError(
      `${networks.length} networks but ${learningRates.length} learning rates`,
    );
  }
  const keepEvery = options.keepEvery ?? 1;
  const bank = await fastBank(networks, data, { batchSize, seed });
  const results: RunResult[] = networks.map((network) => ({ records: [], test: [], network }));
  try {
    for await (const step of trainBank(bank, { iterations: steps, learningRates })) {
      if (step.diverged.length > 0) throw step.diverged[0].error;
      const t = step.iteration;
      for (const [k, r] of step.records.entries()) {
        if (due(t, keepEvery, steps)) results[k].records.push(r!);
        if (due(t, testEvery, steps)) await measureTest(results[k], bank.network(k), t, test);
      }
    }
  } finally {
    bank.dispose();
  }
  return results;
}

/** The same experiment once per value of a setting, in order: [{value, ...result}]. */
export async function overSetting<V, R extends object>(
  values: readonly V[],
  run: (value: V) => Promise<R>,
): Promise<(R & { value: V })[]> {
  const out: (R & { value: V })[] = [];
  for (const value of values) out.push({ ...(await run(value)), value });
  return out;
}

/**
 * For each hidden neuron i, the share of the samples on which it fires, (Z_h)_ij > 0.
 * A neuron with share 0 is dead on these samples: ReLU′ is 0 wherever it is evaluated,
 * so no gradient reaches its weights. Computed sample by sample over the inked pixels
 * only, so that all 60,000 digits need no (784, m) matrix.
 */
export function firingShares(net: Network, data: Dataset): Float64Array {
  const hidden = net.W_h.rows;
  const fires = new Float64Array(hidden);
  const z = new Float64Array(hidden);
  for (let j = 0; j < data.count; j++) {
    sampleZ_h(net, data.images.subarray(j * INPUTS, (j + 1) * INPUTS), z);
    for (let i = 0; i < hidden; i++) if (z[i] > 0) fires[i]++;
  }
  for (let i = 0; i < hidden; i++) fires[i] /= data.count;
  return fires;
}
