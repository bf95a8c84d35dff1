/**
 * The page's pictures: 28×28 maps on canvases (digits grey, weights red + / blue −, as
 * lib/pictures/images.ts draws them for the notebooks) and the Observable Plot charts.
 */
import * as Plot from "@observablehq/plot";
import type { TrainingRecord } from "../lib/training/train.ts";

const SIDE = 28;

/** A 28×28 canvas of `values` (784): grey ink in [0, 1], or signed weights when `signed`. */
export function mapCanvas(
  values: ArrayLike<number>,
  { signed = false, size = 84, title = "" } = {},
): HTMLCanvasElement {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = SIDE;
  canvas.style.width = canvas.style.height = `${size}px`;
  canvas.className = "map";
  if (title) canvas.title = title;
  drawMap(canvas, values, signed);
  return canvas;
}

/** Redraws a map canvas; signed maps are scaled by their own largest |w|. */
export function drawMap(canvas: HTMLCanvasElement, values: ArrayLike<number>, signed: boolean) {
  const context = canvas.getContext("2d")!;
  const image = context.createImageData(SIDE, SIDE);
  let maxAbs = 0;
  if (signed) {
    for (let p = 0; p < SIDE * SIDE; p++) {
      maxAbs = Math.max(maxAbs, Math.abs(values[p]));
    }
  }
  for (let p = 0; p < SIDE * SIDE; p++) {
    let r, g, b;
    if (signed) {
      const w = values[p] / (maxAbs || 1);
      const fade = Math.round(255 * (1 - Math.abs(w)));
      [r, g, b] = w >= 0 ? [255, fade, fade] : [fade, fade, 255];
    } else {
      r = g = b = Math.round(255 * (1 - values[p]));
    }
    image.data.set([r, g, b, 255], 4 * p);
  }
  context.putImageData(image, 0, 0);
}

/** At most `n` records, evenly spaced, the last kept (a plot of 10,000 points is slow to redraw). */
function thin<T>(rows: T[], n = 400): T[] {
  if (rows.length <= n) return rows;
  const k = Math.ceil(rows.length / n);
  return rows.filter((_, i) => i % k === 0 || i === rows.length - 1);
}

export function lossChart(records: TrainingRecord[], width: number): Element {
  return Plot.plot({
    width,
    height: 220,
    marginLeft: 50,
    x: { label: "iteration", grid: true },
    y: { label: "training loss", grid: true, zero: true },
    marks: [Plot.lineY(thin(records), { x: "iteration", y: "loss", stroke: "#d62728" })],
  });
}

export function accuracyChart(
  records: TrainingRecord[],
  tests: { iteration: number; accuracy: number }[],
  width: number,
): Element {
  const rows = [
    ...thin(records).map((r) => ({
      iteration: r.iteration,
      accuracy: r.accuracy,
      set: "training",
    })),
    ...thin(tests).map((t) => ({ ...t, set: "test" })),
  ];
  return Plot.plot({
    width,
    height: 220,
    marginLeft: 50,
    x: { label: "iteration", grid: true },
    y: { label: "accuracy", grid: true, domain: [0, 1] },
    color: { legend: true, domain: ["training", "test"], range: ["#1f77b4", "#ff7f0e"] },
    marks: [
      Plot.lineY(rows, { x: "iteration", y: "accuracy", stroke: "set" }),
      Plot.dot(rows.filter((r) => r.set === "test"), {
        x: "iteration",
        y: "accuracy",
        fill: "set",
        r: 2,
      }),
    ],
  });
}

export function confusionChart(confusion: number[][]): Element {
  const cells = confusion.flatMap((row, actual) =>
    row.map((count, predicted) => ({ actual, predicted, count }))
  );
  return Plot.plot({
    width: 420,
    height: 420,
    padding: 0.05,
    x: { label: "predicted", axis: "top", domain: [...Array(10).keys()] },
    y: { label: "actual", domain: [...Array(10).keys()] },
    color: { type: "sqrt", scheme: "blues" },
    marks: [
      Plot.cell(cells, { x: "predicted", y: "actual", fill: "count", tip: true }),
      Plot.text(cells, {
        x: "predicted",
        y: "actual",
        text: "count",
        fill: (d) => d.count > 300 ? "white" : "black",
        fontSize: 10,
      }),
    ],
  });
}

/** The ten probabilities as bars, with a second set (after a step) beside them if given. */
export function probabilityChart(before: ArrayLike<number>, after?: ArrayLike<number>): Element {
  const rows = Array.from(before, (p, digit) => ({ digit, p, when: "before" }));
  if (!after) {
    return Plot.plot({
      width: 420,
      height: 170,
      marginLeft: 40,
      x: { domain: [...Array(10).keys()], label: "digit", padding: 0.15 },
      y: { domain: [0, 1], label: "probability", grid: true },
      marks: [Plot.barY(rows, { x: "digit", y: "p", fill: "#1f77b4" }), Plot.ruleY([0])],
    });
  }
  rows.push(...Array.from(after, (p, digit) => ({ digit, p, when: "after" })));
  return Plot.plot({
    width: 420,
    height: 190,
    marginLeft: 40,
    fx: { label: "digit", padding: 0.15 },
    x: { axis: null, domain: ["before", "after"] },
    y: { domain: [0, 1], label: "probability", grid: true },
    color: { domain: ["before", "after"], range: ["#1f77b4", "#2ca02c"], legend: true },
    marks: [Plot.barY(rows, { fx: "digit", x: "when", y: "p", fill: "when" }), Plot.ruleY([0])],
  });
}
