/**
 * The page's one state object: everything the page's modules read and change, in one place
 * (the setting, the worker's last status, the curves, the current network, the digit shown).
 */
import { INPUTS, type Network } from "../lib/maths/network.ts";
import type { TrainingRecord } from "../lib/training/train.ts";
import { NOT_STARTED, type Status, type TestDigits, type TestRecord } from "./protocol.ts";
import { type RaceRun, readQuery, type Settings } from "./settings.ts";

/** The digit in the panels: drawn or picked, and the labels that go with it. */
export interface Digit {
  /** 784 values in [0, 1]. */
  pixels: Float64Array;
  /** The test set's label of a picked digit (none for a drawn one). */
  trueLabel?: number;
  /** The target label chosen for the backprop step (default: see panels.ts). */
  chosenLabel?: number;
  /** When the panels last drew it (performance.now()). */
  drawnAt: number;
}

export interface PageState {
  readonly threads: 1 | 2;
  settings: Settings;
  /** The race's runs (race.ts; none: no race), in the address with the setting. */
  race: RaceRun[];
  status: Status;
  network?: Network;
  /** Whether `network` changed since the weights were last drawn. */
  networkChanged: boolean;
  records: TrainingRecord[];
  tests: TestRecord[];
  /** The test digits, once the worker has loaded them. */
  test?: TestDigits;
  trainCount: number;
  /** How many of the learner's digits follow MNIST's in the training set (my_digits.ts). */
  mixedDigits: number;
  /** Where the network came from when it was loaded (a file's name, "a script"). */
  loadedFrom?: string;
  /** The iteration after which η changed without a restart (no one command reproduces it). */
  rateChangedAt?: number;
  /** The network at iteration 0 of the current start (for the change since the start). */
  startNetwork?: Network;
  /** What the weight maps show. */
  weightsView: "weights" | "change";
  /** Whether the page is ready (data loaded, a network shown). */
  ready: boolean;
  digit: Digit;
}

/** The state of a page opened at `query`, and what the address asked for that it cannot do. */
export function createState(
  query: string,
  threads: 1 | 2,
): { state: PageState; notices: string[] } {
  const { settings, race, notices } = readQuery(query);
  const state: PageState = {
    threads,
    settings,
    race,
    status: { ...NOT_STARTED },
    networkChanged: false,
    records: [],
    tests: [],
    trainCount: 60000,
    mixedDigits: 0,
    ready: false,
    weightsView: "weights",
    digit: { pixels: new Float64Array(INPUTS), drawnAt: 0 },
  };
  return { state, notices };
}
