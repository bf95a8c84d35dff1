/**
 * The messages between the page (main.ts) and its training worker (trainer.ts).
 * Networks travel as the library's Network (matrices over Float64Array; structured clone).
 */
import type { Network } from "../lib/maths/network.ts";
import type { TrainingRecord } from "../lib/training/train.ts";
import type { RaceRun, Settings } from "./settings.ts";

export type Request =
  | { type: "init"; settings: Settings; threads: 1 | 2 }
  /** A new setting: a new learning rate applies at the next iteration; anything else restarts. */
  | { type: "set"; settings: Settings; id: number }
  | { type: "play" }
  | { type: "pause"; id: number }
  | { type: "step"; n: number; id: number }
  | { type: "reset"; id: number }
  /** Start over from this network (it becomes what reset returns to). */
  | { type: "load"; network: Network; id: number }
  /** Test accuracy and the confusion matrix of the current network. */
  | { type: "evaluate"; id: number }
  /** The learner's own digits (my_digits.ts): predicted at each update; `mix` trains on them too. */
  | { type: "digits"; digits: TestDigits; mix: boolean; version: number; id: number }
  /**
   * A race (trainer_race.ts): these runs of `hidden` neurons and batches of `batchSize` (0:
   * full), trained as one bank from iteration 0; no runs ends the race.
   */
  | { type: "race"; runs: RaceRun[]; hidden: number; batchSize: number; id: number }
  | { type: "race-play" }
  | { type: "race-pause"; id: number }
  | { type: "race-step"; n: number; id: number };

/** The test set as the page keeps it (for the digit panels). */
export interface TestDigits {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export interface TestRecord {
  iteration: number;
  accuracy: number;
}

export interface Status {
  iteration: number;
  loss: number;
  trainAccuracy: number;
  testAccuracy: number;
  running: boolean;
}

/** Before the first iteration (and after a restart). */
export const NOT_STARTED: Status = {
  iteration: 0,
  loss: NaN,
  trainAccuracy: NaN,
  testAccuracy: NaN,
  running: false,
};

/** Where and how training stopped by itself. */
export interface Ending {
  iteration: number;
  learningRate: number;
  loss: number;
}

/** A loss stuck near ln 10 with `dead` of the `hidden` neurons no longer learning. */
export interface Stall extends Ending {
  dead: number;
  hidden: number;
}

/** One run of a race as it stands. */
export interface RaceRunStatus {
  loss: number;
  accuracy: number;
  /** The loss blew up at this iteration: the run left the bank, the others went on. */
  diverged?: Ending;
}

export type Reply =
  | { type: "progress"; loaded: number; total: number }
  | {
    type: "ready";
    test: TestDigits;
    trainCount: number;
  }
  | {
    type: "update";
    status: Status;
    /** The iterations run since the last update (empty after a restart). */
    records: TrainingRecord[];
    /** Set when the curves start over (reset, new setting, load). */
    restarted?: boolean;
    /** The test accuracies measured since the last update (every few iterations, and at pauses). */
    tests: TestRecord[];
    network?: Network;
    confusion?: number[][];
    /** The learner's digits (the `digits` request of that version) as this network predicts them. */
    mine?: { version: number; predictions: Uint8Array };
    /** The request this update completes. */
    id?: number;
    /** Training stopped by itself: the loss blew up (the page throws lib's DivergenceError). */
    diverged?: Ending;
    /** The loss is stuck near ln 10 with most hidden neurons dead (their W_h no longer moves). */
    stalled?: Stall;
  }
  | {
    type: "race";
    iteration: number;
    running: boolean;
    runs: RaceRunStatus[];
    /** Per run, the iterations since the last race update (iteration 0 after a restart). */
    records: TrainingRecord[][];
    /** Set when the curves start over (a new race). */
    restarted?: boolean;
    id?: number;
  }
  | { type: "error"; message: string; id?: number };
