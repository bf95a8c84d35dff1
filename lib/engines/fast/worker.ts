/**
 * The second thread of the fast engine. In training it owns shard 1 of every batch; in
 * prediction, the second of two windows of images. Woken through the control words in
 * shared memory (Atomics.wait/notify, no message per iteration), it runs the kernels on
 * from..to, then says DONE. After an idle time without work it closes itself, so a
 * forgotten engine cannot keep the process alive; `Helper`, its main-thread side, starts
 * a new worker when it is needed again.
 */
import { INPUTS } from "../../maths/network.ts";
import { instantiate, type Kernels } from "./kernels.ts";
import { CONTROL_WORDS, type Layout, PIXEL_HALVES } from "./layout.ts";

/**
 * Control words: the state; the work: its PHASE (SHARD: forward and backward of samples
 * FROM..TO of the batch that begins at BATCH_FROM; COLUMNS: the column pass of the
 * batch BATCH_FROM..TO cut at MID, with the float32 step SCALE; PREDICT: images FROM..TO).
 */
export const STATE = 0, FROM = 1, TO = 2, BATCH_FROM = 3, PHASE = 4, MID = 5, SCALE = 6;
/**
 * Which worker the control words speak to: a Helper counts up here before it starts a new
 * worker, so a replaced worker that has not yet seen STOP never takes the new one's work.
 */
export const GENERATION = 7;
export const SHARD = 0, COLUMNS = 1;
export const IDLE = 0, WORK = 1, DONE = 2, CLOSED = 3, STOP = 4, FAILED = 5, STARTING = 6;
/** How long a training worker waits for work before it closes itself. */
export const IDLE_MS = 3000;

export interface WorkerInit {
  memory: WebAssembly.Memory;
  layout: Layout;
  /** Shard 1 of each batch, or the predictions of images from..to. */
  task: "train" | "predict";
  idleMs: number;
  /** The GENERATION word's value this worker answers to. */
  generation: number;
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

/** The predictions of the dense images from..to, in thread `thread`'s scratch area. */
export function predictRange(
  kernels: Kernels,
  at: Layout,
  from: number,
  to: number,
  thread: number,
): void {
  kernels.predict(
    at.hp,
    at.params,
    at.scratch[thread],
    at.images + INPUTS * from,
    to - from,
    at.predictions + from,
  );
}

/**
 * A mini-batch's column pass and W_h step (kernels.as descendColumns) for one thread's
 * pixels: its half of them, or all of them.
 */
export function descendPixels(
  kernels: Kernels,
  at: Layout,
  thread: number,
  from: number,
  mid: number,
  to: number,
  scale: number,
  [p0, p1] = PIXEL_HALVES[thread],
): void {
  kernels.descendColumns(
    at.hp,
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
    scale,
  );
}

/** The worker's part of the work the control words describe. */
function runWorkerPart(
  kernels: Kernels,
  at: Layout,
  task: WorkerInit["task"],
  control: Int32Array,
) {
  const from = control[FROM], to = control[TO], batchFrom = control[BATCH_FROM];
  if (task === "predict") predictRange(kernels, at, from, to, 1);
  else if (control[PHASE] === SHARD) runShard(kernels, at, 1, from, to, batchFrom);
  else {
    const scale = new Float32Array(control.buffer, control.byteOffset + 4 * SCALE, 1)[0];
    descendPixels(kernels, at, 1, batchFrom, control[MID], to, scale);
  }
}

/** The loop itself: returns when stopped or idle for idleMs. */
export function serve(
  run: () => void,
  control: Int32Array,
  idleMs: number,
  generation: number,
): void {
  for (;;) {
    const state = Atomics.load(control, STATE);
    // Read after the state: work handed to a newer worker was preceded by a new generation.
    if (Atomics.load(control, GENERATION) !== generation) return;
    if (state === WORK) {
      try {
        run();
        Atomics.store(control, STATE, DONE);
      } catch {
        Atomics.store(control, STATE, FAILED);
      }
      Atomics.notify(control, STATE);
      continue;
    }
    if (state === STOP || state === FAILED) return;
    if (Atomics.wait(control, STATE, state, idleMs) === "timed-out") {
      if (Atomics.compareExchange(control, STATE, state, CLOSED) === state) return;
    }
  }
}

/** The main thread's side of the worker: starts it, hands it work, restarts it once it has closed. */
export class Helper {
  #worker: Worker | undefined;
  #control: Int32Array;
  #starting: Promise<void> | undefined;
  /** Rejects a start in progress (the worker is terminated before it said ready). */
  #abandon = () => {};
  constructor(
    readonly memory: WebAssembly.Memory,
    readonly at: Layout,
    readonly task: WorkerInit["task"],
    readonly idleMs: number,
  ) {
    this.#control = new Int32Array(memory.buffer, at.control, CONTROL_WORDS);
  }

