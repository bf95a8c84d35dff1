/**
 * `window.playground`: the page's actions for scripts, tests and the devtools console. Its
 * type is exported for the tests (they import it rather than declare it again).
 */
import type { ModelJson } from "../lib/io/model_json.ts";
import { forwardNumbers } from "./steps.ts";
import type { Actions } from "./actions.ts";
import type { MyDigitsApi } from "./my_digits.ts";
import type { RaceApi } from "./race.ts";
import type { ReproduceApi } from "./reproduce.ts";
import type { Set } from "./controls.ts";
import type { Settings } from "./settings.ts";
import type { PageState } from "./state.ts";
import { INPUTS } from "../lib/maths/network.ts";

/** What `playground.state()` says. */
export interface PlaygroundState {
  iteration: number;
  loss: number;
  trainAccuracy: number;
  testAccuracy: number;
  running: boolean;
  threads: number;
  learningRate: number;
  hidden: number;
  /** Samples per step (the training set's size for the full batch). */
  batchSize: number;
  seed: number;
}

/** With "my digits" (my_digits.ts), "reproduce this" (reproduce.ts) and the race (race.ts). */
export interface Playground extends MyDigitsApi, ReproduceApi, RaceApi {
  /** Resolves once the data is loaded and the first network shown. */
  ready: Promise<void>;
  state(): PlaygroundState;
  /** Checks and applies part of a setting (RangeError naming the bad value). */
  set(change: Partial<Settings>): Promise<void>;
  play(): void;
  pause(): Promise<void>;
  /** `n` iterations (default 1); rejects with lib's DivergenceError if the loss blows up. */
  step(n?: number): Promise<void>;
  reset(): Promise<void>;
  /** The prediction for 784 pixel values in [0, 1]. */
  predict(pixels: ArrayLike<number>): { digit: number; probabilities: number[] };
  model(): ModelJson;
  load(model: ModelJson | string): Promise<void>;
}

export function createApi(
  state: PageState,
  ready: Promise<void>,
  set: Set,
  actions: Actions,
  more: MyDigitsApi & ReproduceApi & RaceApi,
): Playground {
  return {
    ...more,
    ready,
    state: () => ({
      iteration: state.status.iteration,
      loss: state.status.loss,
      trainAccuracy: state.status.trainAccuracy,
      testAccuracy: state.status.testAccuracy,
      running: state.status.running,
      threads: state.threads,
      learningRate: state.settings.learningRate,
      hidden: state.settings.hidden,
      batchSize: state.settings.batchSize || state.trainCount,
      seed: state.settings.seed,
    }),
    set,
    ...actions,
    predict(values) {
      if (!state.network) throw new Error("the playground is not ready yet");
      if (values.length !== INPUTS) {
        throw new RangeError(`predict takes ${INPUTS} pixel values, got ${values.length}`);
      }
      const f = forwardNumbers(state.network, values);
      return { digit: f.prediction, probabilities: Array.from(f.A_o.data) };
    },
  };
}
