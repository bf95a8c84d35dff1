/**
 * The playground page, wired together around one state object (state.ts): the training worker
 * (connection.ts, trainer.ts), the drawing of curves and weights (draw.ts), the setting and
 * its URL (controls.ts), the buttons and models (actions.ts), the pad (pad.ts), the digit
 * panels (panels.ts), your own digits (my_digits.ts), the race (race.ts), and
 * `window.playground` (api.ts).
 */
import { DivergenceError } from "../lib/training/train.ts";
import { createActions } from "./actions.ts";
import { createApi } from "./api.ts";
import { connect, type Update } from "./connection.ts";
import { createSettings, syncControls } from "./controls.ts";
import { $, showNotice } from "./dom.ts";
import { createDrawing } from "./draw.ts";
import { createMyDigits } from "./my_digits.ts";
import { createPad } from "./pad.ts";
import { createPanels } from "./panels.ts";
import { confusionChart } from "./pictures.ts";
import type { Stall } from "./protocol.ts";
import { createRace } from "./race.ts";
import { pageRun, reproduction } from "./reproduce.ts";
import { createState } from "./state.ts";

const { state, notices } = createState(location.search, globalThis.crossOriginIsolated ? 2 : 1);
$("address-notices").replaceChildren(
  ...notices.map((text) => Object.assign(document.createElement("li"), { textContent: text })),
);

const pad = createPad(state, () => panels.show());
const panels = createPanels(state, pad.clearInk);
const drawing = createDrawing(state, () => panels.show("later"));

let resolveReady!: () => void, rejectReady!: (e: Error) => void;
const ready = new Promise<void>((resolve, reject) => {
  resolveReady = resolve;
  rejectReady = reject;
});

const worker = new Worker(new URL("./trainer.js", import.meta.url), { type: "module" });
const connection = connect(worker, {
  progress(loaded, total) {
    $<HTMLProgressElement>("progress").value = total ? loaded / total : 0;
    $("progress-text").textContent = `loading MNIST… ${(loaded / 1e6).toFixed(1)} of ${
      (total / 1e6).toFixed(1)
    } MB`;
  },
  ready(reply) {
    state.test = reply.test;
    state.trainCount = reply.trainCount;
  },
  update,
  race: (reply) => race.update(reply),
  error(message, answered) {
    showNotice(message);
    if (!answered && !state.test) rejectReady(new Error(message));
  },
});

function update(reply: Update): Error | undefined {
  if (reply.restarted) {
    state.records = [];
    state.tests = [];
    state.rateChangedAt = undefined;
  }
  state.records.push(...reply.records);
  state.tests.push(...reply.tests);
  state.status = reply.status;
  if (reply.network) {
    state.network = reply.network;
    state.networkChanged = true;
    if (reply.restarted) state.startNetwork = reply.network;
  }
  myDigits.update(reply);
  let error: Error | undefined;
  if (reply.diverged) {
    const { iteration, learningRate, loss } = reply.diverged;
    error = new DivergenceError(iteration, learningRate, loss);
    showNotice(`${error.message}. ${divergenceAdvice(learningRate)}`);
  }
  if (reply.stalled) showNotice(stallNotice(reply.stalled));
  if (reply.confusion) showConfusion(reply.confusion);
  if (state.status.running) drawing.soon();
  else drawing.now();
  if (state.test && state.network && !state.ready) {
    state.ready = true;
    $("loading").hidden = true;
    for (const id of ["play", "step", "reset", "download", "load", "evaluate"]) {
      $<HTMLButtonElement>(id).disabled = false;
    }
    panels.pick(Number($<HTMLInputElement>("pick").value));
    myDigits.start().then(() => race.start()).then(resolveReady, rejectReady);
  }
  return error;
}

/** The largest |w| of the start: weights so large that they overflow are the cause, not η. */
function divergenceAdvice(learningRate: number): string {
  const start = state.startNetwork;
  let largest = 0;
  for (const M of start ? [start.W_h, start.b_h, start.W_o, start.b_o] : []) {
    for (const w of M.data) largest = Math.max(largest, Number.isNaN(w) ? Infinity : Math.abs(w));
  }
  if (largest > 1e6) {
    return `The start's weights are far too large (the largest |w| is ${
      largest.toExponential(1)
    }): their sums overflow to Infinity and NaN whatever the learning rate. Load a model with ` +
      "ordinary weights, or start fresh (a new seed or size starts from small random weights).";
  }
  return `Each step overshoots: reset and try a smaller learning rate than η = ${learningRate} ` +
    "(0.5 learns well here).";
}

function stallNotice({ iteration, learningRate, loss, dead, hidden }: Stall): string {
  return `The network has stalled (iteration ${iteration}): ${dead} of its ${hidden} hidden ` +
    `neurons are dead. Their ReLUs give 0 for every digit, so no gradient reaches their weights ` +
    `(W_h stops changing), and the loss sits at ${loss.toFixed(4)}, near ln 10 = 2.3026: the ` +
    "output sees little but its biases. " +
    (learningRate >= 1
      ? `A learning rate as large as η = ${learningRate} pushes the neurons below zero in a ` +
        "few steps: reset and try a smaller one (0.5 learns well here)."
      : "Reset and try another seed, or more hidden neurons.");
}

function showConfusion(confusion: number[][]): void {
  const box = $("confusion");
  box.replaceChildren(confusionChart(confusion));
  box.dataset.values = JSON.stringify(confusion);
  const correct = confusion.reduce((s, row, i) => s + row[i], 0);
  const total = confusion.flat().reduce((a, b) => a + b, 0);
  $("evaluation").textContent = `test accuracy ${
    state.status.testAccuracy.toFixed(4)
  } (${correct}/${total}) at iteration ${state.status.iteration}`;
}

for (const radio of document.querySelectorAll<HTMLInputElement>("[name=weights-view]")) {
  radio.addEventListener("change", () => {
    state.weightsView = radio.value === "change" ? "change" : "weights";
    state.networkChanged = true;
    drawing.now();
  });
}

const myDigits = createMyDigits(state, connection);
const race = createRace(state, connection);
const set = createSettings(state, connection, () => panels.show(), () => race.settingsChanged());
const actions = createActions(state, connection, drawing);

$("engine").textContent = state.threads === 2
  ? "Fast engine: WebAssembly SIMD on 2 threads (this page is cross-origin isolated)."
  : "Fast engine: WebAssembly SIMD on 1 thread (this page is not cross-origin isolated: served without COOP/COEP headers).";
syncControls(state);
connection.send({ type: "init", settings: state.settings, threads: state.threads });

Object.assign(globalThis, {
  playground: createApi(state, ready, set, actions, {
    ...myDigits.api,
    ...race.api,
    reproduction: () => reproduction(pageRun(state)),
  }),
});
