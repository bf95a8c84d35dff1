/**
 * The control block that the main thread and the fast engine's worker share: a few 32-bit
 * words at the start of the engine's memory (layout.ts CONTROL_WORDS), read and written with
 * Atomics, so that an iteration's work is handed over without a message. `state` says who
 * acts next; `generation` names the worker the block speaks to; the work fields say what to do.
 */

/** Who acts next: the worker (Work), the main thread (Done, Failed), or nobody. */
export const State = {
  /** A worker waits for work. */
  Idle: 0,
  /** Work is handed to the worker. */
  Work: 1,
  /** The worker finished the work. */
  Done: 2,
  /** The worker closed itself after its idle time. */
  Closed: 3,
  /** The main thread stops the worker. */
  Stop: 4,
  /** The worker's part threw. */
  Failed: 5,
  /** A new worker is loading. */
  Starting: 6,
} as const;
export type State = typeof State[keyof typeof State];

/** What a training worker computes for one iteration. */
export const Phase = {
  /** The forward and backward pass of its shard of the batch's samples, from..to. */
  ShardPass: 0,
  /** Its half of the pixels of a mini-batch's column pass and W_h step (batchFrom..to cut at mid). */
  ColumnPass: 1,
} as const;
export type Phase = typeof Phase[keyof typeof Phase];

/** The work of one hand-over (a prediction uses from..to only). */
export interface Work {
  phase: Phase;
  /** The worker's samples (or images) from..to. */
  from: number;
  to: number;
  /** Where the batch begins, and where its two shards meet. */
  batchFrom: number;
  mid: number;
  /** The float32 step of W_h in a column pass: η / (255 m). */
  scale: number;
}

/** Each field's word. */
const WORD = {
  state: 0,
  from: 1,
  to: 2,
  batchFrom: 3,
  phase: 4,
  mid: 5,
  scale: 6,
  generation: 7,
} as const;

export class ControlBlock {
  readonly #words: Int32Array;
  readonly #scale: Float32Array;

  constructor(buffer: ArrayBufferLike, offset: number) {
    this.#words = new Int32Array(buffer, offset, 8);
    this.#scale = new Float32Array(buffer, offset + 4 * WORD.scale, 1);
  }

  get state(): State {
    return Atomics.load(this.#words, WORD.state) as State;
  }

  set state(value: State) {
    Atomics.store(this.#words, WORD.state, value);
  }

  /** Sets the state to `next` if it is `expected`; returns the state found. */
  exchange(expected: State, next: State): State {
    return Atomics.compareExchange(this.#words, WORD.state, expected, next) as State;
  }

  /** Wakes the other side's wait(). */
  notify(): void {
    Atomics.notify(this.#words, WORD.state);
  }

  /** Sleeps while the state is `state`, at most `ms` milliseconds. */
  wait(state: State, ms?: number): "ok" | "not-equal" | "timed-out" {
    return Atomics.wait(this.#words, WORD.state, state, ms);
  }

  /** Which worker the block speaks to (a replaced worker sees a newer one and leaves). */
  get generation(): number {
    return Atomics.load(this.#words, WORD.generation);
  }

  /** Counts the generation up, for a new worker; returns the new one. */
  nextGeneration(): number {
    return Atomics.add(this.#words, WORD.generation, 1) + 1;
  }

  /** Writes the work fields given (before the state says Work). */
  write(work: Partial<Work>): void {
    for (const [name, value] of Object.entries(work) as [keyof Work, number][]) {
      if (name === "scale") this.#scale[0] = value;
      else this.#words[WORD[name]] = value;
    }
  }

  /** The work fields (after the state said Work). */
  read(): Work {
    const w = this.#words;
    return {
      phase: w[WORD.phase] as Phase,
      from: w[WORD.from],
      to: w[WORD.to],
      batchFrom: w[WORD.batchFrom],
      mid: w[WORD.mid],
      scale: this.#scale[0],
    };
  }
}
