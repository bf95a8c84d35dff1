/**
 * Where a bank of K networks of one hidden size lives in the fast engine's memory, how each
 * network is copied in and out, and the kernels' calls for one shard (kernels.as, "the bank").
 *
 * The K networks' W_hT are laid side by side: one row of K × hp floats per pixel, network k
 * at floats k·hp .. k·hp + hp − 1 of every row, so that one pass over a sample's entries reads
 * every network's weights of that pixel. Each network keeps its own block
 *   b_h (hp) | W_o (10 × hp) | b_o (16),
 * after the rows. Gradients have the same shape, one set per shard.
 */
import { INPUTS, type Network, OUTPUTS } from "../../maths/network.ts";
import { zeros } from "../../maths/matrix.ts";
import type { Kernels } from "./kernels.ts";
import { MAXIMUM_PAGES } from "./kernels.ts";
import {
  blockSize,
  blockStarts,
  CONTROL_WORDS,
  MAX_HIDDEN,
  OUTPUT_LANES,
  paddedHidden,
  PIXEL_HALVES,
  shardBounds,
  SHARDS,
  STATIC_BYTES,
} from "./layout.ts";

/** Sums a plan group holds in registers (kernels.as gatherBank), and the bytes of one group. */
const GROUP_VECTORS = 12;
const GROUP_WORDS = 3;
/** Entry offsets are 24 bits: rows and dZ_h blocks must be addressed below this. */
const OFFSETS = 1 << 24;

export interface BankLayout {
  /** Networks in the bank. */
  networks: number;
  hidden: number;
  /** hidden, padded to a multiple of 4. */
  hp: number;
  /** Bytes of one row of the side-by-side W_hT (and of a dZ_h row): 4 · K · hp. */
  rowBytes: number;
  /** Floats of one network's b_h | W_o | b_o block, and its bytes. */
  restFloats: number;
  restBytes: number;
  control: number;
  /** The W_hT rows (784 × rowBytes), then the K rest blocks; grads: the same, per shard. */
  params: number;
  rests: number;
  grads: number[];
  restGrads: number[];
  /** Per shard: the bank's Z_h row | dZ_h row | dA_h | A_h | Z_o | the passes' sums. */
  scratch: number[];
  /** Per shard: K pairs (f64 loss sum, f64 number correct). */
  stats: number[];
  entries: number;
  starts: number;
  labels: number;
  order: number;
  /** Full batch only (else 0): as in layout.ts, with dZ_h rows of rowBytes. */
  block: number;
  firstBlock: number[];
  columnEntries: number;
  columnStarts: number;
  dZ: number[];
  /** Mini-batches by columns only (else 0): as in layout.ts, with dZ_h rows of rowBytes. */
  batch: number;
  batchRows: number;
  batchColumns: number[];
  batchWork: number[];
  /** u32 count, then the groups of the sums' plan (offset, vectors, chains). */
  plan: number;
  /** u32 count, then the indices of the networks still in the bank. */
  live: number;
  /** Per network, the f32 step of W_hT (η / (255 m)). */
  scales: number;
  bytes: number;
}

/**
 * Why a bank of `networks` × `hidden` cannot be laid out (undefined when it can): every
 * network's units side by side must fit the 24-bit entry offsets, as one network's must
 * (MAX_HIDDEN), and so must a block of dZ_h rows of the full batch's column pass.
 */
export function bankLimit(
  networks: number,
  hidden: number,
  { fullBatch = true }: { fullBatch?: boolean } = {},
): string | undefined {
  const hp = paddedHidden(hidden);
  if (hidden > MAX_HIDDEN) return `at most ${MAX_HIDDEN} hidden units, got ${hidden}`;
  if (networks * hp > MAX_HIDDEN) {
    return `at most ${MAX_HIDDEN} hidden units side by side (networks × hidden rounded up to 4), got ${networks} × ${hp} = ${
      networks * hp
    }`;
  }
  const most = Math.floor((OFFSETS - 1) / (blockSize(hp) * 4 * hp));
  if (fullBatch && networks > most) {
    return `at most ${most} networks of ${hidden} hidden units in a full batch, got ${networks}`;
  }
  return undefined;
}

/** The most networks of `hidden` units one bank holds (0 when not even one fits). */
export function bankCapacity(hidden: number, options: { fullBatch?: boolean } = {}): number {
  let networks = Math.floor(MAX_HIDDEN / paddedHidden(hidden));
  while (networks > 0 && bankLimit(networks, hidden, options)) networks--;
  return networks;
}

/**
 * Lays out a bank of `networks` of `hidden` units over `count` samples with `nonZeros`
 * non-zero pixels; `batch` > 0 for mini-batches by columns, `columnWise` for a full batch.
 * Throws a RangeError naming the limit when the bank does not fit.
 */
