/**
 * The playground page: controls, live pictures and the digit panels. Training runs in
 * trainer.ts (a worker); the digit panels compute with lib/network.ts here (one digit is
 * cheap). `window.playground` exposes the same actions to scripts and the console.
 */
import katex from "katex";
import { preprocessDigit } from "../lib/data/preprocess.ts";
import { fromModelJson, type ModelJson, parseModel, toModelJson } from "../lib/io/model_json.ts";
import type { Matrix } from "../lib/maths/matrix.ts";
import type { Network } from "../lib/maths/network.ts";
import {
  accuracyChart,
  confusionChart,
  drawMap,
  lossChart,
  mapCanvas,
  probabilityChart,
} from "./pictures.ts";
import {
  NOT_STARTED,
  type Record,
  type Reply,
  type Request,
  type Status,
  type TestRecord,
} from "./protocol.ts";
import {
  LEARNING_RATE_RANGE,
  MAX_HIDDEN,
  queryFromSettings,
  type Settings,
  settingsFromQuery,
} from "./settings.ts";
import { backpropNumbers, forwardNumbers } from "./steps.ts";

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

const threads: 1 | 2 = globalThis.crossOriginIsolated ? 2 : 1;
let settings = settingsFromQuery(location.search);
let status: Status = { ...NOT_STARTED };
let network: Network | undefined;
let records: Record[] = [];
let tests: TestRecord[] = [];
let test: { images: Uint8Array; labels: Uint8Array; count: number } | undefined;
let trainCount = 60000;

// ---- the worker and its requests

const worker = new Worker(new URL("./trainer.js", import.meta.url), { type: "module" });
let nextId = 1;
const waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();

function send(request: Request): void {
  worker.postMessage(request);
}

type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;

/** Sends a request that the worker answers, resolved when its update has been applied. */
function ask(request: WithoutId<Extract<Request, { id: number }>>): Promise<void> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    send({ ...request, id } as Request);
  });
}

let resolveReady!: () => void, rejectReady!: (e: Error) => void;
const ready = new Promise<void>((resolve, reject) => {
  resolveReady = resolve;
  rejectReady = reject;
});

worker.onmessage = (event: MessageEvent<Reply>) => {
  const reply = event.data;
  switch (reply.type) {
    case "progress": {
      $<HTMLProgressElement>("progress").value = reply.total ? reply.loaded / reply.total : 0;
      $("progress-text").textContent = `loading MNIST… ${(reply.loaded / 1e6).toFixed(1)} of ${
        (reply.total / 1e6).toFixed(1)
      } MB`;
      return;
    }
    case "ready":
      test = reply.test;
      trainCount = reply.trainCount;
      return;
    case "update":
      onUpdate(reply);
      return;
    case "error": {
      showNotice(reply.message);
      const waiter = reply.id === undefined ? undefined : waiting.get(reply.id);
      if (waiter) {
        waiting.delete(reply.id!);
        waiter.reject(new Error(reply.message));
      } else if (!test) rejectReady(new Error(reply.message));
      return;
    }
  }
};

worker.onerror = (event) => {
  const message = `the training worker failed: ${event.message || "it could not start"}`;
  showNotice(message);
  rejectReady(new Error(message));
};

function onUpdate(reply: Extract<Reply, { type: "update" }>): void {
  if (reply.restarted) {
    records = [];
    tests = [];
  }
  records.push(...reply.records);
  tests.push(...reply.tests);
  status = reply.status;
  if (reply.network) {
    network = reply.network;
    networkChanged = true;
  }
  if (reply.notice) showNotice(reply.notice);
  if (reply.confusion) {
    const box = $("confusion");
    box.replaceChildren(confusionChart(reply.confusion));
    box.dataset.values = JSON.stringify(reply.confusion);
    const correct = reply.confusion.reduce((s, row, i) => s + row[i], 0);
    $("evaluation").textContent = `test accuracy ${status.testAccuracy.toFixed(4)} (${correct}/${
      reply.confusion.flat().reduce((a, b) => a + b, 0)
    }) at iteration ${status.iteration}`;
  }
  if (status.running) schedule();
  else draw(true);
  if (reply.id !== undefined) {
    const waiter = waiting.get(reply.id);
    waiting.delete(reply.id);
    waiter?.resolve();
  }
  if (test && network && !readyDone) {
    readyDone = true;
    $("loading").hidden = true;
    for (const id of ["play", "step", "reset", "download", "load", "evaluate"]) {
      $<HTMLButtonElement>(id).disabled = false;
    }
    pickTestDigit(Number($<HTMLInputElement>("pick").value));
    resolveReady();
  }
}
let readyDone = false;

