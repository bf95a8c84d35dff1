/**
 * The fast training engine: the same maths as the reference engine (network.ts), in
 * float32, on sparse byte inputs, with WebAssembly SIMD kernels and two threads.
 *
 * Every batch is cut into two fixed halves (shards). The main thread computes shard 0
 * while the worker computes shard 1, each into its own gradient accumulators; then the
 * main thread adds the two in a fixed order and takes the step. The result is therefore
 * deterministic, and identical whether one or two threads run it.
 */
import type { Dataset } from "../../data/dataset.ts";
import { INPUTS, type Network, OUTPUTS } from "../../maths/network.ts";
import {
  assertSameShape,
  type BatchOptions,
  type BatchSchedule,
  batchSchedule,
  type TrainingEngine,
} from "../engine.ts";
import { createMemory, instantiate, type Kernels, twoThreadsPossible } from "./kernels.ts";
import {
  type Layout,
  layout,
  paddedHidden,
  readNetwork,
  shardBounds,
  writeNetwork,
  writeSamples,
} from "./layout.ts";
import { countNonZeros } from "./sparse.ts";
import { descendPixels, runShard } from "./adapters.ts";
import { Phase } from "./control.ts";
import { Helper, inParallel, TRAINING_IDLE_MS } from "./helper.ts";

export interface FastEngineOptions extends BatchOptions {
  /**
   * 1 runs both shards on the calling thread; default 2 when the machine has 2 cores, memory
   * can be shared (a page that is not cross-origin isolated cannot) and batches hold at least
   * TWO_THREAD_BATCH samples.
   */
  threads?: 1 | 2;
  /**
   * How dW_h is summed: "columns" (default) pixel by pixel from a column-wise copy of the
   * inputs (for a full batch, made once, block by block; for a mini-batch, made per batch);
   * "scatter" sample by sample into every pixel's row.
   */
  backward?: "columns" | "scatter";
}

/**
 * Smaller batches train faster on one thread: each step the threads would pull the
 * parameters the other core has just written (W_hT: 400 KB at hidden 128) and share the
 * batch's dZ_h rows. Measured here, 784 → 128 → 10, one epoch: batch 64, 386 ms on one
 * thread, no faster on two (which burnt 610 ms of CPU); batch 1,000, 390 ms on one, 268 ms
 * on two. Full batches split well (hidden 10: 38 → 21 ms per iteration).
 */
export const TWO_THREAD_BATCH = 256;

export async function fastEngine(
  initial: Network,
  data: Dataset,
  options: FastEngineOptions = {},
): Promise<TrainingEngine> {
  if (initial.W_o.rows !== OUTPUTS || initial.W_h.cols !== INPUTS) {
    throw new RangeError(
      `the fast engine takes ${INPUTS} → hidden → ${OUTPUTS} networks, got W_h (${initial.W_h.rows}, ${initial.W_h.cols}) and W_o (${initial.W_o.rows}, ${initial.W_o.cols})`,
    );
  }
  const count = data.count;
  const nonZeros = countNonZeros(data.images, count);
  const full = (options.batchSize ?? count) >= count;
  const byColumns = options.backward !== "scatter";
  // dW_h of a full batch from a column-wise copy of the samples (kernels.as accumulateBlocked;
  // measured against the scatter, one thread, 60,000 digits: hidden 10, 39.6 → 38.2 ms CPU per
  // iteration; hidden 128, 335 → 295 ms), of a mini-batch from its columns sorted at each
  // step (descendColumns), when its dZ_h rows can be named by the entries' 24-bit offsets
  const columnWise = full && byColumns;
  const hp = paddedHidden(initial.W_h.rows);
  const batch = !full && byColumns && options.batchSize! * 4 * hp < 1 << 24
    ? options.batchSize!
    : 0;
  const at = layout(initial.W_h.rows, { count, nonZeros, columnWise, batch });
  const memory = createMemory(at.bytes);
  const threads = options.threads ??
    (twoThreadsPossible() && (options.batchSize ?? count) >= TWO_THREAD_BATCH ? 2 : 1);
  const helper = new Helper(memory, at, "train", TRAINING_IDLE_MS);

  // the worker and the kernels load while this thread encodes the samples
  const starting = threads === 2 ? helper.start() : undefined;
  const instantiating = instantiate(memory);
  writeNetwork(memory.buffer, at, initial);
  writeSamples(memory.buffer, at, data, nonZeros, 4 * at.hp, columnWise);
  const kernels = await instantiating;
  await starting;
  return new FastTrainer(initial, data.count, options, { at, memory, kernels, helper, threads });
}

