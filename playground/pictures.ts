/**
 * The page's pictures: 28×28 maps on canvases (digits grey, weights red + / blue −, as
 * lib/pictures/images.ts draws them for the notebooks) and the Observable Plot charts.
 */
import * as Plot from "@observablehq/plot";
import type { TrainingRecord } from "../lib/training/train.ts";

const SIDE = 28;

/** How a map's values become colours: grey ink in [0, 1], or signed with ±`scale` full colour. */
export type MapScale = "ink" | number;

/** NaN's colour in every map (a value that is not a number is not a weight of any size). */
const NAN_RGB = [255, 204, 0] as const;

/** A 28×28 canvas of `values` (784), named for assistive technology by `label`. */
export function mapCanvas(
  values: ArrayLike<number>,
  { scale = "ink" as MapScale, size = 84, label = "" } = {},
): HTMLCanvasElement {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = SIDE;
  canvas.style.width = canvas.style.height = `${size}px`;
  canvas.className = "map";
  canvas.setAttribute("role", "img");
  if (label) canvas.setAttribute("aria-label", label);
  drawMap(canvas, values, scale);
  return canvas;
}

/** The colour of one value (r, g, b). */
export function mapColour(v: number, scale: MapScale): readonly [number, number, number] {
  if (Number.isNaN(v)) return NAN_RGB;
  if (scale === "ink") {
    const grey = Math.round(255 * (1 - Math.min(1, Math.max(0, v))));
    return [grey, grey, grey];
  }
  const w = Math.max(-1, Math.min(1, v / (scale || 1)));
  const fade = Math.round(255 * (1 - Math.abs(w)));
  return w >= 0 ? [255, fade, fade] : [fade, fade, 255];
}

/** Redraws a map canvas on `scale` (signed maps: ±scale is full red / blue; NaN yellow). */
export function drawMap(canvas: HTMLCanvasElement, values: ArrayLike<number>, scale: MapScale) {
  const context = canvas.getContext("2d")!;
  const image = context.createImageData(SIDE, SIDE);
  for (let p = 0; p < SIDE * SIDE; p++) {
    image.data.set([...mapColour(values[p], scale), 255], 4 * p);
  }
  context.putImageData(image, 0, 0);
}

/** The largest |v| (NaN ignored): the symmetric scale that fits every value. */
export function largestMagnitude(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (a > m) m = a;
  }
  return m;
}

const short = (v: number) =>
  v === 0 ? "0" : Math.abs(v) < 1e-3 || Math.abs(v) >= 1e4 ? v.toExponential(1) : v.toPrecision(2);

/** The colour bar of a signed scale: −scale blue … 0 white … +scale red, and NaN's swatch. */
export function colorBar(scale: number, what: string, hasNaN = false): HTMLElement {
  const bar = document.createElement("div");
  bar.className = "colorbar";
  const canvas = document.createElement("canvas");
  canvas.width = 64;
  canvas.height = 1;
  const context = canvas.getContext("2d")!;
  const image = context.createImageData(64, 1);
  for (let x = 0; x < 64; x++) {
    image.data.set([...mapColour(scale * (2 * (x + 0.5) / 64 - 1), scale), 255], 4 * x);
  }
  context.putImageData(image, 0, 0);
  canvas.setAttribute("aria-hidden", "true");
  const text = (t: string) => Object.assign(document.createElement("span"), { textContent: t });
  bar.append(text(`${what}: −${short(scale)}`), canvas, text(`+${short(scale)}`));
  if (hasNaN) {
    const swatch = text("NaN");
    swatch.style.background = `rgb(${NAN_RGB.join(",")})`;
    swatch.style.padding = "0 4px";
    bar.append(swatch);
  }
  bar.setAttribute("role", "img");
  bar.setAttribute(
    "aria-label",
    `colour scale of ${what}: blue −${short(scale)}, white 0, red +${short(scale)}` +
      (hasNaN ? "; yellow: NaN (not a number)" : ""),
  );
  return bar;
}

/** At most `n` records, evenly spaced, the last kept (a plot of 10,000 points is slow to redraw). */
function thin<T>(rows: T[], n = 400): T[] {
  if (rows.length <= n) return rows;
  const k = Math.ceil(rows.length / n);
  return rows.filter((_, i) => i % k === 0 || i === rows.length - 1);
}

/** Whole-number ticks from 0 to the last iteration (at least 1): iterations are counted. */
export function iterationTicks(last: number, count = 6): number[] {
  const max = Math.max(1, last);
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!);
  return Array.from({ length: Math.floor(max / step) + 1 }, (_, i) => i * step);
}

/** A few points are drawn as points too (the first view has one: iteration 0). */
const FEW = 30;

