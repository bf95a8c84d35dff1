/**
 * The bank section: K networks trained together by the fast engine's bank (fastBank) on the
 * 60,000 training digits, full batch, against the same K networks as K fast engines in turn,
 * as numpy trains them stacked (one (K·h, 784) product, then each network's output layer)
 * and as the original project did (numpy float64, one network after another). Every
 * contender starts from the same weights and learning rates, and each network's loss after
 * the iterations is compared, so that the times are of the same work.
 */
import { take } from "../lib/data/dataset.ts";
import { fastBank } from "../lib/engines/fast/bank.ts";
import { fastEngine } from "../lib/engines/fast/trainer.ts";
import type { TrainingEngine } from "../lib/engines/engine.ts";
import { initNetwork } from "../lib/maths/init.ts";
import type { Network } from "../lib/maths/network.ts";
import { createRng } from "../lib/maths/random.ts";
import { PythonPeer } from "./python.ts";
import type { BenchContext } from "./sections.ts";
import { Cores, type Stats, stats, time } from "./timing.ts";

/** Network k trains at RATES[k % 4] (tune's default rates) from seed k + 1. */
export const RATES = [0.5, 0.25, 0.1, 0.05];

/** The losses of the peers agree with the bank's when within this relative difference. */
export const LOSS_TOLERANCE = 1e-3;

/** Each network's loss at the last iteration (of its forward pass, before the step). */
export interface BankLosses {
  bank: number[];
  engines: number[];
  stacked?: number[];
  original?: number[];
}

export interface BankRow {
  /** K, the networks trained together. */
  networks: number;
  hidden: number;
  /** Per-network time per iteration, ms: each iteration's time / K. */
  bank: Stats;
  /** Cores the bank had (CPU time / wall time). */
  bankCores: number;
  /** K fast engines, one iteration of each in turn. */
  engines: Stats;
  /** numpy float32, the K networks stacked. */
  stacked?: Stats;
  /** The original project's way: numpy float64, the K networks one after another. */
  original?: Stats;
  losses: BankLosses;
}

export interface BankResult {
  /** Training digits. */
  m: number;
  /** Iterations of each contender per row, alternated, every one timed. */
  iterations: number;
  rates: number[];
  rows: BankRow[];
}

/** The largest relative difference between `a`'s losses and `b`'s. */
export function largestDifference(a: readonly number[], b: readonly number[]): number {
  let worst = 0;
  for (let k = 0; k < a.length; k++) {
    worst = Math.max(worst, Math.abs(a[k] - b[k]) / Math.abs(b[k]));
  }
  return worst;
}

/** K networks' rates and weights as float32, little-endian: the numpy peer's bank file. */
function networksFile(networks: readonly Network[], rates: readonly number[]): Uint8Array {
  const parts: ArrayLike<number>[] = [rates];
  for (const n of networks) parts.push(n.W_h.data, n.b_h.data, n.W_o.data, n.b_o.data);
  const values = new Float32Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const p of parts) {
    values.set(p, at);
    at += p.length;
  }
  // Float32Array is little-endian on every machine Deno runs on (x86-64, arm64)
  return new Uint8Array(values.buffer);
}

/**
 * For hidden 10 and 32 and K = 1, 2, 4, 8 (quick: hidden 10, K = 1 and 4): rounds of one bank
 * iteration, one iteration of each of K fast engines, one stacked numpy iteration and one
 * original (float64) iteration of each network; on the first `m` training digits (60,000).
 */
export async function measureBank(
  ctx: BenchContext,
  options: { m?: number } = {},
): Promise<BankResult> {
  const m = options.m ?? 60000, iterations = ctx.quick ? 5 : 20;
  const data = take(ctx.train, m);
  const numpy = ctx.peers.numpy ? new PythonPeer("./numpy_peer.py") : undefined;
  const file = await Deno.makeTempFile({ prefix: "bench-bank-", suffix: ".f32" });
  const rows: BankRow[] = [];
  try {
    for (const hidden of ctx.quick ? [10] : [10, 32]) {
      for (const K of ctx.quick ? [1, 4] : [1, 2, 4, 8]) {
        const networks = Array.from({ length: K }, (_, k) => initNetwork(createRng(k + 1), hidden));
        const rates = networks.map((_, k) => RATES[k % RATES.length]);
        if (numpy) {
          await Deno.writeFile(file, networksFile(networks, rates));
          await numpy.setup(m, hidden, K, file);
        }
        const bank = await fastBank(networks, data);
        const engines: TrainingEngine[] = [];
        for (const net of networks) engines.push(await fastEngine(net, data));
        const times = {
          bank: [] as number[],
          engines: [] as number[],
          stacked: [] as number[],
          original: [] as number[],
        };
        const losses: BankLosses = { bank: [], engines: [] };
        const cores = new Cores();
        for (let i = 0; i < iterations; i++) {
          times.bank.push(
            await cores.time(async () => {
              const metrics = await bank.iterate(rates);
              losses.bank = metrics.map((x) => x?.loss ?? NaN);
            }) / K,
          );
          times.engines.push(
            await time(async () => {
              for (let k = 0; k < K; k++) {
                losses.engines[k] = (await engines[k].iterate(rates[k])).loss;
              }
            }) / K,
          );
          if (numpy) {
            const stacked = await numpy.step("stacked");
            times.stacked.push(stacked.ms / K);
            losses.stacked = stacked.losses;
            const original = await numpy.step("original");
            times.original.push(original.ms / K);
            losses.original = original.losses;
          }
        }
        bank.dispose();
        engines.forEach((e) => e.dispose());
        rows.push({
          networks: K,
          hidden,
          bank: stats(times.bank),
          bankCores: cores.average,
          engines: stats(times.engines),
          stacked: numpy && stats(times.stacked),
          original: numpy && stats(times.original),
          losses,
        });
      }
    }
  } finally {
    await numpy?.close();
    await Deno.remove(file);
  }
  return { m, iterations, rates: RATES, rows };
}