/** What fastEngine prepared: the memory's layout, the memory, its kernels and the worker. */
interface Prepared {
  at: Layout;
  memory: WebAssembly.Memory;
  kernels: Kernels;
  helper: Helper;
  threads: 1 | 2;
}

/** One network training in the fast engine's memory, its samples already encoded there. */
class FastTrainer implements TrainingEngine {
  readonly name = "fast";
  readonly #initial: Network;
  readonly #count: number;
  readonly #options: FastEngineOptions;
  readonly #at: Layout;
  readonly #kernels: Kernels;
  readonly #helper: Helper;
  readonly #threads: 1 | 2;
  readonly #buffer: ArrayBufferLike;
  readonly #order: Uint32Array;
  readonly #stats: Float64Array[];
  #schedule: BatchSchedule;
  #disposed = false;

  constructor(initial: Network, count: number, options: FastEngineOptions, prepared: Prepared) {
    this.#initial = initial;
    this.#count = count;
    this.#options = options;
    this.#at = prepared.at;
    this.#kernels = prepared.kernels;
    this.#helper = prepared.helper;
    this.#threads = prepared.threads;
    this.#buffer = prepared.memory.buffer;
    this.#order = new Uint32Array(this.#buffer, this.#at.order, count);
    this.#schedule = batchSchedule(count, options, this.#order);
    this.#stats = this.#at.stats.map((offset) => new Float64Array(this.#buffer, offset, 2));
  }

  async iterate(learningRate: number): Promise<{ loss: number; accuracy: number }> {
    if (this.#disposed) throw new Error("this fast engine has been disposed");
    const at = this.#at, kernels = this.#kernels, stats = this.#stats;
    const { from, to } = this.#schedule.next();
    const m = to - from;
    const [[, mid]] = shardBounds(from, to);
    await inParallel(
      this.#helper,
      this.#threads,
      { phase: Phase.ShardPass, from: mid, to, batchFrom: from },
      () => runShard(kernels, at, 0, from, mid, from),
      () => runShard(kernels, at, 1, mid, to, from),
    );
    const loss = (stats[0][0] + stats[1][0]) / m;
    const accuracy = (stats[0][1] + stats[1][1]) / m;
    stats[0].fill(0);
    stats[1].fill(0);
    // θ ← θ − η·(1/m)·dθ; dW_h was summed over raw bytes, hence also 1/255.
    const scale = learningRate / (255 * m);
    if (at.batch && this.#threads === 1) {
      descendPixels(kernels, at, 0, from, mid, to, scale, [0, INPUTS]); // one sort, not two
    } else if (at.batch) {
      await inParallel(
        this.#helper,
        this.#threads,
        { phase: Phase.ColumnPass, batchFrom: from, mid, to, scale },
        () => descendPixels(kernels, at, 0, from, mid, to, scale),
        () => descendPixels(kernels, at, 1, from, mid, to, scale),
      );
    } else kernels.descend(at.params, at.grads[0], at.grads[1], at.weightFloats, scale);
    const rest = at.paramFloats - at.weightFloats, offset = 4 * at.weightFloats;
    kernels.descend(
      at.params + offset,
      at.grads[0] + offset,
      at.grads[1] + offset,
      rest,
      learningRate / m,
    );
    return { loss, accuracy };
  }

  network(): Network {
    return readNetwork(this.#buffer, this.#at);
  }

  reset(network: Network): void {
    if (this.#disposed) throw new Error("this fast engine has been disposed");
    assertSameShape(network, this.#initial);
    // gradients and stats are already zero: iterate() clears them after each step
    writeNetwork(this.#buffer, this.#at, network);
    this.#schedule = batchSchedule(this.#count, this.#options, this.#order);
  }

  dispose(): void {
    this.#disposed = true;
    this.#helper.dispose();
  }
}