// ---- drawing what changed, at most every DRAW_MS while training

const DRAW_MS = 250;
let networkChanged = false, drawnAt = 0;
let drawTimer: ReturnType<typeof setTimeout> | undefined;

function schedule(): void {
  if (drawTimer) return;
  const wait = Math.max(0, DRAW_MS - (performance.now() - drawnAt));
  drawTimer = setTimeout(() => {
    drawTimer = undefined;
    draw(false);
  }, wait);
}

/**
 * Redraws what changed, each picture in a task of its own, so that the page answers input
 * in between (the main thread shares the machine's cores with the engine's two threads).
 */
function draw(now: boolean): void {
  drawnAt = performance.now();
  $("play").textContent = status.running ? "❚❚ pause" : "▶ play";
  const f = (x: number) => Number.isNaN(x) ? "–" : x.toFixed(4);
  $("status").textContent = `iteration ${status.iteration} · loss ${
    f(status.loss)
  } · training accuracy ${f(status.trainAccuracy)}${
    settings.batchSize ? " (last batch)" : ""
  } · test accuracy ${f(status.testAccuracy)}`;
  const width = Math.min(520, Math.max(300, (document.body.clientWidth - 60) / 2));
  const tasks = [
    () => $("loss-chart").replaceChildren(lossChart(records, width)),
    () => $("accuracy-chart").replaceChildren(accuracyChart(records, tests, width)),
  ];
  if (networkChanged && network) {
    networkChanged = false;
    const net = network;
    tasks.push(() => drawWeights(net));
    if (now || !status.running || drawnAt - digitDrawnAt > 2000) tasks.push(() => showDigit(true));
  }
  const next = () => {
    tasks.shift()?.();
    if (tasks.length) setTimeout(next);
  };
  setTimeout(next);
}

function drawWeights(net: Network): void {
  const box = $("weights");
  const hidden = net.W_h.rows;
  const size = hidden <= 16 ? 84 : hidden <= 64 ? 56 : 42;
  if (box.children.length !== hidden || box.dataset.size !== String(size)) {
    box.dataset.size = String(size);
    box.replaceChildren(
      ...Array.from({ length: hidden }, (_, i) => {
        const figure = document.createElement("figure");
        figure.append(
          mapCanvas(new Float64Array(784), { signed: true, size }),
          hidden > 16 ? String(i) : `neuron ${i}`,
        );
        return figure;
      }),
    );
  }
  for (let i = 0; i < hidden; i++) {
    const canvas = box.children[i].querySelector("canvas")!;
    drawMap(canvas, net.W_h.data.subarray(i * 784, (i + 1) * 784), true);
  }
}

// ---- the setting: controls and URL

function syncControls(): void {
  $<HTMLInputElement>("lr").value = String(settings.learningRate);
  $<HTMLInputElement>("lr-slider").value = String(Math.log10(settings.learningRate));
  $<HTMLInputElement>("hidden").value = String(settings.hidden);
  const batch = $<HTMLSelectElement>("batch");
  if (![...batch.options].some((o) => o.value === String(settings.batchSize))) {
    batch.add(new Option(String(settings.batchSize), String(settings.batchSize)));
  }
  batch.value = String(settings.batchSize);
  $<HTMLInputElement>("seed").value = String(settings.seed);
  history.replaceState(null, "", queryFromSettings(settings) + location.hash);
}

/** Checks and applies part of a setting; η applies at the next iteration, the rest restarts. */
async function set(change: Partial<Settings>): Promise<void> {
  const next = { ...settings, ...change };
  const { learningRate: lr, hidden, seed } = next;
  if (!(lr > 0 && Number.isFinite(lr))) {
    throw new RangeError(`learningRate: ${lr} is not a positive number`);
  }
  if (!(Number.isInteger(hidden) && hidden >= 1 && hidden <= MAX_HIDDEN)) {
    throw new RangeError(`hidden: ${hidden} is not an integer in 1..${MAX_HIDDEN}`);
  }
  if (!(Number.isInteger(next.batchSize) && next.batchSize >= 0)) {
    throw new RangeError(`batchSize: ${next.batchSize} is not a positive integer`);
  }
  if (next.batchSize >= trainCount) next.batchSize = 0;
  if (!(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32)) {
    throw new RangeError(`seed: ${seed} is not an integer in 0..2³²−1`);
  }
  settings = next;
  syncControls();
  hideNotice();
  // the backprop panel's "after one step" depends on η
  await ask({ type: "set", settings });
  if (!status.running) showDigit();
}

