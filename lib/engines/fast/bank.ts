/**
 * A bank of networks in the fast engine: K networks of one architecture (same hidden size)
 * trained on the same data in the same batch order, each from its own initial weights with
 * its own learning rate, in one pass over the samples per step. Their W_hT rows lie side by
 * side (bank_layout.ts), so each sample's non-zero pixels are decoded once for all of them;
 * each network has its own output layer, softmax, loss and step.
 *
 * Every network's numbers are bit for bit those of training it alone with fastEngine
 * (trainer.ts) on the same data and options: its sums run in the same order, its shards are
 * the same halves of every batch, its step is the same float32 arithmetic. A network can
 * leave the bank (remove); the others go on with the same bits.
 */
import type { Dataset } from "../../data/dataset.ts";
import { INPUTS, type Network, OUTPUTS } from "../../maths/network.ts";
import {
  assertSameShape,
  type BatchOptions,
  batchSchedule,
  type IterationMetrics,
} from "../engine.ts";
import { createMemory, instantiate, twoThreadsPossible } from "./kernels.ts";
import { paddedHidden, shardBounds, writeSamples } from "./layout.ts";
import {
  bankDescend,
  bankDescendPixels,
  bankLayout,
  readBankNetwork,
  runBankShard,
  writeBankNetwork,
  writeLive,
} from "./bank_layout.ts";
import { countNonZeros } from "./sparse.ts";
import { Phase, type Work } from "./control.ts";
import { Helper, inParallel, TRAINING_IDLE_MS } from "./helper.ts";
import { TWO_THREAD_BATCH } from "./trainer.ts";

export interface FastBankOptions extends BatchOptions {
  /** As fastEngine's: 1, or 2 by default on two cores when batches hold ≥ TWO_THREAD_BATCH samples. */
  threads?: 1 | 2;
}

/** K networks trained side by side; network k is the k-th of those the bank was made with. */
export interface NetworkBank {
  readonly name: string;
  /** How many networks the bank was made with. */
  readonly size: number;
  /** Whether network k still trains (false once removed). */
  active(k: number): boolean;
  /**
   * One iteration of every network still in the bank, network k with learningRates[k]:
   * forward, backward, θ ← θ − η·dθ. Returns each one's metrics (of the forward pass, before
   * the update), undefined for a network that has left.
   */
  iterate(learningRates: readonly number[]): Promise<(IterationMetrics | undefined)[]>;
  /** A copy of network k's current parameters (for one that left, those it left with). */
  network(k: number): Network;
  /** Takes network k out of the bank: later iterations skip it, the others' bits do not change. */
  remove(k: number): void;
  /** Starts over from `networks` (as many as the bank holds, same shapes), all of them in, a fresh schedule. */
  reset(networks: readonly Network[]): void;
  /** Releases the worker and the memory. */
  dispose(): void;
}

/**
 * A bank of `networks` (copied, not modified) over `data`. Throws a RangeError before any
 * work when the networks differ in shape or the bank does not fit the engine's memory or its
 * 24-bit offsets (bank_layout.ts bankLimit).
 */
