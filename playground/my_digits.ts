/**
 * "My digits": the learner labels the digit in the pad and adds it to a list kept in this
 * browser (digit_store.ts); the training worker predicts them at each update (the fast
 * engine, as `deno task evaluate --data my-digits.csv` does), and the page shows the accuracy
 * and the confusion matrix on them. Mixed in, they follow MNIST's 60,000 in the training set
 * (trainer_digits.ts) and the run starts over; downloaded, they are the original project's CSV.
 */
import { parseCsv } from "../lib/data/csv.ts";
import { toCsv } from "../lib/data/csv_write.ts";
import type { Dataset } from "../lib/data/dataset.ts";
import { INPUTS } from "../lib/maths/network.ts";
import { evaluation } from "../lib/training/evaluate.ts";
import type { Connection, Update } from "./connection.ts";
import { loadDigits, saveDigits } from "./digit_store.ts";
import { $, showNotice } from "./dom.ts";
import { confusionChart, mapCanvas } from "./pictures.ts";
import type { PageState } from "./state.ts";

/** The most digits kept (about 1.7 MB of localStorage's usual 5 MB). */
export const MAX_DIGITS = 1000;
/** While training, the list and the matrix are redrawn at most this often (ms). */
const DRAW_MS = 500;

export type DigitsUse = "evaluate" | "train";

/** What `playground.myDigits()` says. */
export interface MyDigitsSummary {
  count: number;
  labels: number[];
  /** The current network's predictions (null until the worker has answered for this list). */
  predictions: number[] | null;
  correct: number;
  accuracy: number;
  /** 10 × 10, rows: the label given, columns: the digit predicted. */
  confusion: number[][];
  /** The iteration of the network that predicted them. */
  iteration: number;
  use: DigitsUse;
}

export interface MyDigitsApi {
  /** Adds the digit in the pad (as shown in the panels) under `label`. */
  addDigit(label: number): Promise<void>;
  /** Removes the i-th digit of the list. */
  removeDigit(index: number): Promise<void>;
  /** Only evaluate on them, or also train on them (mixed in: the run starts over). */
  useDigits(use: DigitsUse): Promise<void>;
  myDigits(): MyDigitsSummary;
  /** The list as the original project's CSV (what the download button saves). */
  myDigitsCsv(): string;
}

export interface MyDigits {
  api: MyDigitsApi;
  /** Applies an update from the worker (its predictions of the digits). */
  update(reply: Update): void;
  /** Sends the kept digits to the worker (once the page is ready). */
  start(): Promise<void>;
}

