/**
 * The project's recurring charts, drawn with the one plot helper so the tasks and the
 * notebooks show the same pictures: learning curves (one line per learning rate, or a band
 * over several starts), training progress (loss, training and test accuracy), named runs
 * compared, the confusion-matrix heatmap, and the smaller pictures of the notebooks
 * (functions of z, output probabilities, the loss along one step, neurons' firing shares).
 */
import type { SeededSweepRecord, SweepRecord } from "../training/sweep.ts";
import type { Matrix } from "../maths/matrix.ts";
import type { TrainingRecord } from "../training/train.ts";
import type { Spike } from "../training/curves.ts";
import { type Figure, figureFromSvg, Plot, plot } from "./plot.ts";

/** The last record of each learning rate, for labelling line ends. */
function lastOfEach<R extends SweepRecord>(records: readonly R[]): R[] {
  const last = new Map<number, R>();
  for (const r of records) {
    const seen = last.get(r.learningRate);
    if (seen === undefined || r.iteration >= seen.iteration) last.set(r.learningRate, r);
  }
  return [...last.values()];
}

/**
 * Where to write each line's label: at its last value, moved apart just enough that labels
 * of lines ending close together do not overlap (LABEL_GAP of the axis, measured in the
 * axis's own units: `position` maps a value there, `value` maps back).
 */
const LABEL_GAP = 0.04;
function spreadLabels<R>(
  ends: R[],
  at: (r: R) => number,
  { position = (v: number) => v, value = (p: number) => p, extent = 1 } = {},
): (R & { labelY: number })[] {
  const sorted = [...ends].sort((a, b) => at(b) - at(a));
  const out: (R & { labelY: number; p: number })[] = [];
  for (const r of sorted) {
    const above = out.at(-1)?.p;
    const p = above === undefined
      ? position(at(r))
      : Math.min(position(at(r)), above - LABEL_GAP * extent);
    out.push({ ...r, p, labelY: value(p) });
  }
  return out.map(({ p: _, ...r }) => r as unknown as R & { labelY: number });
}

/** Each line's name written at its end (at `labelY`), in the line's colour. */
function endLabels(ends: readonly object[], x: string, name: string) {
  return Plot.text(ends, {
    x,
    y: "labelY",
    text: name,
    fill: name,
    dx: 6,
    textAnchor: "start",
    fontSize: 12,
  });
}

/** What a learning-curve chart puts on its y axis. */
export type CurveValue = "accuracy" | "loss";

/** What it puts on its x axis: the iteration t, or η·t (the distance travelled in step-size units). */
export type CurveTime = "iteration" | "learning rate × iteration";

const timeOf = (time: CurveTime) => (r: SweepRecord) =>
  time === "iteration" ? r.iteration : r.learningRate * r.iteration;

/**
 * Ticks for a log axis over `values`: 1, 2 and 5 times the powers of ten (and 3 where that
 * gives too few), within the values' range, so that ticks below 1 carry labels too (Plot's
 * own log ticks label only the powers of ten and a few above them). With `fewest`, finer
 * steps are tried in turn until there are at least that many ticks (1 to 9 times the powers
 * of ten, then halves of those): a zoomed axis spanning less than a factor 2 gets labels too.
 */
export function logTicks(values: readonly number[], fewest?: number): number[] {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  if (positive.length === 0) return [];
  const lo = Math.min(...positive), hi = Math.max(...positive);
  const pick = (mantissas: number[]) => {
    const out: number[] = [];
    for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++) {
      for (const m of mantissas) {
        // Rounded so that 0.3 is 0.3 and not 0.30000000000000004.
        const v = Number((m * 10 ** k).toPrecision(6));
        if (v >= lo && v <= hi) out.push(v);
      }
    }
    return out;
  };
  const ticks = pick([1, 2, 5]);
  if (fewest === undefined) return ticks.length >= 4 ? ticks : pick([1, 2, 3, 5]);
  const units = [1, 2, 3, 4, 5, 6, 7, 8, 9];
  const finer = [[1, 2, 3, 5], units, units.flatMap((m) => [m, m + 0.5])];
  let out = ticks;
  for (const mantissas of finer) {
    if (out.length >= fewest) break;
    out = pick(mantissas);
  }
  return out;
}