  /** Whether a worker is waiting for work (not while it starts, nor once it has closed itself). */
  get ready(): boolean {
    return this.#worker !== undefined && Atomics.load(this.#control, STATE) === IDLE;
  }

  /** A new worker (one start at a time); resolves when it waits for work. */
  start(): Promise<void> {
    this.#starting ??= this.#start().finally(() => (this.#starting = undefined));
    return this.#starting;
  }

  async #start(): Promise<void> {
    this.#worker?.terminate();
    const generation = Atomics.add(this.#control, GENERATION, 1) + 1;
    Atomics.store(this.#control, STATE, STARTING);
    const w = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
    this.#worker = w;
    await new Promise<void>((resolve, reject) => {
      this.#abandon = () => reject(new Error("the fast engine's worker was disposed"));
      w.onmessage = () => resolve();
      w.onerror = (e) => {
        e.preventDefault();
        w.terminate();
        reject(new Error(`the fast engine's worker failed to start: ${e.message}`));
      };
      w.postMessage(
        {
          memory: this.memory,
          layout: this.at,
          task: this.task,
          idleMs: this.idleMs,
          generation,
        } satisfies WorkerInit,
      );
    });
    w.onmessage = null;
  }

  /**
   * The worker runs `work` (control words and their values) while this thread runs `here`;
   * returns when both are done, or false at once (nothing run) if the worker is still
   * starting or has closed itself.
   */
  handOff(work: { [word: number]: number }, here: () => void): boolean {
    const control = this.#control;
    for (const [word, value] of Object.entries(work)) control[Number(word)] = value;
    const previous = this.#worker ? Atomics.compareExchange(control, STATE, IDLE, WORK) : CLOSED;
    if (previous === CLOSED || previous === STARTING) return false;
    if (previous !== IDLE) throw new Error(`the fast engine's worker is in state ${previous}`);
    Atomics.notify(control, STATE);
    here();
    while (Atomics.load(control, STATE) === WORK) Atomics.wait(control, STATE, WORK);
    const state = Atomics.load(control, STATE);
    if (state !== DONE) {
      throw new Error(`the fast engine's worker ${state === FAILED ? "failed" : "stopped"}`);
    }
    Atomics.store(control, STATE, IDLE);
    return true;
  }

  dispose(): void {
    Atomics.store(this.#control, STATE, STOP);
    Atomics.notify(this.#control, STATE);
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#abandon();
  }
}

// deno-lint-ignore no-explicit-any
const scope = globalThis as any;
if (typeof scope.WorkerGlobalScope !== "undefined" && scope instanceof scope.WorkerGlobalScope) {
  scope.onmessage = async (event: MessageEvent<WorkerInit>) => {
    const { memory, layout: at, task, idleMs, generation } = event.data;
    const kernels = await instantiate(memory);
    const control = new Int32Array(memory.buffer, at.control, CONTROL_WORDS);
    if (Atomics.load(control, GENERATION) === generation) {
      Atomics.compareExchange(control, STATE, STARTING, IDLE);
    }
    scope.postMessage("ready");
    serve(() => runWorkerPart(kernels, at, task, control), control, idleMs, generation);
    scope.close();
  };
}
