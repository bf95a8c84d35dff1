/**
 * The second thread of the fast engine. It owns shard 1 of every batch: woken through
 * the control words in shared memory (Atomics.wait/notify, no message per iteration),
 * it runs the kernels on order[from..to) into its own gradient accumulators, then says
 * DONE. After IDLE_MS without work it closes itself, so a forgotten engine cannot keep
 * the process alive; the engine starts a new worker when it needs one again.
 */
import { INPUTS } from "../network.ts";
import { instantiate, type Kernels } from "./kernels.ts";
import { CONTROL_WORDS, type Layout } from "./layout.ts";

/** Control words: the state, the worker's samples FROM..TO and where their batch begins. */
export const STATE = 0, FROM = 1, TO = 2, BATCH_FROM = 3;
export const IDLE = 0, WORK = 1, DONE = 2, CLOSED = 3, STOP = 4, FAILED = 5;
export const IDLE_MS = 3000;

export interface WorkerInit {
  memory: WebAssembly.Memory;
  layout: Layout;
  shard: number;
}

/**
 * One shard's forward and backward pass into its own accumulators: column-wise per block
 * when the layout has the full batch's columns, else sample by sample over order[from..to)
 * (dW_h scattered, or left to descendColumns as dZ_h rows when the layout has batch rows).
 */
export function runShard(
  kernels: Kernels,
  at: Layout,
  shard: number,
  from: number,
  to: number,
  batchFrom: number,
): void {
  if (at.block > 0) {
    kernels.accumulateBlocked(
      at.hp,
      at.params,
      at.grads[shard],
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
    );
  } else {
    kernels.accumulate(
      at.hp,
      at.params,
      at.grads[shard],
      at.scratch[shard],
      at.stats[shard],
      at.entries,
      at.starts,
      at.labels,
      at.order,
      from,
      to,
      at.batch && at.batchRows + 4 * at.hp * (from - batchFrom),
    );
  }
}

/** The loop itself: returns when stopped or idle for IDLE_MS. */
export function serve(
  run: (from: number, to: number, batchFrom: number) => void,
  control: Int32Array,
): void {
  for (;;) {
    const state = Atomics.load(control, STATE);
    if (state === WORK) {
      try {
        run(control[FROM], control[TO], control[BATCH_FROM]);
        Atomics.store(control, STATE, DONE);
      } catch {
        Atomics.store(control, STATE, FAILED);
      }
      Atomics.notify(control, STATE);
      continue;
    }
    if (state === STOP || state === FAILED) return;
    if (Atomics.wait(control, STATE, state, IDLE_MS) === "timed-out") {
      if (Atomics.compareExchange(control, STATE, state, CLOSED) === state) return;
    }
  }
}

// deno-lint-ignore no-explicit-any
const scope = globalThis as any;
if (typeof scope.WorkerGlobalScope !== "undefined" && scope instanceof scope.WorkerGlobalScope) {
  scope.onmessage = async (event: MessageEvent<WorkerInit>) => {
    const { memory, layout: at, shard } = event.data;
    const kernels = await instantiate(memory);
    const control = new Int32Array(memory.buffer, at.control, CONTROL_WORDS);
    scope.postMessage("ready");
    serve(
      (from, to, batchFrom) => runShard(kernels, at, shard, from, to, batchFrom),
      control,
    );
    scope.close();
  };
}