/** The y axis of a learning curve: accuracy on [0, 1], or the loss on a log scale. */
function valueAxis(y: CurveValue, values: readonly number[]) {
  if (y === "accuracy") {
    return {
      axis: { label: "training accuracy", domain: [0, 1], grid: true, percent: false },
      spread: {},
    };
  }
  const logs = values.filter((v) => v > 0).map(Math.log10);
  const extent = Math.max(1e-9, Math.max(...logs) - Math.min(...logs));
  return {
    axis: {
      type: "log" as const,
      label: "loss (cross-entropy, log scale)",
      grid: true,
      ticks: logTicks(values),
      tickFormat: (d: number) => String(d),
    },
    spread: { position: Math.log10, value: (p: number) => 10 ** p, extent },
  };
}

/**
 * Training accuracy (or loss, `y: "loss"`) against iteration (or η·t), one line per
 * learning rate, each labelled at its end (swatch legends are HTML and do not survive as
 * SVG, so the lines carry their names).
 */
export function learningCurves(
  records: readonly SweepRecord[],
  options: {
    title?: string;
    width?: number;
    height?: number;
    y?: CurveValue;
    x?: CurveTime;
  } = {},
): Promise<Figure> {
  const y = options.y ?? "accuracy", time = options.x ?? "iteration";
  const t = timeOf(time);
  const rows = records.map((r) => ({ ...r, lr: `η = ${r.learningRate}`, t: t(r) }));
  const { axis, spread } = valueAxis(y, records.map((r) => r[y]));
  const ends = spreadLabels(lastOfEach(rows), (r) => r[y], spread);
  const rates = [...new Set(records.map((r) => r.learningRate))].sort((a, b) => b - a);
  const what = y === "accuracy" ? "accuracy" : "loss";
  const against = time === "iteration" ? "iteration" : "learning rate × iteration";
  return plot({
    title: options.title ??
      (y === "accuracy"
        ? "Training accuracy vs iteration, by learning rate"
        : "Training loss vs iteration, by learning rate (log scale)"),
    description: `${what} vs ${against} for learning rates ${rates.join(", ")}`,
    width: options.width ?? 720,
    height: options.height ?? 420,
    marginRight: 80,
    x: { label: time === "iteration" ? "iteration" : "η × iteration", grid: true },
    y: axis,
    color: { type: "ordinal", domain: rates.map((r) => `η = ${r}`), scheme: "tableau10" },
    marks: [
      Plot.line(rows, { x: "t", y, stroke: "lr", z: "lr", strokeWidth: 1.8 }),
      endLabels(ends, "t", "lr"),
    ],
  });
}

export type { SeededSweepRecord };

/**
 * Several seeds per learning rate: for each rate a band from the lowest to the highest
 * value the seeds reached at each iteration, and the mean of the seeds as a line. The width
 * of a band is what the initial weights alone change; the distance between bands is η.
 */
export function learningCurveBands(
  records: readonly SeededSweepRecord[],
  options: { title?: string; width?: number; height?: number; y?: CurveValue } = {},
): Promise<Figure> {
  const y = options.y ?? "accuracy";
  const groups = new Map<string, number[]>();
  for (const r of records) {
    const key = `${r.learningRate}/${r.iteration}`;
    groups.set(key, [...(groups.get(key) ?? []), r[y]]);
  }
  const bands = [...groups].map(([key, values]) => {
    const [learningRate, iteration] = key.split("/").map(Number);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    return {
      learningRate,
      iteration,
      lr: `η = ${learningRate}`,
      low: Math.min(...values),
      high: Math.max(...values),
      accuracy: mean,
      loss: mean,
    };
  });
  const { axis, spread } = valueAxis(y, bands.map((b) => b[y]));
  const ends = spreadLabels(lastOfEach(bands), (r) => r[y], spread);
  const rates = [...new Set(records.map((r) => r.learningRate))].sort((a, b) => b - a);
  const seeds = [...new Set(records.map((r) => r.seed))];
  return plot({
    title: options.title ?? `Training ${y} vs iteration: ${seeds.length} seeds per learning rate`,
    description: `${y} vs iteration, lowest to highest of seeds ${
      seeds.join(", ")
    } (band) and their mean (line), for learning rates ${rates.join(", ")}`,
    width: options.width ?? 720,
    height: options.height ?? 420,
    marginRight: 80,
    x: { label: "iteration", grid: true },
    y: axis,
    color: { type: "ordinal", domain: rates.map((r) => `η = ${r}`), scheme: "tableau10" },
    marks: [
      Plot.areaY(bands, {
        x: "iteration",
        y1: "low",
        y2: "high",
        fill: "lr",
        fillOpacity: 0.3,
        z: "lr",
      }),
      Plot.line(bands, { x: "iteration", y, stroke: "lr", strokeWidth: 1.4, z: "lr" }),
      endLabels(ends, "iteration", "lr"),
    ],
  });
}