function fromControl(change: () => Partial<Settings>): () => void {
  return () =>
    void set(change()).catch((e) => {
      showNotice(e);
      syncControls();
    });
}

$("lr-slider").addEventListener(
  "input",
  fromControl(() => ({
    learningRate: Number(
      (10 ** Number($<HTMLInputElement>("lr-slider").value)).toPrecision(2),
    ),
  })),
);
$("lr").addEventListener(
  "change",
  fromControl(() => ({ learningRate: Number($<HTMLInputElement>("lr").value) })),
);
$("hidden").addEventListener(
  "change",
  fromControl(() => ({ hidden: Number($<HTMLInputElement>("hidden").value) })),
);
$("batch").addEventListener(
  "change",
  fromControl(() => ({ batchSize: Number($<HTMLSelectElement>("batch").value) })),
);
$("seed").addEventListener(
  "change",
  fromControl(() => ({ seed: Number($<HTMLInputElement>("seed").value) })),
);
$<HTMLInputElement>("lr-slider").min = String(Math.log10(LEARNING_RATE_RANGE[0]));
$<HTMLInputElement>("lr-slider").max = String(Math.log10(LEARNING_RATE_RANGE[1]));

function showNotice(e: unknown): void {
  const notice = $("notice");
  notice.textContent = e instanceof Error ? e.message : String(e);
  notice.hidden = false;
}
function hideNotice(): void {
  $("notice").hidden = true;
}

// ---- play, pause, step, reset, models

function play(): void {
  hideNotice();
  status = { ...status, running: true };
  send({ type: "play" });
  draw(false);
}
const pause = () => ask({ type: "pause" });
const step = async (n = 1): Promise<void> => {
  if (!(Number.isInteger(n) && n >= 1)) {
    throw new RangeError(`step: ${n} is not a positive integer`);
  }
  hideNotice();
  await ask({ type: "step", n });
};
const reset = () => ask({ type: "reset" });

$("play").addEventListener("click", () => status.running ? void pause() : play());
$("step").addEventListener("click", () => void step(1));
$("reset").addEventListener("click", () => void reset());

