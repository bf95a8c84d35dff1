/**
 * Which hidden neurons die, and when: several runs trained side by side in one bank of the
 * fast engine, each neuron's firing share measured at chosen iterations (`firingAt`); the
 * neurons that fire on almost no digit (`nearlyDead`); the loss of a few starts before any
 * step (`initialLosses`); and the dips of an accuracy curve (`dips`), where a run loses much
 * of what it had reached and then recovers. Notebook 09a runs them.
 */
import type { Dataset } from "../data/dataset.ts";
import type { Network } from "../maths/network.ts";
import { fastBank } from "../engines/fast/bank.ts";
import { firingShares } from "./experiment.ts";
import { trainBank } from "./bank.ts";

/** The neurons i (counted from 0) whose firing share is below `below` (a fraction). */
export function nearlyDead(shares: ArrayLike<number>, below: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < shares.length; i++) if (shares[i] < below) out.push(i);
  return out;
}

/** One run of `firingAt`: a start, a learning rate, the iterations to measure after. */
export interface FiringRun {
  name: string;
  /** The initial parameters (not modified). */
  network: Network;
  learningRate: number;
  /** Iterations after which to measure (0: before any step); the run stops at the largest. */
  at: readonly number[];
}

/** What `firingAt` measured: one run after `iteration` steps. */
export interface FiringMeasurement {
  name: string;
  learningRate: number;
  iteration: number;
  /** Per hidden neuron, the share of `measureOn` on which it fires (firingShares). */
  shares: Float64Array;
  /** The parameters after `iteration` steps (a copy; at iteration 0 the run's own start). */
  network: Network;
  /** The training accuracy and loss of the iteration's forward pass (NaN at iteration 0). */
  accuracy: number;
  loss: number;
}

/**
 * Trains every run on `data` (full batch) side by side in one fast bank — each bit for bit
 * as if alone — and after each iteration in its `at` list measures every neuron's firing
 * share on `measureOn`. A run leaves the bank after its last measurement, so the bank costs
 * what its runs cost. The measurements come run by run, iteration ascending.
 */
export async function firingAt(
  runs: readonly FiringRun[],
  data: Dataset,
  measureOn: Dataset,
): Promise<FiringMeasurement[]> {
  const found: FiringMeasurement[][] = runs.map(() => []);
  const last = runs.map((r) => Math.max(0, ...r.at));
  runs.forEach((r, k) => {
    if (r.at.includes(0)) {
      found[k].push({
        name: r.name,
        learningRate: r.learningRate,
        iteration: 0,
        shares: firingShares(r.network, measureOn),
        network: r.network,
        accuracy: NaN,
        loss: NaN,
      });
    }
  });
  const iterations = Math.max(...last);
  if (iterations > 0) {
    const bank = await fastBank(runs.map((r) => r.network), data);
    try {
      runs.forEach((_, k) => last[k] === 0 && bank.remove(k));
      const learningRates = runs.map((r) => r.learningRate);
      for await (const step of trainBank(bank, { iterations, learningRates })) {
        for (const { index, error } of step.diverged) {
          throw new RangeError(`${runs[index].name} diverged: ${error.message}`);
        }
        step.records.forEach((record, k) => {
          if (record === undefined || !runs[k].at.includes(step.iteration)) return;
          const network = bank.network(k);
          found[k].push({
            name: runs[k].name,
            learningRate: runs[k].learningRate,
            iteration: step.iteration,
            shares: firingShares(network, measureOn),
            network,
            accuracy: record.accuracy,
            loss: record.loss,
          });
          if (step.iteration === last[k]) bank.remove(k);
        });
        if (runs.every((_, k) => !bank.active(k))) break;
      }
    } finally {
      bank.dispose();
    }
  }
  return found.flat();
}

/**
 * The loss of each network's forward pass on all of `data`, before any step: one bank
 * iteration with learning rate 0 (the networks do not change).
 */
export async function initialLosses(
  networks: readonly Network[],
  data: Dataset,
): Promise<number[]> {
  const bank = await fastBank(networks, data);
  try {
    const metrics = await bank.iterate(networks.map(() => 0));
    return metrics.map((m) => m!.loss);
  } finally {
    bank.dispose();
  }
}

/** One dip of a curve (indices into it). */
export interface Dip {
  /** Where the curve first fell more than `drop` below its best so far. */
  from: number;
  /** Where it was lowest in the dip, and that value. */
  index: number;
  low: number;
  /** The best value before the dip. */
  high: number;
}

/**
 * The dips of a curve that should rise (an accuracy): episodes in which it falls more than
 * `drop` below the highest value reached before, until it comes back within `drop` of it.
 * A curve that only rises, or zig-zags by less than `drop`, has none.
 */
export function dips(xs: ArrayLike<number>, drop: number): Dip[] {
  const out: Dip[] = [];
  let best = -Infinity;
  let current: Dip | undefined;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (current !== undefined) {
      if (x >= current.high - drop) current = undefined;
      else if (x < current.low) Object.assign(current, { index: i, low: x });
    } else if (x < best - drop) {
      current = { from: i, index: i, low: x, high: best };
      out.push(current);
    }
    if (current === undefined) best = Math.max(best, x);
  }
  return out;
}