function iterationAxis(rows: { iteration: number }[]) {
  const last = rows.reduce((m, r) => Math.max(m, r.iteration), 0);
  return {
    label: "iteration",
    grid: true,
    domain: [0, Math.max(1, last)],
    ticks: iterationTicks(last),
    tickFormat: "d",
  };
}

export function lossChart(records: TrainingRecord[], width: number): Element {
  const rows = thin(records).filter((r) => Number.isFinite(r.loss));
  return named(
    Plot.plot({
      width,
      height: 220,
      marginLeft: 50,
      x: iterationAxis(records),
      y: { label: "training loss", grid: true, zero: true },
      marks: [
        Plot.lineY(rows, { x: "iteration", y: "loss", stroke: "#d62728" }),
        records.length <= FEW
          ? Plot.dot(rows, { x: "iteration", y: "loss", fill: "#d62728" })
          : null,
      ],
    }),
    records.length
      ? `Training loss by iteration: ${records.at(-1)!.loss.toFixed(4)} at iteration ${
        records.at(-1)!.iteration
      }, from ${records[0].loss.toFixed(4)} at iteration ${records[0].iteration}.`
      : "Training loss by iteration: none yet.",
  );
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
  const last = (xs: { iteration: number; accuracy: number }[]) =>
    xs.length
      ? `${xs.at(-1)!.accuracy.toFixed(4)} at iteration ${xs.at(-1)!.iteration}`
      : "none yet";
  return named(
    Plot.plot({
      width,
      height: 220,
      marginLeft: 50,
      x: iterationAxis(rows),
      y: { label: "accuracy", grid: true, domain: [0, 1], tickFormat: ".1f" },
      color: { legend: true, domain: ["training", "test"], range: ["#1f77b4", "#c45a00"] },
      marks: [
        Plot.lineY(rows, { x: "iteration", y: "accuracy", stroke: "set" }),
        Plot.dot(rows.filter((r) => r.set === "test" || records.length <= FEW), {
          x: "iteration",
          y: "accuracy",
          fill: "set",
          r: 2.5,
        }),
      ],
    }),
    `Accuracy by iteration: training ${last(records)}; test ${last(tests)}.`,
  );
}

/**
 * A chart as one named image for assistive technology: Plot's own aria-labels sit on plain
 * groups (where ARIA prohibits them) and its legend is a second element, so both are folded in.
 */
export function named(chart: Element, label: string): Element {
  for (const g of chart.querySelectorAll("[aria-label]")) {
    g.setAttribute("data-label", g.getAttribute("aria-label")!);
    g.removeAttribute("aria-label");
  }
  for (const g of chart.querySelectorAll("[aria-description]")) {
    g.removeAttribute("aria-description");
  }
  const svg = chart.tagName.toLowerCase() === "svg" ? chart : chart.querySelector("svg");
  chart.setAttribute("role", "img");
  chart.setAttribute("aria-label", label);
  if (svg && svg !== chart) svg.setAttribute("aria-hidden", "true");
  return chart;
}