function model(): ModelJson {
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

/** Starts over from a model (JSON object or text in the original format); reset returns to it. */
function load(json: ModelJson | string): Promise<void> {
  return loadNetwork(
    typeof json === "string" ? parseModel(json, "model") : fromModelJson(json, "model"),
  );
}

async function loadNetwork(net: Network): Promise<void> {
  if (net.W_h.rows > MAX_HIDDEN) {
    throw new RangeError(`the model has more than ${MAX_HIDDEN} hidden neurons`);
  }
  settings = { ...settings, hidden: net.W_h.rows };
  syncControls();
  hideNotice();
  await ask({ type: "load", network: net });
}

$("download").addEventListener("click", () => {
  const blob = new Blob([JSON.stringify(model()) + "\n"], { type: "application/json" });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = `mnist-model-${settings.hidden}-iteration-${status.iteration}.json`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
});
$<HTMLInputElement>("load").addEventListener("change", async (event) => {
  const input = event.target as HTMLInputElement;
  const file = input.files?.[0];
  if (!file) return;
  try {
    await loadNetwork(parseModel(await file.text(), file.name));
    await ask({ type: "evaluate" });
  } catch (e) {
    showNotice(e);
  }
  input.value = "";
});
$("evaluate").addEventListener("click", () => void ask({ type: "evaluate" }).catch(showNotice));

// ---- a digit: drawn or picked, forward pass and one backprop step

let pixels: Float64Array = new Float64Array(784);
let trueLabel: number | undefined;
let chosenLabel: number | undefined;
let digitDrawnAt = 0;

const pad = $<HTMLCanvasElement>("pad");
const pen = pad.getContext("2d", { willReadFrequently: true })!;
let last: [number, number] | undefined;

function padPoint(e: PointerEvent): [number, number] {
  const r = pad.getBoundingClientRect();
  return [(e.clientX - r.left) * pad.width / r.width, (e.clientY - r.top) * pad.height / r.height];
}
function stroke(to: [number, number]): void {
  pen.lineWidth = 22;
  pen.lineCap = pen.lineJoin = "round";
  pen.strokeStyle = "black";
  pen.beginPath();
  pen.moveTo(...(last ?? to));
  pen.lineTo(...to);
  pen.stroke();
  last = to;
}
pad.addEventListener("pointerdown", (e) => {
  pad.setPointerCapture(e.pointerId);
  last = undefined;
  stroke(padPoint(e));
});
pad.addEventListener("pointermove", (e) => {
  if (last) stroke(padPoint(e));
});
const lift = () => {
  if (!last) return;
  last = undefined;
  const { data } = pen.getImageData(0, 0, pad.width, pad.height);
  const ink = new Float64Array(pad.width * pad.height);
  for (let i = 0; i < ink.length; i++) ink[i] = data[4 * i + 3] / 255;
  pixels = preprocessDigit(ink, pad.width, pad.height);
  trueLabel = chosenLabel = undefined;
  showDigit();
};
pad.addEventListener("pointerup", lift);
pad.addEventListener("pointercancel", lift);
$("clear").addEventListener("click", () => {
  pen.clearRect(0, 0, pad.width, pad.height);
  pixels = new Float64Array(784);
  trueLabel = chosenLabel = undefined;
  showDigit();
});

function pickTestDigit(i: number): void {
  if (!test) return;
  i = Math.max(0, Math.min(test.count - 1, Math.floor(i) || 0));
  $<HTMLInputElement>("pick").value = String(i);
  pixels = Float64Array.from(test.images.subarray(i * 784, (i + 1) * 784), (b) => b / 255);
  trueLabel = test.labels[i];
  chosenLabel = undefined;
  pen.clearRect(0, 0, pad.width, pad.height);
  showDigit();
}
$("pick").addEventListener(
  "change",
  () => pickTestDigit(Number($<HTMLInputElement>("pick").value)),
);
$("random").addEventListener(
  "click",
  () => pickTestDigit(Math.floor(Math.random() * (test?.count ?? 1))),
);
const labelSelect = $<HTMLSelectElement>("label");
for (let d = 0; d < 10; d++) labelSelect.add(new Option(String(d), String(d)));
labelSelect.addEventListener("change", () => {
  chosenLabel = Number(labelSelect.value);
  showDigit();
});

/** KaTeX's HTML per formula, rendered once: the panels are redrawn while training. */
const typeset = new Map<string, string>();
function tex(formula: string): string {
  let html = typeset.get(formula);
  if (html === undefined) {
    html = katex.renderToString(formula, { throwOnError: false });
    typeset.set(formula, html);
  }
  return html;
}
const format = (v: number) =>
  v === 0 ? "0" : Math.abs(v) < 1e-3 ? v.toExponential(2) : v.toFixed(4);

/** A table of a matrix's numbers, named like the notebooks; data-values holds them exactly. */
function numbers(name: string, M: Matrix, { rowLabel = "neuron", signs = true } = {}): HTMLElement {
  const table = document.createElement("table");
  table.className = "numbers";
  table.dataset.name = name;
  table.dataset.values = JSON.stringify(Array.from(M.data));
  const th = (text: string) => Object.assign(document.createElement("th"), { textContent: text });
  const head = table.insertRow();
  head.append(th(""));
  for (let j = 0; j < (M.cols === 1 ? M.data.length : M.cols); j++) head.append(th(String(j)));
  const rows = M.cols === 1
    ? [M.data]
    : Array.from({ length: M.rows }, (_, i) => M.data.subarray(i * M.cols, (i + 1) * M.cols));
  rows.forEach((values, i) => {
    const row = table.insertRow();
    row.append(th(M.cols === 1 ? name : `${rowLabel} ${i}`));
    for (const v of values) {
      const cell = row.insertCell();
      cell.textContent = format(v);
      if (signs && v !== 0) cell.className = v > 0 ? "pos" : "neg";
    }
  });
  return table;
}

function stepRow(formula: string, ...content: (Node | string)[]): HTMLElement {
  const div = document.createElement("div");
  div.className = "step";
  const left = document.createElement("div");
  left.className = "formula";
  left.innerHTML = tex(formula);
  const right = document.createElement("div");
  right.append(...content);
  div.append(left, right);
  return div;
}

function mapsOf(name: string, M: Matrix, signed: boolean): HTMLElement {
  const box = document.createElement("div");
  box.className = "maps";
  box.dataset.name = name;
  box.dataset.values = JSON.stringify(Array.from(M.data));
  for (let i = 0; i < M.rows; i++) {
    const figure = document.createElement("figure");
    const values = M.data.subarray(i * M.cols, (i + 1) * M.cols);
    figure.append(
      mapCanvas(values, { signed, size: M.rows > 16 ? 56 : 84 }),
      M.rows > 16 ? String(i) : M.rows > 1 ? `neuron ${i}` : "",
    );
    box.append(figure);
  }
  return box;
}

/** Redraws the forward panel, then the backprop panel (in a task of its own if deferred). */
function showDigit(deferBackprop = false): void {
  if (!network) return;
  digitDrawnAt = performance.now();
  const net = network;
  const f = forwardNumbers(net, pixels);
  const prediction = document.createElement("span");
  prediction.className = "prediction";
  prediction.dataset.name = "prediction";
  prediction.dataset.values = JSON.stringify([f.prediction]);
  prediction.textContent = `prediction: ${f.prediction}` +
    (trueLabel === undefined ? "" : ` (label: ${trueLabel})`);
  const probabilities = probabilityChart(f.A_o.data);
  $("forward").replaceChildren(
    stepRow("X \\in [0,1]^{784}", mapsOf("X", { rows: 1, cols: 784, data: f.X.data }, false)),
    stepRow("Z_h = W_h X + b_h", numbers("Z_h", f.Z_h)),
    stepRow("A_h = \\mathrm{ReLU}(Z_h)", numbers("A_h", f.A_h)),
    stepRow("Z_o = W_o A_h + b_o", numbers("Z_o", f.Z_o)),
    stepRow("A_o = \\mathrm{softmax}(Z_o)", numbers("A_o", f.A_o, { signs: false }), probabilities),
    stepRow("\\hat y = \\arg\\max_k A_o", prediction),
  );
  const label = chosenLabel ?? trueLabel ?? f.prediction;
  labelSelect.value = String(label);
  if (deferBackprop) setTimeout(() => showBackprop(net, label));
  else showBackprop(net, label);
}

function showBackprop(net: Network, label: number): void {
  const b = backpropNumbers(net, pixels, label, settings.learningRate);
  $("backprop").replaceChildren(
    stepRow(`Y = \\text{one-hot}(${label})`, numbers("Y", b.Y, { signs: false })),
    stepRow("dZ_o = A_o - Y", numbers("dZ_o", b.dZ_o)),
    stepRow(
      "dW_o = \\tfrac{1}{m}\\, dZ_o\\, A_h^{\\top}",
      numbers("dW_o", b.dW_o, { rowLabel: "output" }),
    ),
    stepRow("db_o = \\tfrac{1}{m} \\textstyle\\sum_j dZ_o^{(j)}", numbers("db_o", b.db_o)),
    stepRow("dA_h = W_o^{\\top} dZ_o", numbers("dA_h", b.dA_h)),
    stepRow("\\mathrm{ReLU}'(Z_h) = [\\,Z_h > 0\\,]", numbers("mask", b.mask, { signs: false })),
    stepRow("dZ_h = dA_h \\odot \\mathrm{ReLU}'(Z_h)", numbers("dZ_h", b.dZ_h)),
    stepRow("db_h = \\tfrac{1}{m} \\textstyle\\sum_j dZ_h^{(j)}", numbers("db_h", b.db_h)),
    stepRow("dW_h = \\tfrac{1}{m}\\, dZ_h\\, X^{\\top}", mapsOf("dW_h", b.dW_h, true)),
    stepRow(
      `\\theta \\leftarrow \\theta - \\eta\\, d\\theta,\\quad \\eta = ${settings.learningRate}`,
      probabilityChart(b.before.data, b.after.data),
      numbers("before", b.before, { signs: false }),
      numbers("after", b.after, { signs: false }),
    ),
  );
}

// ---- start

$("engine").textContent = threads === 2
  ? "Fast engine: WebAssembly SIMD on 2 threads (this page is cross-origin isolated)."
  : "Fast engine: WebAssembly SIMD on 1 thread (this page is not cross-origin isolated: served without COOP/COEP headers).";
syncControls();
send({ type: "init", settings, threads });

/** For scripts, tests and the devtools console. */
const api = {
  ready,
  state: () => ({
    iteration: status.iteration,
    loss: status.loss,
    trainAccuracy: status.trainAccuracy,
    testAccuracy: status.testAccuracy,
    running: status.running,
    threads,
    learningRate: settings.learningRate,
    hidden: settings.hidden,
    batchSize: settings.batchSize || trainCount,
    seed: settings.seed,
  }),
  set,
  play,
  pause,
  step,
  reset,
  predict(values: ArrayLike<number>): { digit: number; probabilities: number[] } {
    if (!network) throw new Error("the playground is not ready yet");
    if (values.length !== 784) {
      throw new RangeError(`predict takes 784 pixel values, got ${values.length}`);
    }
    const f = forwardNumbers(network, values);
    return { digit: f.prediction, probabilities: Array.from(f.A_o.data) };
  },
  model,
  load,
};
Object.assign(globalThis, { playground: api });