export async function fastBank(
  networks: readonly Network[],
  data: Dataset,
  options: FastBankOptions = {},
): Promise<NetworkBank> {
  if (networks.length === 0) throw new RangeError("a bank takes at least one network");
  const first = networks[0];
  if (first.W_o.rows !== OUTPUTS || first.W_h.cols !== INPUTS) {
    throw new RangeError(
      `the fast engine takes ${INPUTS} → hidden → ${OUTPUTS} networks, got W_h (${first.W_h.rows}, ${first.W_h.cols}) and W_o (${first.W_o.rows}, ${first.W_o.cols})`,
    );
  }
  for (const net of networks) assertSameShape(net, first);
  const size = networks.length;
  const count = data.count;
  const full = (options.batchSize ?? count) >= count;
  // the same choices as fastEngine's (trainer.ts), the batch's dZ_h rows being K networks wide;
  // a batch too wide for them takes the scatter, which gives the same bits
  const hp = paddedHidden(first.W_h.rows);
  const batch = !full && options.batchSize! * 4 * size * hp < 1 << 24 ? options.batchSize! : 0;
  const nonZeros = countNonZeros(data.images, count);
  const at = bankLayout(size, first.W_h.rows, { count, nonZeros, columnWise: full, batch });
  const memory = createMemory(at.bytes);
  const buffer = memory.buffer;
  const threads = options.threads ??
    (twoThreadsPossible() && (options.batchSize ?? count) >= TWO_THREAD_BATCH ? 2 : 1);
  const helper = new Helper(memory, at, "bank", TRAINING_IDLE_MS);
  let disposed = false;

  const starting = threads === 2 ? helper.start() : undefined;
  const instantiating = instantiate(memory);

  const live = networks.map((_, k) => k);
  networks.forEach((net, k) => writeBankNetwork(buffer, at, k, net));
  writeLive(buffer, at, live);
  writeSamples(buffer, at, data, nonZeros, at.rowBytes, full);
  const order = new Uint32Array(buffer, at.order, count);
  let schedule = batchSchedule(count, options, order);
  const stats = at.stats.map((offset) => new Float64Array(buffer, offset, 2 * size));
  const scales = new Float32Array(buffer, at.scales, size);
  const kernels = await instantiating;
  await starting;

  const onBoth = (work: Partial<Work>, here: () => void, there: () => void) =>
    inParallel(helper, threads, work, here, there);

  const check = (k: number) => {
    if (!(Number.isInteger(k) && k >= 0 && k < size)) {
      throw new RangeError(`the bank holds networks 0 to ${size - 1}, got ${k}`);
    }
  };
  const alive = () => {
    if (disposed) throw new Error("this bank of networks has been disposed");
  };

  return {
    name: "fast bank",
    size,
    active: (k) => live.includes(k),
    async iterate(learningRates) {
      alive();
      if (learningRates.length !== size) {
        throw new RangeError(
          `the bank takes one learning rate per network (${size}), got ${learningRates.length}`,
        );
      }
      const { from, to } = schedule.next();
      const m = to - from;
      const [[, mid]] = shardBounds(from, to);
      if (live.length > 0) {
        await onBoth(
          { phase: Phase.ShardPass, from: mid, to, batchFrom: from },
          () => runBankShard(kernels, at, 0, from, mid, from),
          () => runBankShard(kernels, at, 1, mid, to, from),
        );
      }
      const metrics: (IterationMetrics | undefined)[] = new Array(size).fill(undefined);
      for (const k of live) {
        metrics[k] = {
          loss: (stats[0][2 * k] + stats[1][2 * k]) / m,
          accuracy: (stats[0][2 * k + 1] + stats[1][2 * k + 1]) / m,
        };
        // θ ← θ − η·(1/m)·dθ; dW_h was summed over raw bytes, hence also 1/255.
        scales[k] = learningRates[k] / (255 * m);
      }
      stats[0].fill(0);
      stats[1].fill(0);
      if (live.length === 0) return metrics;
      if (at.batch && threads === 1) {
        bankDescendPixels(kernels, at, 0, from, mid, to, [0, INPUTS]); // one sort, not two
      } else if (at.batch) {
        await onBoth(
          { phase: Phase.ColumnPass, batchFrom: from, mid, to },
          () => bankDescendPixels(kernels, at, 0, from, mid, to),
          () => bankDescendPixels(kernels, at, 1, from, mid, to),
        );
      }
      bankDescend(kernels, at, live, learningRates.map((η) => η / m), !at.batch);
      return metrics;
    },
    network(k) {
      alive();
      check(k);
      return readBankNetwork(buffer, at, k);
    },
    remove(k) {
      alive();
      check(k);
      const i = live.indexOf(k);
      if (i < 0) return;
      live.splice(i, 1);
      writeLive(buffer, at, live);
    },
    reset(next) {
      alive();
      if (next.length !== size) {
        throw new RangeError(`reset takes ${size} networks, got ${next.length}`);
      }
      for (const net of next) assertSameShape(net, first);
      // every step clears the gradients it used; cleared again all the same, for the networks
      // that left
      const gradFloats = INPUTS * at.rowBytes / 4 + size * at.restFloats;
      for (const g of at.grads) new Float32Array(buffer, g, gradFloats).fill(0);
      next.forEach((net, k) => writeBankNetwork(buffer, at, k, net));
      live.splice(0, live.length, ...next.map((_, k) => k));
      writeLive(buffer, at, live);
      schedule = batchSchedule(count, options, order);
    },
    dispose() {
      disposed = true;
      helper.dispose();
    },
  };
}