export function createMyDigits(state: PageState, connection: Connection): MyDigits {
  const kept = loadDigits();
  if (kept.problem) showNotice(kept.problem);
  let images: Uint8Array[] = [];
  let labels: number[] = [];
  for (let i = 0; i < kept.digits.count; i++) {
    images.push(kept.digits.images.slice(i * INPUTS, (i + 1) * INPUTS));
    labels.push(kept.digits.labels[i]);
  }
  let use: DigitsUse = "evaluate";
  /** MNIST's own training set size, before any digit is mixed in. */
  let mnistCount = 0;
  let version = 0;
  let predictions: Uint8Array | null = null;
  let predictedAt = 0;
  let undo: { images: Uint8Array[]; labels: number[]; what: string } | undefined;
  let drawnAt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const dataset = (): Dataset => {
    const all = new Uint8Array(images.length * INPUTS);
    images.forEach((image, i) => all.set(image, i * INPUTS));
    return {
      images: all,
      labels: Uint8Array.from(labels),
      count: labels.length,
      source: "my digits",
    };
  };

  /** Tells the worker; resolves once it has answered (and the run restarted, if mixed). */
  async function sync(): Promise<void> {
    const { images, labels, count } = dataset();
    predictions = null;
    version++;
    await connection.ask({
      type: "digits",
      digits: { images, labels, count },
      mix: use === "train",
      version,
    });
    state.mixedDigits = use === "train" ? labels.length : 0;
    state.trainCount = mnistCount + state.mixedDigits;
    draw();
  }

  /** Keeps the new list (refused when the browser will not keep it), then tells the worker. */
  async function change(next: Uint8Array[], nextLabels: number[], what?: string): Promise<void> {
    const before = { images, labels };
    images = next;
    labels = nextLabels;
    try {
      saveDigits(dataset());
    } catch (e) {
      images = before.images;
      labels = before.labels;
      throw e;
    }
    undo = what ? { ...before, what } : undefined;
    await sync();
  }

  async function addDigit(label: number): Promise<void> {
    if (!(Number.isInteger(label) && label >= 0 && label <= 9)) {
      throw new RangeError(`addDigit: ${label} is not a digit 0..9`);
    }
    const pixels = state.digit.pixels;
    if (pixels.every((v) => v === 0)) {
      throw new Error("draw a digit in the box first: the pad is blank");
    }
    if (labels.length >= MAX_DIGITS) {
      throw new RangeError(
        `you have ${MAX_DIGITS} digits, the most this page keeps: remove some first`,
      );
    }
    // as bytes 0..255, the CSV's values: the worker and `deno task evaluate` see the same digit
    const bytes = Uint8Array.from(pixels, (v) => Math.round(v * 255));
    await change([...images, bytes], [...labels, label]);
  }

  async function removeDigit(index: number): Promise<void> {
    if (!(Number.isInteger(index) && index >= 0 && index < labels.length)) {
      throw new RangeError(`removeDigit: no digit #${index} (there are ${labels.length})`);
    }
    await change(
      images.filter((_, i) => i !== index),
      labels.filter((_, i) => i !== index),
      `digit #${index} (a ${labels[index]})`,
    );
  }

  async function useDigits(next: DigitsUse): Promise<void> {
    if (next !== "evaluate" && next !== "train") {
      throw new RangeError(`useDigits: ${next} is not "evaluate" or "train"`);
    }
    use = next;
    for (const input of document.querySelectorAll<HTMLInputElement>('input[name="mine-use"]')) {
      input.checked = input.value === use;
    }
    await sync();
  }

  function summary(): MyDigitsSummary {
    const predicted = predictions && Array.from(predictions);
    const result = predicted
      ? evaluation(Uint8Array.from(labels), Uint8Array.from(predicted))
      : undefined;
    return {
      count: labels.length,
      labels: [...labels],
      predictions: predicted,
      correct: result?.correct ?? 0,
      accuracy: result && labels.length ? result.accuracy : NaN,
      confusion: result?.confusion ?? Array.from({ length: 10 }, () => new Array(10).fill(0)),
      iteration: predictedAt,
      use,
    };
  }

  function update(reply: Update): void {
    if (!reply.mine || reply.mine.version !== version) return;
    predictions = reply.mine.predictions;
    predictedAt = reply.status.iteration;
    const wait = DRAW_MS - (performance.now() - drawnAt);
    if (!state.status.running || wait <= 0) return draw();
    timer ??= setTimeout(draw, wait);
  }

  function draw(): void {
    clearTimeout(timer);
    timer = undefined;
    drawnAt = performance.now();
    const s = summary();
    $<HTMLButtonElement>("mine-download").disabled = s.count === 0;
    $<HTMLButtonElement>("mine-clear").disabled = s.count === 0;
    const undoButton = $<HTMLButtonElement>("mine-undo");
    undoButton.hidden = !undo;
    if (undo) undoButton.textContent = `undo: put back ${undo.what}`;
    $("mine-status").textContent = s.count === 0
      ? "No digits yet: draw one above, then say which digit it is."
      : s.predictions
      ? `${s.count} digit${s.count === 1 ? "" : "s"}${
        use === "train" ? ", also in the training set" : ", evaluated only"
      } · accuracy on them ${
        s.accuracy.toFixed(4)
      } (${s.correct}/${s.count}) at iteration ${s.iteration}`
      : `${s.count} digit${s.count === 1 ? "" : "s"} · predicting…`;
    const list = $("mine-list");
    list.dataset.values = JSON.stringify({ labels: s.labels, predictions: s.predictions });
    list.replaceChildren(...s.labels.map((label, i) => {
      const figure = document.createElement("figure");
      const predicted = s.predictions?.[i];
      figure.className = predicted === undefined ? "" : predicted === label ? "right" : "wrong";
      const caption = predicted === undefined ? `${label}` : `${label} → ${predicted}`;
      const remove = document.createElement("button");
      remove.textContent = "×";
      remove.className = "remove";
      remove.setAttribute("aria-label", `remove digit #${i} (a ${label})`);
      remove.addEventListener("click", () => void removeDigit(i).catch(showNotice));
      const pixels = Array.from(images[i], (b) => b / 255);
      figure.append(
        mapCanvas(pixels, { size: 42, label: `your digit #${i}, labelled ${label}` }),
        caption,
        remove,
      );
      return figure;
    }));
    const box = $("mine-confusion");
    box.dataset.values = JSON.stringify(s.confusion);
    // as wide as the box allows (a phone's is narrower than the chart's 360 px)
    const width = Math.min(360, box.clientWidth || 360);
    box.replaceChildren(...(s.predictions && s.count ? [confusionChart(s.confusion, width)] : []));
  }

  // the controls
  const add = $("mine-add");
  for (let d = 0; d <= 9; d++) {
    const button = document.createElement("button");
    button.textContent = String(d);
    button.dataset.label = String(d);
    button.disabled = true; // until the worker has the list (start)
    button.setAttribute("aria-label", `add the drawn digit as a ${d}`);
    button.addEventListener("click", () => void addDigit(d).catch(showNotice));
    add.append(button);
  }
  for (const input of document.querySelectorAll<HTMLInputElement>('input[name="mine-use"]')) {
    input.addEventListener("change", () => {
      if (input.checked) void useDigits(input.value as DigitsUse).catch(showNotice);
    });
  }
  $("mine-download").addEventListener("click", () => {
    const blob = new Blob([toCsv(dataset())], { type: "text/csv" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "my-digits.csv";
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  });
  $<HTMLInputElement>("mine-upload").addEventListener("change", async (event) => {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = "";
    if (!file) return;
    try {
      const read = parseCsv(await file.text(), file.name);
      if (labels.length + read.count > MAX_DIGITS) {
        throw new RangeError(
          `${file.name}: ${read.count} digits would make more than ${MAX_DIGITS}, the most this page keeps`,
        );
      }
      const more = Array.from(
        { length: read.count },
        (_, i) => read.images.slice(i * INPUTS, (i + 1) * INPUTS),
      );
      await change([...images, ...more], [...labels, ...read.labels]);
    } catch (e) {
      showNotice(e);
    }
  });
  $("mine-clear").addEventListener("click", () => {
    const what = `the ${labels.length} digits removed`;
    void change([], [], what).catch(showNotice);
  });
  $("mine-undo").addEventListener("click", () => {
    if (undo) void change(undo.images, undo.labels).catch(showNotice);
  });

  return {
    api: {
      addDigit,
      removeDigit,
      useDigits,
      myDigits: summary,
      myDigitsCsv: () => toCsv(dataset()),
    },
    update,
    start() {
      mnistCount = state.trainCount;
      for (const b of add.querySelectorAll("button")) b.disabled = false;
      return sync();
    },
  };
}
