/**
 * What the buttons do: play, pause, step and reset; the model downloaded, loaded from a file
 * (or from a script) and evaluated on the test set.
 */
import { fromModelJson, type ModelJson, parseModel, toModelJson } from "../lib/io/model_json.ts";
import type { Network } from "../lib/maths/network.ts";
import type { Connection } from "./connection.ts";
import { syncControls } from "./controls.ts";
import { $, hideNotice, showNotice } from "./dom.ts";
import type { Drawing } from "./draw.ts";
import { MAX_HIDDEN } from "./settings.ts";
import type { PageState } from "./state.ts";

export interface Actions {
  play(): void;
  pause(): Promise<void>;
  step(n?: number): Promise<void>;
  reset(): Promise<void>;
  /** The current network in the original project's format, with the run's metadata. */
  model(): ModelJson;
  /** Starts over from a model (JSON object or text in the original format); reset returns to it. */
  load(json: ModelJson | string): Promise<void>;
}

export function createActions(state: PageState, connection: Connection, drawing: Drawing): Actions {
  const { ask } = connection;

  function play(): void {
    hideNotice();
    state.status = { ...state.status, running: true };
    connection.send({ type: "play" });
    drawing.soon();
  }
  const pause = () => ask({ type: "pause" });
  async function step(n = 1): Promise<void> {
    if (!(Number.isInteger(n) && n >= 1)) {
      throw new RangeError(`step: ${n} is not a positive integer`);
    }
    hideNotice();
    await ask({ type: "step", n });
  }
  const reset = () => ask({ type: "reset" });

  function model(): ModelJson {
    const { network, status, settings, trainCount } = state;
    if (!network) throw new Error("the playground is not ready yet");
    return toModelJson(network, {
      iterations: status.iteration,
      batch_size: settings.batchSize || trainCount,
      learning_rate: settings.learningRate,
      hidden: settings.hidden,
      seed: settings.seed,
      samples: trainCount,
      loss: status.loss,
      accuracy: status.trainAccuracy,
      test_accuracy: status.testAccuracy,
    });
  }

  async function loadNetwork(net: Network, from: string): Promise<void> {
    if (net.W_h.rows > MAX_HIDDEN) {
      throw new RangeError(`the model has more than ${MAX_HIDDEN} hidden neurons`);
    }
    state.settings = { ...state.settings, hidden: net.W_h.rows };
    state.loadedFrom = from;
    syncControls(state);
    hideNotice();
    await ask({ type: "load", network: net });
  }
  const load = (json: ModelJson | string) =>
    loadNetwork(
      typeof json === "string" ? parseModel(json, "model") : fromModelJson(json, "model"),
      "a script (playground.load)",
    );

  $("play").addEventListener("click", () => state.status.running ? void pause() : play());
  $("step").addEventListener("click", () => void step(1).catch(showNotice));
  $("reset").addEventListener("click", () => void reset());
  $("download").addEventListener("click", () => {
    const blob = new Blob([JSON.stringify(model()) + "\n"], { type: "application/json" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = `mnist-model-${state.settings.hidden}-iteration-${state.status.iteration}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  });
  $<HTMLInputElement>("load").addEventListener("change", async (event) => {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    try {
      await loadNetwork(parseModel(await file.text(), file.name), `the file ${file.name}`);
      await ask({ type: "evaluate" });
    } catch (e) {
      showNotice(e);
    }
    input.value = "";
  });
  $("evaluate").addEventListener("click", () => void ask({ type: "evaluate" }).catch(showNotice));

  return { play, pause, step, reset, model, load };
}
