/**
 * Where the fast engine keeps everything in its shared WebAssembly memory, and the
 * conversion of a Network to and from the kernels' float32 parameter block
 *   W_hT (784 × hp) | b_h (hp) | W_o (10 × hp) | b_o (16),
 * hp = hidden rounded up to a multiple of 4 (the padding is zero and stays zero).
 * W_h is kept transposed so that each pixel's hidden weights are one contiguous row.
 */
import { INPUTS, type Network, OUTPUTS } from "../../maths/network.ts";
import { zeros } from "../../maths/matrix.ts";
import type { Dataset } from "../../data/dataset.ts";
import { encodeColumns, encodeSparse } from "./sparse.ts";

/** Below this, AssemblyScript's static data (the exp/log tables). */
export const STATIC_BYTES = 65536;
/** The two halves of every batch; fixed, so results do not depend on the number of cores. */
export const SHARDS = 2;
/** Control words shared by the main thread and the worker (see worker.ts). */
export const CONTROL_WORDS = 16;
/** b_o and Z_o take 16 floats: the 10 outputs padded to whole vectors (and a cache line). */
export const OUTPUT_LANES = 16;

export interface Layout {
  hidden: number;
  /** hidden, padded to a multiple of 4. */
  hp: number;
  /** Floats in a parameter (or gradient) block. */
  paramFloats: number;
  /** Floats of the W_hT part of the block (its gradient carries the 1/255 of the pixels). */
  weightFloats: number;
  params: number;
  /** One gradient accumulator per shard. */
  grads: number[];
  /** One scratch area per shard. */
  scratch: number[];
  /** Per shard: f64 loss sum, f64 number correct. */
  stats: number[];
  control: number;
  /** Samples: sparse entries (4 bytes per non-zero pixel) and per-sample starts (sparse.ts). */
  entries: number;
  starts: number;
  labels: number;
  order: number;
  /**
   * Full batch only (else 0): samples per block of the column-wise backward pass
   * (kernels.as accumulateBlocked), the block each shard starts at, the blocks' column
   * entries and starts, and one block of dZ_h rows per shard.
   */
  block: number;
  firstBlock: number[];
  columnEntries: number;
  columnStarts: number;
  dZ: number[];
  /**
   * Mini-batches by columns only (else 0): samples per batch (at most), the batch's dZ_h
   * rows, room for its entries sorted by pixel, and the sort's work area
   * (kernels.as descendColumns).
   */
  batch: number;
  batchRows: number;
  /** Per thread. */
  batchColumns: number[];
  batchWork: number[];
  /** Dense images (count × 784 bytes), for prediction. */
  images: number;
  predictions: number;
  bytes: number;
}

/** The most hidden units the fast engine holds: W_hT (784 × hidden, float32) within 16 MiB. */
export const MAX_HIDDEN = 5348;

export function paddedHidden(hidden: number): number {
  return Math.ceil(hidden / 4) * 4;
}

/** Bytes of dZ_h rows per block: they stay in the core's L2 cache while the block's columns are summed. */
const BLOCK_BYTES = 192 * 1024;

/** Samples per block of the column-wise backward pass, for a padded hidden size `hp`. */
export function blockSize(hp: number): number {
  return Math.max(64, Math.floor(BLOCK_BYTES / (4 * hp)));
}

/**
 * The pixels each thread steps in a mini-batch's column pass (kernels.as descendColumns): the
 * top and bottom halves of the image, with about as much ink each.
 */
export const PIXEL_HALVES: [number, number][] = [[0, INPUTS / 2], [INPUTS / 2, INPUTS]];

/** The two shards of samples from..to, as the engine cuts every batch. */
export function shardBounds(from: number, to: number): [number, number][] {
  const mid = from + ((to - from) >> 1);
  return [[from, mid], [mid, to]];
}

/** Where each block of the full batch 0..count begins (shard by shard), then `count`. */
export function blockStarts(count: number, block: number): number[] {
  const starts: number[] = [];
  for (const [from, to] of shardBounds(0, count)) {
    for (let s = from; s < to; s += block) starts.push(s);
  }
  starts.push(count);
  return starts;
}

/**
 * Lays out a memory for `count` samples with `nonZeros` non-zero pixels in all (training),
 * with the column-wise copy too when `columnWise` (full-batch training), or `dense` images.
 */