export function bankLayout(
  networks: number,
  hidden: number,
  { count, nonZeros, columnWise, batch }: {
    count: number;
    nonZeros: number;
    columnWise: boolean;
    batch: number;
  },
): BankLayout {
  if (!(Number.isInteger(networks) && networks >= 1)) {
    throw new RangeError(`a bank holds at least one network, got ${networks}`);
  }
  const limit = bankLimit(networks, hidden, { fullBatch: columnWise });
  if (limit) throw new RangeError(`the fast engine's bank takes ${limit}`);
  const hp = paddedHidden(hidden);
  const rowBytes = 4 * networks * hp;
  const block = columnWise ? blockSize(hp) : 0;
  const blocks = columnWise ? blockStarts(count, block).length - 1 : 0;
  const firstBlock = columnWise ? [0, Math.ceil(shardBounds(0, count)[0][1] / block)] : [0, 0];
  const restFloats = hp + OUTPUTS * hp + OUTPUT_LANES;
  const restBytes = 4 * restFloats;
  const paramBytes = INPUTS * rowBytes + networks * restBytes;
  let end = STATIC_BYTES;
  const take = (bytes: number) => {
    const start = end;
    end = Math.ceil((end + bytes) / 64) * 64;
    return start;
  };
  const control = take(4 * CONTROL_WORDS);
  const params = take(paramBytes);
  const grads = Array.from({ length: SHARDS }, () => take(paramBytes));
  const scratch = Array.from(
    { length: SHARDS },
    () => take(2 * rowBytes + 2 * 4 * hp + 4 * OUTPUT_LANES + 4 * 16 * GROUP_VECTORS),
  );
  const stats = Array.from({ length: SHARDS }, () => take(16 * networks));
  const entries = take(4 * nonZeros);
  const starts = take(4 * (count + 1));
  const labels = take(count);
  const order = take(4 * count);
  const columnEntries = take(columnWise ? 4 * nonZeros : 0);
  const columnStarts = take(columnWise ? 4 * (blocks * INPUTS + 1) : 0);
  const dZ = Array.from({ length: SHARDS }, () => take(rowBytes * block));
  const batchRows = take(rowBytes * batch);
  const batchColumns = Array.from(
    { length: SHARDS },
    () => take(8 * Math.min(nonZeros, batch * INPUTS)),
  );
  const batchWork = Array.from({ length: SHARDS }, () => take(batch ? 3 * 4 * (INPUTS + 1) : 0));
  const plan = take(4 * (1 + GROUP_WORDS * networks * hp / 4));
  const live = take(4 * (1 + networks));
  const scales = take(4 * networks);
  if (end > MAXIMUM_PAGES * 65536) {
    throw new RangeError(
      `the fast engine's bank of ${networks} networks of ${hidden} hidden units on ${count} samples needs ${
        Math.ceil(end / 2 ** 20)
      } MiB, more than its 2 GiB memory`,
    );
  }
  return {
    networks,
    hidden,
    hp,
    rowBytes,
    restFloats,
    restBytes,
    control,
    params,
    rests: params + INPUTS * rowBytes,
    grads,
    restGrads: grads.map((g) => g + INPUTS * rowBytes),
    scratch,
    stats,
    entries,
    starts,
    labels,
    order,
    block,
    firstBlock,
    columnEntries,
    columnStarts,
    dZ,
    batch,
    batchRows,
    batchColumns,
    batchWork,
    plan,
    live,
    scales,
    bytes: end,
  };
}

/**
 * The plan of the sums for the networks `live`: each network's units cut into tiles as gather
 * cuts them alone (16 units summed in 2 chains, the rest in 4), neighbouring tiles of one kind
 * joined, and cut into groups of at most GROUP_VECTORS vectors.
 */
export function bankPlan(hp: number, live: readonly number[]): Uint32Array {
  const runs: [number, number, number][] = []; // byte offset, vectors, chains
  const add = (offset: number, vectors: number, chains: number) => {
    const last = runs.at(-1);
    if (last && last[2] === chains && last[0] + 16 * last[1] === offset) last[1] += vectors;
    else runs.push([offset, vectors, chains]);
  };
  for (const k of live) {
    const base = 4 * k * hp, full = Math.floor(hp / 16), rest = (hp % 16) / 4;
    if (full > 0) add(base, 4 * full, 2);
    if (rest > 0) add(base + 64 * full, rest, 4);
  }
  const groups: number[] = [];
  for (const [offset, vectors, chains] of runs) {
    for (let v = 0; v < vectors; v += GROUP_VECTORS) {
      groups.push(offset + 16 * v, Math.min(GROUP_VECTORS, vectors - v), chains);
    }
  }
  return Uint32Array.from([groups.length / GROUP_WORDS, ...groups]);
}

/** Writes the live networks' list and their plan where the kernels (and the worker) read them. */
export function writeLive(buffer: ArrayBufferLike, at: BankLayout, live: readonly number[]): void {
  new Uint32Array(buffer, at.live, 1 + at.networks).set([live.length, ...live]);
  const plan = bankPlan(at.hp, live);
  new Uint32Array(buffer, at.plan, plan.length).set(plan);
}

