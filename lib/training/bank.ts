/**
 * The training loop of a bank of networks (lib/engines/fast/bank.ts): `trainBank` runs the
 * bank's iterations and yields every network's record; a network whose loss blows up leaves
 * the bank with a DivergenceError, as `train` would stop it, and the others go on.
 */
import type { NetworkBank } from "../engines/fast/bank.ts";
import { DIVERGENCE_LOSS, DivergenceError, type TrainingRecord } from "./train.ts";

/** One iteration of a bank. */
export interface BankStep {
  /** 1-based iteration number. */
  iteration: number;
  /** Per network, in the bank's order: its record, or undefined once it has left. */
  records: (TrainingRecord | undefined)[];
  /** The networks that diverged at this iteration (they have left the bank). */
  diverged: { index: number; error: DivergenceError }[];
}

/**
 * Runs `iterations` iterations of every network still in `bank`, network k with
 * learningRates[k], and yields each iteration's records. Ends early when every network has
 * left.
 *
 * @example Four learning rates from one start, trained side by side
 * ```ts
 * import assert from "node:assert/strict";
 * import { createRng, fastBank, initNetwork, loadMnist, take, trainBank } from "../mod.ts";
 *
 * const data = take(await loadMnist("train"), 500);
 * const start = initNetwork(createRng(1));
 * const rates = [0.5, 0.25, 0.1, 0.05];
 * const bank = await fastBank(rates.map(() => start), data);
 * const last: number[] = [];
 * for await (const step of trainBank(bank, { iterations: 10, learningRates: rates })) {
 *   step.records.forEach((r, k) => (last[k] = r!.loss));
 * }
 * bank.dispose();
 * assert.ok(last[0] < last[3]); // the larger step went further in ten iterations
 * ```
 */
export async function* trainBank(
  bank: NetworkBank,
  options: { iterations: number; learningRates: readonly number[] },
): AsyncGenerator<BankStep> {
  const { iterations, learningRates } = options;
  for (let iteration = 1; iteration <= iterations; iteration++) {
    const metrics = await bank.iterate(learningRates);
    const diverged: BankStep["diverged"] = [];
    const records = metrics.map((m, index) => {
      if (m === undefined) return undefined;
      if (!(m.loss <= DIVERGENCE_LOSS)) {
        diverged.push({
          index,
          error: new DivergenceError(iteration, learningRates[index], m.loss),
        });
        bank.remove(index);
        return undefined;
      }
      return { iteration, ...m };
    });
    yield { iteration, records, diverged };
    if (records.every((r) => r === undefined)) return;
  }
}
