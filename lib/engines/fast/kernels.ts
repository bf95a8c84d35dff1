/**
 * Loading the WebAssembly kernels (kernels.wasm, built from kernels.as by
 * `deno task wasm:build`) over a shared memory, so the main thread and the worker
 * compute on the same parameters without copying them.
 */
export interface Kernels {
  /** Forward + backward of samples order[from..to), summed into one shard's gradients and stats. */
  accumulate(
    hp: number,
    params: number,
    grads: number,
    scratch: number,
    stats: number,
    entries: number,
    starts: number,
    labels: number,
    order: number,
    from: number,
    to: number,
    rows: number,
  ): void;
  /**
   * A mini-batch's dW_h for pixels p0..p1 from the dZ_h rows that accumulate left at `rows`,
   * column by column, and W_h −= scale·dW_h: the same bits as accumulate's scatter followed
   * by descend.
   */
  descendColumns(
    hp: number,
    params: number,
    rows: number,
    entries: number,
    starts: number,
    order: number,
    from: number,
    mid: number,
    to: number,
    p0: number,
    p1: number,
    columns: number,
    work: number,
    scale: number,
  ): void;
  /** The same for samples from..to (no order), dW_h summed column by column per block. */
  accumulateBlocked(
    hp: number,
    params: number,
    grads: number,
    scratch: number,
    stats: number,
    entries: number,
    starts: number,
    labels: number,
    from: number,
    to: number,
    block: number,
    columns: number,
    columnStarts: number,
    dZ: number,
  ): void;
  /** θ ← θ − scale·(g0 + g1); g0 = g1 = 0. */
  descend(theta: number, g0: number, g1: number, n: number, scale: number): void;
  /**
   * The bank's accumulate (kernels.as): every live network's forward and backward pass of
   * samples order[from..to), its W_hT side by side with the others' in rows of rowBytes.
   * `plan` and `live` point at a u32 count and then the plan's groups or the live indices.
   */
  bankAccumulate(
    hp: number,
    rowBytes: number,
    params: number,
    rests: number,
    grads: number,
    restGrads: number,
    restBytes: number,
    scratch: number,
    stats: number,
    entries: number,
    starts: number,
    labels: number,
    order: number,
    from: number,
    to: number,
    rows: number,
    plan: number,
    live: number,
  ): void;
  /** The same for samples from..to of a full batch, dW_h column by column per block. */
  bankAccumulateBlocked(
    hp: number,
    rowBytes: number,
    params: number,
    rests: number,
    grads: number,
    restGrads: number,
    restBytes: number,
    scratch: number,
    stats: number,
    entries: number,
    starts: number,
    labels: number,
    from: number,
    to: number,
    block: number,
    columns: number,
    columnStarts: number,
    dZ: number,
    plan: number,
    live: number,
  ): void;
  /** descendColumns for every live network, each with its scale (f32 at scales + 4k). */
  bankDescendColumns(
    hp: number,
    rowBytes: number,
    params: number,
    rows: number,
    entries: number,
    starts: number,
    order: number,
    from: number,
    mid: number,
    to: number,
    p0: number,
    p1: number,
    columns: number,
    work: number,
    scales: number,
    live: number,
  ): void;
  /** descend on every live network's part of the W_hT rows, each with its scale. */
  bankDescendRows(
    params: number,
    g0: number,
    g1: number,
    hp: number,
    rowBytes: number,
    scales: number,
    live: number,
  ): void;
  /** The predicted digit of each of `count` dense images. */
  predict(
    hp: number,
    params: number,
    scratch: number,
    images: number,
    count: number,
    out: number,
  ): void;
}

/** Pages of 64 KiB the shared memory may grow to (2 GiB of address space, reserved lazily); tools/build-wasm.ts declares the same maximum in the module. */
export const MAXIMUM_PAGES = 32768;
const PAGE = 65536;

/**
 * A browser page that is not cross-origin isolated has no SharedArrayBuffer (and some browsers
 * refuse shared memories there): it gets a plain memory, and kernels-unshared.wasm, the same
 * module with its memory import not declared shared (written by the playground's build).
 */
const SHARED = typeof SharedArrayBuffer !== "undefined";

/** Whether a second thread can share the memory: not without SharedArrayBuffer. */
export function twoThreadsPossible(): boolean {
  return SHARED && navigator.hardwareConcurrency >= 2;
}

let compiled: Promise<WebAssembly.Module> | undefined;

/** The compiled module, once per thread. */
export function kernelModule(): Promise<WebAssembly.Module> {
  compiled ??= (async () => {
    const name = SHARED ? "./kernels.wasm" : "./kernels-unshared.wasm";
    const response = await fetch(new URL(name, import.meta.url));
    return await WebAssembly.compile(await response.arrayBuffer());
  })();
  return compiled;
}

/** A shared memory of at least `bytes` bytes. */
export function createMemory(bytes: number): WebAssembly.Memory {
  const pages = Math.ceil(bytes / PAGE);
  if (pages > MAXIMUM_PAGES) {
    throw new RangeError(`the fast engine needs ${bytes} bytes, more than its 2 GiB memory`);
  }
  return new WebAssembly.Memory({ initial: pages, maximum: MAXIMUM_PAGES, shared: SHARED });
}

export async function instantiate(memory: WebAssembly.Memory): Promise<Kernels> {
  const instance = await WebAssembly.instantiate(await kernelModule(), { env: { memory } });
  return instance.exports as unknown as Kernels;
}