export function layout(
  hidden: number,
  { count, nonZeros = 0, dense = false, columnWise = false, batch = 0 }: {
    count: number;
    nonZeros?: number;
    dense?: boolean;
    columnWise?: boolean;
    batch?: number;
  },
): Layout {
  const hp = paddedHidden(hidden);
  if (hidden > MAX_HIDDEN) {
    throw new RangeError(`the fast engine takes at most ${MAX_HIDDEN} hidden units, got ${hidden}`);
  }
  const block = columnWise ? blockSize(hp) : 0;
  const blocks = columnWise ? blockStarts(count, block).length - 1 : 0;
  const firstBlock = columnWise ? [0, Math.ceil(shardBounds(0, count)[0][1] / block)] : [0, 0];
  const weightFloats = INPUTS * hp;
  const paramFloats = weightFloats + hp + OUTPUTS * hp + OUTPUT_LANES;
  let end = STATIC_BYTES;
  // 64-byte alignment keeps the two threads' areas on separate cache lines.
  const take = (bytes: number) => {
    const start = end;
    end = Math.ceil((end + bytes) / 64) * 64;
    return start;
  };
  // The control words come first, at the same place in every layout, so that a worker of an
  // older layout (stopping, or stopped) and the one that replaces it speak through one set.
  const control = take(4 * CONTROL_WORDS);
  const params = take(4 * paramFloats);
  const grads = Array.from({ length: SHARDS }, () => take(4 * paramFloats));
  const scratch = Array.from(
    { length: SHARDS },
    () => take(4 * (3 * hp + OUTPUT_LANES) + 4 * INPUTS),
  );
  const stats = Array.from({ length: SHARDS }, () => take(16));
  const entries = take(4 * nonZeros);
  const starts = take(4 * (count + 1));
  const labels = take(count);
  const order = take(4 * count);
  const columnEntries = take(columnWise ? 4 * nonZeros : 0);
  const columnStarts = take(columnWise ? 4 * (blocks * INPUTS + 1) : 0);
  const dZ = Array.from({ length: SHARDS }, () => take(4 * hp * block));
  const batchRows = take(4 * hp * batch);
  const batchColumns = Array.from(
    { length: SHARDS },
    () => take(8 * Math.min(nonZeros, batch * INPUTS)),
  );
  const batchWork = Array.from(
    { length: SHARDS },
    () => take(batch ? 3 * 4 * (INPUTS + 1) : 0),
  );
  const images = take(dense ? count * INPUTS : 0);
  const predictions = take(dense ? count : 0);
  return {
    hidden,
    hp,
    paramFloats,
    weightFloats,
    params,
    grads,
    scratch,
    stats,
    control,
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
    images,
    predictions,
    bytes: end,
  };
}

/** Copies the network into the float32 parameter block at `params` (padding zeroed). */
export function writeNetwork(buffer: ArrayBufferLike, at: Layout, net: Network): void {
  const { hp, hidden } = at;
  const block = new Float32Array(buffer, at.params, at.paramFloats).fill(0);
  const b_h = INPUTS * hp, W_o = b_h + hp, b_o = W_o + OUTPUTS * hp;
  for (let i = 0; i < hidden; i++) {
    for (let p = 0; p < INPUTS; p++) block[p * hp + i] = net.W_h.data[i * INPUTS + p];
    block[b_h + i] = net.b_h.data[i];
  }
  for (let k = 0; k < OUTPUTS; k++) {
    for (let i = 0; i < hidden; i++) block[W_o + k * hp + i] = net.W_o.data[k * hidden + i];
    block[b_o + k] = net.b_o.data[k];
  }
}

/** The network held in the parameter block, as float64 matrices of the usual shapes. */
export function readNetwork(buffer: ArrayBufferLike, at: Layout): Network {
  const { hp, hidden } = at;
  const block = new Float32Array(buffer, at.params, at.paramFloats);
  const net = {
    W_h: zeros(hidden, INPUTS),
    b_h: zeros(hidden, 1),
    W_o: zeros(OUTPUTS, hidden),
    b_o: zeros(OUTPUTS, 1),
  };
  const b_h = INPUTS * hp, W_o = b_h + hp, b_o = W_o + OUTPUTS * hp;
  for (let i = 0; i < hidden; i++) {
    for (let p = 0; p < INPUTS; p++) net.W_h.data[i * INPUTS + p] = block[p * hp + i];
    net.b_h.data[i] = block[b_h + i];
  }
  for (let k = 0; k < OUTPUTS; k++) {
    for (let i = 0; i < hidden; i++) net.W_o.data[k * hidden + i] = block[W_o + k * hp + i];
    net.b_o.data[k] = block[b_o + k];
  }
  return net;
}

/** Where the samples go in an engine's memory (layout's or bankLayout's byte offsets). */
export type SampleAreas = Pick<
  Layout,
  "entries" | "starts" | "labels" | "block" | "columnEntries" | "columnStarts"
>;

/**
 * The samples into an engine's memory: as sparse rows (entries naming W_hT rows of
 * `rowBytes`), block by block column-wise too when `columnWise` (a full batch), and the labels.
 */
export function writeSamples(
  buffer: ArrayBufferLike,
  at: SampleAreas,
  data: Dataset,
  nonZeros: number,
  rowBytes: number,
  columnWise: boolean,
): void {
  const count = data.count;
  const pixels = columnWise ? new Uint16Array(nonZeros) : undefined;
  const rows = encodeSparse(data.images, count, rowBytes, {
    entries: new Uint32Array(buffer, at.entries, nonZeros),
    starts: new Uint32Array(buffer, at.starts, count + 1),
  }, pixels);
  if (pixels) {
    const starts = blockStarts(count, at.block);
    encodeColumns(
      rows,
      pixels,
      rowBytes,
      starts,
      new Uint32Array(buffer, at.columnEntries, nonZeros),
      new Uint32Array(buffer, at.columnStarts, (starts.length - 1) * INPUTS + 1),
    );
  }
  new Uint8Array(buffer, at.labels, count).set(data.labels.subarray(0, count));
}
