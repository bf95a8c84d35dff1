/**
 * The main thread's side of the fast engine's worker (serve.ts): starts it, hands it work
 * through the control block, restarts it once it has closed itself.
 */
import type { Layout } from "./layout.ts";
import type { BankLayout } from "./bank_layout.ts";
import { ControlBlock, State, type Work } from "./control.ts";
import type { WorkerInit } from "./serve.ts";

/** How long a training worker waits for work before it closes itself. */
export const TRAINING_IDLE_MS = 3000;

/**
 * The worker's module beside this one: worker.ts from the sources, and in a page's bundle
 * (a .js file) fast-worker.js, the worker's own bundle that tools/bundle.ts writes beside it
 * (a static host serves no .ts as a script).
 */
export const WORKER_FILE = import.meta.url.endsWith(".ts") ? "./worker.ts" : "./fast-worker.js";

type Task = { task: "train" | "predict"; at: Layout } | { task: "bank"; at: BankLayout };

export class Helper {
  #worker: Worker | undefined;
  #control: ControlBlock;
  #starting: Promise<void> | undefined;
  /** Rejects a start in progress (the worker is terminated before it said ready). */
  #abandon = () => {};
  readonly task: Task["task"];
  readonly at: Layout | BankLayout;

  constructor(
    readonly memory: WebAssembly.Memory,
    at: Layout | BankLayout,
    task: Task["task"],
    readonly idleMs: number,
  ) {
    this.at = at;
    this.task = task;
    this.#control = new ControlBlock(memory.buffer, at.control);
  }

  /** Whether a worker is waiting for work (not while it starts, nor once it has closed itself). */
  get ready(): boolean {
    return this.#worker !== undefined && this.#control.state === State.Idle;
  }

  /** A new worker (one start at a time); resolves when it waits for work. */
  start(): Promise<void> {
    this.#starting ??= this.#start().finally(() => (this.#starting = undefined));
    return this.#starting;
  }

  async #start(): Promise<void> {
    this.#worker?.terminate();
    const generation = this.#control.nextGeneration();
    this.#control.state = State.Starting;
    const w = new Worker(new URL(WORKER_FILE, import.meta.url), { type: "module" });
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
        } as WorkerInit,
      );
    });
    w.onmessage = null;
  }

  /**
   * The worker runs `work` while this thread runs `here`; returns when both are done, or
   * false at once (nothing run) if the worker is still starting or has closed itself.
   */
  handOff(work: Partial<Work>, here: () => void): boolean {
    const control = this.#control;
    control.write(work);
    const previous = this.#worker ? control.exchange(State.Idle, State.Work) : State.Closed;
    if (previous === State.Closed || previous === State.Starting) return false;
    if (previous !== State.Idle) {
      throw new Error(`the fast engine's worker is in state ${previous}`);
    }
    control.notify();
    here();
    while (control.state === State.Work) control.wait(State.Work);
    const state = control.state;
    if (state !== State.Done) {
      throw new Error(`the fast engine's worker ${state === State.Failed ? "failed" : "stopped"}`);
    }
    control.state = State.Idle;
    return true;
  }

  dispose(): void {
    this.#control.state = State.Stop;
    this.#control.notify();
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#abandon();
  }
}

/**
 * `work` on the helper's worker (started again if it had closed itself) while `here` runs on
 * this thread; with one thread, `here` then `there`, which does the same work.
 */
export async function inParallel(
  helper: Helper,
  threads: 1 | 2,
  work: Partial<Work>,
  here: () => void,
  there: () => void,
): Promise<void> {
  if (threads === 1) {
    here();
    there();
    return;
  }
  if (helper.handOff(work, here)) return;
  await helper.start(); // it had closed itself, idle
  if (!helper.handOff(work, here)) throw new Error("the fast engine's worker closed");
}