/** Copies network k into the bank (its columns of the W_hT rows and its rest block; padding zeroed). */
export function writeBankNetwork(
  buffer: ArrayBufferLike,
  at: BankLayout,
  k: number,
  net: Network,
): void {
  const { hp, hidden } = at;
  const width = at.rowBytes / 4;
  const rows = new Float32Array(buffer, at.params, INPUTS * width);
  const rest = new Float32Array(buffer, at.rests + k * at.restBytes, at.restFloats).fill(0);
  const W_o = hp, b_o = W_o + OUTPUTS * hp;
  for (let p = 0; p < INPUTS; p++) rows.fill(0, p * width + k * hp, p * width + (k + 1) * hp);
  for (let i = 0; i < hidden; i++) {
    for (let p = 0; p < INPUTS; p++) rows[p * width + k * hp + i] = net.W_h.data[i * INPUTS + p];
    rest[i] = net.b_h.data[i];
  }
  for (let o = 0; o < OUTPUTS; o++) {
    for (let i = 0; i < hidden; i++) rest[W_o + o * hp + i] = net.W_o.data[o * hidden + i];
    rest[b_o + o] = net.b_o.data[o];
  }
}

/** Network k of the bank, as float64 matrices of the usual shapes. */
export function readBankNetwork(buffer: ArrayBufferLike, at: BankLayout, k: number): Network {
  const { hp, hidden } = at;
  const width = at.rowBytes / 4;
  const rows = new Float32Array(buffer, at.params, INPUTS * width);
  const rest = new Float32Array(buffer, at.rests + k * at.restBytes, at.restFloats);
  const net = {
    W_h: zeros(hidden, INPUTS),
    b_h: zeros(hidden, 1),
    W_o: zeros(OUTPUTS, hidden),
    b_o: zeros(OUTPUTS, 1),
  };
  const W_o = hp, b_o = W_o + OUTPUTS * hp;
  for (let i = 0; i < hidden; i++) {
    for (let p = 0; p < INPUTS; p++) net.W_h.data[i * INPUTS + p] = rows[p * width + k * hp + i];
    net.b_h.data[i] = rest[i];
  }
  for (let o = 0; o < OUTPUTS; o++) {
    for (let i = 0; i < hidden; i++) net.W_o.data[o * hidden + i] = rest[W_o + o * hp + i];
    net.b_o.data[o] = rest[b_o + o];
  }
  return net;
}

/**
 * One shard's forward and backward pass for every live network, as runShard does for one
 * (worker.ts): column-wise per block for a full batch, else sample by sample over
 * order[from..to).
 */
export function runBankShard(
  kernels: Kernels,
  at: BankLayout,
  shard: number,
  from: number,
  to: number,
  batchFrom: number,
): void {
  if (at.block > 0) {
    kernels.bankAccumulateBlocked(
      at.hp,
      at.rowBytes,
      at.params,
      at.rests,
      at.grads[shard],
      at.restGrads[shard],
      at.restBytes,
      at.scratch[shard],
      at.stats[shard],
      at.entries,
      at.starts,
      at.labels,
      from,
      to,
      at.block,
      at.columnEntries,
      at.columnStarts + 4 * INPUTS * at.firstBlock[shard],
      at.dZ[shard],
      at.plan,
      at.live,
    );
  } else {
    kernels.bankAccumulate(
      at.hp,
      at.rowBytes,
      at.params,
      at.rests,
      at.grads[shard],
      at.restGrads[shard],
      at.restBytes,
      at.scratch[shard],
      at.stats[shard],
      at.entries,
      at.starts,
      at.labels,
      at.order,
      from,
      to,
      at.batch && at.batchRows + at.rowBytes * (from - batchFrom),
      at.plan,
      at.live,
    );
  }
}

/** A mini-batch's column pass and W_h step for one thread's pixels, every live network with its scale. */
export function bankDescendPixels(
  kernels: Kernels,
  at: BankLayout,
  thread: number,
  from: number,
  mid: number,
  to: number,
  [p0, p1] = PIXEL_HALVES[thread],
): void {
  kernels.bankDescendColumns(
    at.hp,
    at.rowBytes,
    at.params,
    at.batchRows,
    at.entries,
    at.starts,
    at.order,
    from,
    mid,
    to,
    p0,
    p1,
    at.batchColumns[thread],
    at.batchWork[thread],
    at.scales,
    at.live,
  );
}

/**
 * The step of the networks `live`, from the two shards' gradients: their rest blocks with
 * `restScales[k]` (η / m), and their W_hT rows too (with `at.scales`) when `rows`.
 */
export function bankDescend(
  kernels: Kernels,
  at: BankLayout,
  live: readonly number[],
  restScales: readonly number[],
  rows: boolean,
): void {
  if (rows) {
    kernels.bankDescendRows(
      at.params,
      at.grads[0],
      at.grads[1],
      at.hp,
      at.rowBytes,
      at.scales,
      at.live,
    );
  }
  for (const k of live) {
    const o = k * at.restBytes;
    kernels.descend(
      at.rests + o,
      at.restGrads[0] + o,
      at.restGrads[1] + o,
      at.restFloats,
      restScales[k],
    );
  }
}