/** WCAG's relative luminance of an "rgb(r, g, b)" colour. */
function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? ["0", "0", "0"]).map((c) => {
    const v = Number(c) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Black or white, whichever contrasts more with the background (always ≥ 4.5:1). */
export function labelColour(background: string): "black" | "white" {
  const l = luminance(background);
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? "black" : "white";
}

export function confusionChart(confusion: number[][], width = 420): Element {
  const cells = confusion.flatMap((row, actual) =>
    row.map((count, predicted) => ({ actual, predicted, count }))
  );
  const max = Math.max(1, ...cells.map((c) => c.count));
  const color = Plot.scale({ color: { type: "sqrt", scheme: "blues", domain: [0, max] } });
  const size = Math.min(420, width);
  const correct = cells.filter((c) => c.actual === c.predicted).reduce((s, c) => s + c.count, 0);
  return named(
    Plot.plot({
      width: size,
      height: size,
      padding: 0.05,
      x: { label: "predicted", axis: "top", domain: [...Array(10).keys()] },
      y: { label: "actual", domain: [...Array(10).keys()] },
      color: { type: "sqrt", scheme: "blues", domain: [0, max] },
      marks: [
        Plot.cell(cells, { x: "predicted", y: "actual", fill: "count" }),
        Plot.text(cells, {
          x: "predicted",
          y: "actual",
          text: "count",
          fill: (d) => labelColour(String(color.apply(d.count))),
          fontSize: size < 400 ? 8 : 10,
        }),
      ],
    }),
    `Confusion matrix: rows are the actual digits, columns the predicted ones; ${correct} of ${
      cells.reduce((s, c) => s + c.count, 0)
    } on the diagonal (correct).`,
  );
}

/** The ten probabilities as bars, with a second set (after a step) beside them if given. */
export function probabilityChart(
  before: ArrayLike<number>,
  after?: ArrayLike<number>,
  width = 420,
): Element {
  const rows = Array.from(before, (p, digit) => ({ digit, p, when: "before" }));
  const pct = (p: number) => `${(100 * p).toFixed(1)} %`;
  const best = (ps: ArrayLike<number>) => Array.from(ps).indexOf(Math.max(...Array.from(ps)));
  if (!after) {
    return named(
      Plot.plot({
        width: Math.min(420, width),
        height: 170,
        marginLeft: 40,
        x: { domain: [...Array(10).keys()], label: "digit", padding: 0.15 },
        y: { domain: [0, 1], label: "probability", grid: true },
        marks: [Plot.barY(rows, { x: "digit", y: "p", fill: "#1f77b4" }), Plot.ruleY([0])],
      }),
      `Probabilities of the ten digits; the highest is ${best(before)} at ${
        pct(before[best(before)])
      }.`,
    );
  }
  rows.push(...Array.from(after, (p, digit) => ({ digit, p, when: "after" })));
  return named(
    Plot.plot({
      width: Math.min(420, width),
      height: 190,
      marginLeft: 40,
      fx: { label: "digit", padding: 0.15 },
      x: { axis: null, domain: ["before", "after"] },
      y: { domain: [0, 1], label: "probability", grid: true },
      color: { domain: ["before", "after"], range: ["#1f77b4", "#2ca02c"], legend: true },
      marks: [Plot.barY(rows, { fx: "digit", x: "when", y: "p", fill: "when" }), Plot.ruleY([0])],
    }),
    "Probabilities of the ten digits before and after the step: " +
      Array.from(before, (p, d) => `${d}: ${pct(p)} → ${pct(after[d])}`).join(", ") + ".",
  );
}

/**
 * The race's runs apart: colours of Okabe and Ito's colour-blind-safe set (Tol's purple for
 * the fourth), each at least 3:1 against white, and a dash pattern of their own as well.
 */
export const RUN_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#AA3377"] as const;
export const RUN_DASHES = ["none", "7,3", "2,2", "9,3,2,3"] as const;

/** One run's curve in a race chart. */
export interface RaceSeries {
  /** Its name in the legend and the charts' labels ("run 1: η 0.5, seed 1, uniform"). */
  label: string;
  records: TrainingRecord[];
}

/** A line sample of run k (for the legend and the run's row), hidden from assistive technology. */
export function runSwatch(k: number): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("width", "36");
  svg.setAttribute("height", "10");
  svg.setAttribute("aria-hidden", "true");
  const line = document.createElementNS(ns, "line");
  for (const [name, value] of Object.entries({ x1: 0, y1: 5, x2: 36, y2: 5 })) {
    line.setAttribute(name, String(value));
  }
  line.setAttribute("stroke", RUN_COLOURS[k]);
  line.setAttribute("stroke-width", "2.5");
  if (RUN_DASHES[k] !== "none") line.setAttribute("stroke-dasharray", RUN_DASHES[k]);
  svg.append(line);
  return svg;
}

/** The race's loss or training accuracy, one curve per run, overlaid; named as one image. */
export function raceChart(
  series: RaceSeries[],
  key: "loss" | "accuracy",
  width: number,
  miniBatch = false,
): Element {
  const all = series.flatMap((s) => s.records);
  const few = series.every((s) => s.records.length <= FEW);
  const marks = series.flatMap((s, k) => {
    const rows = thin(s.records).filter((r) => Number.isFinite(r[key]));
    const style = { x: "iteration", y: key, stroke: RUN_COLOURS[k] };
    return [
      Plot.lineY(rows, { ...style, strokeWidth: 2, strokeDasharray: RUN_DASHES[k] }),
      few ? Plot.dot(rows, { ...style, fill: RUN_COLOURS[k], r: 2 }) : null,
    ];
  });
  const what = key === "loss" ? "Training loss" : "Training accuracy";
  const last = (s: RaceSeries) => {
    const r = s.records.findLast((r) => Number.isFinite(r[key]));
    return r ? `${r[key].toFixed(4)} at iteration ${r.iteration}` : "none yet";
  };
  return named(
    Plot.plot({
      width,
      height: 220,
      marginLeft: 50,
      x: iterationAxis(all),
      y: key === "loss"
        ? { label: `training loss${miniBatch ? " (batch)" : ""}`, grid: true, zero: true }
        : {
          label: `training accuracy${miniBatch ? " (batch)" : ""}`,
          grid: true,
          domain: [0, 1],
          tickFormat: ".1f",
        },
      marks,
    }),
    `${what} by iteration, ${series.length} runs: ` +
      series.map((s) => `${s.label}, ${last(s)}`).join("; ") + ".",
  );
}