/** Figures one above the other, as one standalone SVG (each keeps its own axes). */
export async function stackFigures(
  figures: readonly Figure[],
  description: string,
): Promise<Figure> {
  const size = (svg: string, name: string) =>
    Number(svg.match(new RegExp(`^<svg [^>]*\\b${name}="([\\d.]+)"`))?.[1] ?? 0);
  let y = 0, width = 0;
  const parts = figures.map((f) => {
    const part = f.svg.replace(/^<svg /, `<svg y="${y}" `);
    y += size(f.svg, "height");
    width = Math.max(width, size(f.svg, "width"));
    return part;
  });
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}">${
      parts.join("")
    }</svg>`;
  return await figureFromSvg(svg, description);
}

/**
 * Loss (log scale) and accuracy per iteration, one above the other, as a training run
 * yields them (`TrainingRecord`s); `test` adds the test accuracy measured now and then.
 * `iterations` fixes the x axis, so that a picture redrawn while training keeps its scale.
 */
export async function trainingCurves(
  records: readonly TrainingRecord[],
  options: {
    title?: string;
    width?: number;
    iterations?: number;
    test?: readonly { iteration: number; accuracy: number }[];
  } = {},
): Promise<Figure> {
  const width = options.width ?? 720;
  const last = records.at(-1);
  const x = {
    label: "iteration",
    grid: true,
    domain: [0, options.iterations ?? last?.iteration ?? 1],
  };
  const test = options.test ?? [];
  const accuracyRows = [
    ...records.map((r) => ({ iteration: r.iteration, accuracy: r.accuracy, on: "training" })),
    ...test.map((r) => ({ ...r, on: "test" })),
  ];
  const lastTest = test.at(-1);
  const loss = await plot({
    title: options.title ?? "Training progress",
    width,
    height: 220,
    x,
    y: {
      type: "log",
      label: "loss (cross-entropy, log scale)",
      grid: true,
      ticks: logTicks(records.map((r) => r.loss)),
      tickFormat: String,
    },
    marks: [Plot.line(records, { x: "iteration", y: "loss", stroke: "steelblue" })],
  });
  const accuracy = await plot({
    width,
    height: 220,
    x,
    y: { label: "accuracy", grid: true, domain: [0, 1] },
    color: { domain: ["training", "test"], range: ["darkorange", "black"] },
    marks: [
      Plot.line(accuracyRows, { x: "iteration", y: "accuracy", stroke: "on", strokeWidth: 1.4 }),
      Plot.dot(test, { x: "iteration", y: "accuracy", fill: "black", r: 2.5 }),
      Plot.text(last ? [last] : [], {
        x: "iteration",
        y: "accuracy",
        text: () => "training",
        fill: "darkorange",
        dy: -12,
        textAnchor: "end",
      }),
      Plot.text(lastTest ? [lastTest] : [], {
        x: "iteration",
        y: "accuracy",
        text: (d: { accuracy: number }) => `test ${d.accuracy.toFixed(3)}`,
        dy: 14,
        textAnchor: "end",
      }),
    ],
  });
  const description = last === undefined
    ? "no iterations"
    : `after ${last.iteration} iterations: loss ${last.loss.toFixed(4)}, accuracy ${
      last.accuracy.toFixed(4)
    }${lastTest ? `, test accuracy ${lastTest.accuracy.toFixed(4)}` : ""}`;
  return await stackFigures([loss, accuracy], description);
}

/**
 * One run's loss (log scale) and accuracy, one above the other, with its spikes marked
 * (lib/training/curves.ts `spikes`): a red line at each spike's peak in both panels, a dot
 * on the loss there and the peak's iteration written above it; `from` and `to` zoom the x
 * axis.
 */
export async function spikeChart(
  records: readonly { iteration: number; loss: number; accuracy: number }[],
  found: readonly Spike[],
  options: { title?: string; width?: number; from?: number; to?: number } = {},
): Promise<Figure> {
  const width = options.width ?? 720;
  const from = options.from ?? records[0]?.iteration ?? 0;
  const to = options.to ?? records.at(-1)?.iteration ?? 1;
  const shown = records.filter((r) => r.iteration >= from && r.iteration <= to);
  const peaks = found.filter((s) => s.peak >= from && s.peak <= to);
  const x = { label: "iteration", grid: true, domain: [from, to] };
  const marked = Plot.ruleX(peaks, { x: "peak", stroke: "crimson", strokeOpacity: 0.45 });
  const loss = await plot({
    title: options.title,
    width,
    height: 240,
    x,
    y: {
      type: "log",
      label: "loss (cross-entropy, log scale)",
      grid: true,
      ticks: logTicks(shown.map((r) => r.loss), 3),
      tickFormat: String,
    },
    marks: [
      marked,
      Plot.line(shown, { x: "iteration", y: "loss", stroke: "steelblue" }),
      Plot.dot(peaks, { x: "peak", y: "peakLoss", fill: "crimson", r: 3 }),
      Plot.text(peaks, {
        x: "peak",
        y: "peakLoss",
        text: (s: Spike) => String(s.peak),
        dy: -9,
        fontSize: 10,
        fill: "crimson",
      }),
    ],
  });
  const accuracy = await plot({
    width,
    height: 200,
    x,
    y: { label: "training accuracy", grid: true },
    marks: [marked, Plot.line(shown, { x: "iteration", y: "accuracy", stroke: "darkorange" })],
  });
  return await stackFigures(
    [loss, accuracy],
    `loss and accuracy, iterations ${from}–${to}, ${peaks.length} spikes marked${
      peaks.length ? ` (peaks at ${peaks.map((s) => s.peak).join(", ")})` : ""
    }`,
  );
}

/**
 * The 10×10 confusion matrix (rows: actual digit, columns: predicted) as a heatmap with
 * the count in every cell. Colour follows the square root of the count so the small
 * off-diagonal mistakes stay visible next to the large diagonal. With `rows: "fraction"`
 * every row is divided by its total and shown in per cent: the diagonal is then each
 * digit's recall, and rows of digits that are rarer in the data weigh as much as the others.
 */
export async function confusionHeatmap(
  confusion: readonly (readonly number[])[],
  options: { title?: string; rows?: "count" | "fraction" } = {},
): Promise<Figure> {
  const fraction = options.rows === "fraction";
  const cells = confusion.flatMap((row, actual) => {
    const total = row.reduce((s, v) => s + v, 0) || 1;
    return row.map((count, predicted) => ({
      actual,
      predicted,
      count,
      value: fraction ? count / total : count,
    }));
  });
  const max = fraction ? 1 : Math.max(1, ...cells.map((c) => c.count));
  const total = cells.reduce((s, c) => s + c.count, 0);
  const correct = cells.reduce((s, c) => s + (c.actual === c.predicted ? c.count : 0), 0);
  const digits = confusion.map((_, i) => i);
  const label = (c: { count: number; value: number }) =>
    fraction ? (100 * c.value).toFixed(c.value > 0 && c.value < 0.01 ? 1 : 0) : String(c.count);
  return await plot({
    title: options.title ?? (fraction ? "Confusion matrix, % of each row" : "Confusion matrix"),
    description: fraction
      ? `confusion matrix in % of each actual digit: ${correct} of ${total} on the diagonal`
      : `confusion matrix: ${correct} of ${total} on the diagonal`,
    width: 520,
    height: 500,
    padding: 0.04,
    x: { label: "predicted digit →", domain: digits, axis: "top" },
    y: { label: "↓ actual digit", domain: digits },
    color: { type: "sqrt", scheme: "blues", domain: [0, max] },
    marks: [
      Plot.cell(cells, { x: "predicted", y: "actual", fill: "value", inset: 0.5 }),
      Plot.text(cells, {
        x: "predicted",
        y: "actual",
        text: label,
        fill: (c: { value: number }) => Math.sqrt(c.value / max) > 0.55 ? "white" : "black",
        fontSize: 11,
      }),
    ],
  });
}

/** One function of z to draw: its name, the values at the z's, and whether it jumps (steps). */
export interface FunctionPanel {
  name: string;
  z: ArrayLike<number>;
  values: ArrayLike<number>;
  /** Draw as steps, the jump at each z (for a derivative like ReLU′'s). */
  step?: boolean;
}

/** Functions of one variable side by side, one panel each, with the zero line. */
export function functionPanels(
  panels: readonly FunctionPanel[],
  options: { title?: string; description?: string; width?: number; height?: number } = {},
): Promise<Figure> {
  const rowsOf = (p: FunctionPanel) =>
    Array.from(p.z, (z, k) => ({ z, value: p.values[k], f: p.name }));
  return plot({
    title: options.title,
    description: options.description ?? panels.map((p) => p.name).join(" and "),
    width: options.width ?? 640,
    height: options.height ?? 240,
    fx: { label: null, domain: panels.map((p) => p.name) },
    x: { label: "z", grid: true },
    y: { label: null, grid: true },
    marks: [
      ...panels.map((p) =>
        Plot.line(rowsOf(p), {
          fx: "f",
          x: "z",
          y: "value",
          stroke: "steelblue",
          strokeWidth: 2,
          curve: p.step ? "step-before" : "linear",
        })
      ),
      Plot.ruleY([0]),
    ],
  });
}

/**
 * The ten output probabilities (a column of A_o) of some samples, one bar chart each, the
 * bar of the sample's label in orange: what the network believes, digit by digit. With
 * `outlineLabel` the label's bar is also outlined in black, so that it stays visible when
 * its probability is tiny (a wrong prediction).
 */
export function probabilityBars(
  A_o: Matrix,
  labels: ArrayLike<number>,
  columns: readonly number[],
  options: {
    title?: string;
    name?: (j: number) => string;
    width?: number;
    outlineLabel?: boolean;
  } = {},
): Promise<Figure> {
  const name = options.name ?? ((j: number) => `sample ${j} (label ${labels[j]})`);
  const rows = columns.flatMap((j) =>
    Array.from({ length: A_o.rows }, (_, digit) => ({
      sample: name(j),
      digit,
      probability: A_o.data[digit * A_o.cols + j],
      isLabel: digit === labels[j] ? "label" : "other",
    }))
  );
  return plot({
    title: options.title,
    description: `the ${A_o.rows} output probabilities of ${columns.length} samples, as bars`,
    width: options.width ?? 720,
    height: 220,
    fx: { label: null, domain: columns.map(name) },
    x: { label: "digit", domain: Array.from({ length: A_o.rows }, (_, d) => d) },
    y: { label: "probability", domain: [0, 1], grid: true },
    color: { domain: ["label", "other"], range: ["orange", "steelblue"] },
    marks: [
      Plot.barY(rows, { fx: "sample", x: "digit", y: "probability", fill: "isLabel" }),
      // The outline spans the whole height, so a label with probability 0 still shows.
      Plot.barY(options.outlineLabel ? rows.filter((r) => r.isLabel === "label") : [], {
        fx: "sample",
        x: "digit",
        y: 1,
        fill: "none",
        stroke: "black",
        strokeWidth: 1.5,
      }),
      Plot.ruleY([0]),
    ],
  });
}

/**
 * The loss after one gradient step, L(θ − η·dθ), as a curve over the step size η, with its
 * tangent at η = 0 (L₀ − η‖dθ‖², dashed) and some labelled points on the curve.
 */
export function lossAlongStep(
  curve: readonly { eta: number; loss: number }[],
  tangent: { L0: number; squaredNorm: number },
  marked: readonly { eta: number; loss: number; label: string }[],
  options: { title?: string; width?: number; height?: number } = {},
): Promise<Figure> {
  const line = curve.map(({ eta }) => ({ eta, loss: tangent.L0 - eta * tangent.squaredNorm }))
    .filter((d) => d.loss >= 0);
  return plot({
    title: options.title ?? "Loss after one gradient step, as a function of the step size η",
    description: "L(θ − η·dθ) against η, with its tangent at η = 0",
    width: options.width ?? 720,
    height: options.height ?? 320,
    x: { label: "learning rate η", grid: true },
    y: { label: "loss after one step", grid: true, domain: [0, Math.ceil(tangent.L0)] },
    marks: [
      Plot.line(line, { x: "eta", y: "loss", stroke: "#999", strokeDasharray: "4,3" }),
      Plot.line(curve, { x: "eta", y: "loss", stroke: "steelblue", strokeWidth: 2 }),
      Plot.dot(marked, { x: "eta", y: "loss", r: 4, fill: "steelblue" }),
      Plot.text(marked, {
        x: "eta",
        y: "loss",
        text: "label",
        dx: 8,
        dy: -10,
        textAnchor: "start",
      }),
      Plot.text(line.slice(-1), {
        x: "eta",
        y: "loss",
        text: () => "tangent L − η‖dθ‖²",
        dx: 6,
        textAnchor: "start",
        fill: "#666",
      }),
    ],
  });
}

/** One named training run: its records and, optionally, its test accuracy now and then. */
export interface NamedRun {
  name: string;
  records: readonly TrainingRecord[];
  test?: readonly { iteration: number; accuracy: number }[];
}

/**
 * Several runs compared: the loss (log scale) or the accuracy per step, one colour per
 * run, each labelled at its end. With `y: "accuracy"` a run's test accuracy is drawn as
 * dots joined by a dashed line of the same colour.
 */
export function runCurves(
  runs: readonly NamedRun[],
  options: {
    title?: string;
    y?: CurveValue;
    xLabel?: string;
    yLabel?: string;
    /** Zooms the y axis (accuracy only; the default is [0, 1]). */
    yDomain?: [number, number];
    /** A reference level drawn as a dashed horizontal line with its label, e.g. a baseline. */
    reference?: { value: number; label: string };
    width?: number;
    height?: number;
  } = {},
): Promise<Figure> {
  const y = options.y ?? "accuracy";
  const names = runs.map((r) => r.name);
  const rows = runs.flatMap((run) => run.records.map((r) => ({ ...r, run: run.name })));
  const tests = y === "accuracy"
    ? runs.flatMap((run) => (run.test ?? []).map((t) => ({ ...t, run: run.name })))
    : [];
  const { axis, spread } = valueAxis(y, rows.map((r) => r[y]));
  // On a zoomed axis, labels are moved apart by a share of the zoomed range.
  const zoomed = y === "accuracy" && options.yDomain !== undefined;
  const ends = spreadLabels(
    runs.flatMap((run) => {
      const last = run.records.at(-1);
      return last ? [{ ...last, run: run.name }] : [];
    }),
    (r) => r[y],
    zoomed ? { extent: options.yDomain![1] - options.yDomain![0] } : spread,
  );
  return plot({
    title: options.title,
    description: `${y === "accuracy" ? "accuracy" : "loss"} per step of ${names.join(", ")}`,
    width: options.width ?? 720,
    height: options.height ?? 360,
    marginRight: 140,
    x: { label: options.xLabel ?? "iteration", grid: true },
    y: {
      ...axis,
      ...(zoomed ? { domain: options.yDomain } : {}),
      label: options.yLabel ??
        (y === "accuracy" ? "accuracy (line: training, dots: test)" : axis.label),
    },
    color: { type: "ordinal", domain: names, scheme: "tableau10" },
    marks: [
      Plot.ruleY(options.reference ? [options.reference] : [], {
        y: "value",
        stroke: "#666",
        strokeDasharray: "4,3",
      }),
      Plot.text(options.reference ? [options.reference] : [], {
        y: "value",
        text: "label",
        frameAnchor: "left",
        dx: 6,
        dy: -8,
        textAnchor: "start",
        fill: "#666",
      }),
      Plot.line(rows, { x: "iteration", y, stroke: "run", strokeWidth: 1.4 }),
      Plot.line(tests, { x: "iteration", y: "accuracy", stroke: "run", strokeDasharray: "4,3" }),
      Plot.dot(tests, { x: "iteration", y: "accuracy", fill: "run", r: 3 }),
      endLabels(ends, "iteration", "run"),
    ],
  });
}

/**
 * Per hidden neuron, the share of the samples on which it fires, in per cent, for several
 * networks (or moments of one), one row of bars each: a neuron at 0 % is dead, one at 100 %
 * is always on.
 */
export function firingBars(
  series: readonly { name: string; shares: ArrayLike<number> }[],
  options: { title?: string; width?: number } = {},
): Promise<Figure> {
  const rows = series.flatMap((s) =>
    Array.from(
      s.shares,
      (share, neuron) => ({ neuron, share, percent: 100 * share, network: s.name }),
    )
  );
  const names = series.map((s) => s.name);
  return plot({
    title: options.title,
    description: `share of the samples on which each hidden neuron fires: ${names.join(", ")}`,
    width: options.width ?? 720,
    height: 40 + 110 * series.length,
    marginRight: 200,
    fy: { label: null, domain: names },
    x: { label: "hidden neuron", padding: 0.2 },
    y: { label: "% of the digits firing", domain: [0, 100], ticks: [0, 50, 100], grid: true },
    marks: [
      Plot.barY(rows, { fy: "network", x: "neuron", y: "percent", fill: "steelblue" }),
      Plot.text(rows, {
        fy: "network",
        x: "neuron",
        y: "percent",
        // "<1" keeps a neuron that fires on a few digits apart from a dead one (0).
        text: (d: { share: number }) =>
          d.share > 0 && d.share < 0.01 ? "<1" : (100 * d.share).toFixed(0),
        dy: -6,
        fontSize: 10,
      }),
      Plot.ruleY([0]),
    ],
  });
}
