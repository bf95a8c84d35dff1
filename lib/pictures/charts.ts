/**
 * The project's recurring charts, drawn with the one plot helper so the tasks and the
 * notebooks show the same pictures: learning curves (one line per learning rate), training
 * progress (loss and accuracy per iteration) and the confusion-matrix heatmap.
 */
import type { SweepRecord } from "../io/report.ts";
import { type Figure, Plot, plot } from "./plot.ts";

/** The last record of each learning rate, for labelling line ends. */
function lastOfEach(records: readonly SweepRecord[]): SweepRecord[] {
  const last = new Map<number, SweepRecord>();
  for (const r of records) {
    const seen = last.get(r.learning_rate);
    if (seen === undefined || r.iteration >= seen.iteration) last.set(r.learning_rate, r);
  }
  return [...last.values()];
}

/**
 * Where to write each line's label: at its last accuracy, moved apart just enough that
 * labels of lines ending close together do not overlap (LABEL_GAP of the 0–1 axis).
 */
const LABEL_GAP = 0.04;
function spreadLabels(ends: SweepRecord[]): (SweepRecord & { labelY: number })[] {
  const sorted = [...ends].sort((a, b) => b.accuracy - a.accuracy);
  const out: (SweepRecord & { labelY: number })[] = [];
  for (const r of sorted) {
    const above = out.at(-1)?.labelY;
    out.push({
      ...r,
      labelY: above === undefined ? r.accuracy : Math.min(r.accuracy, above - LABEL_GAP),
    });
  }
  return out;
}

/**
 * Training accuracy against iteration, one line per learning rate, each labelled at its
 * end (swatch legends are HTML and do not survive as SVG, so the lines carry their names).
 */
export function learningCurves(
  records: readonly SweepRecord[],
  options: { title?: string; width?: number; height?: number } = {},
): Promise<Figure> {
  const rows = records.map((r) => ({ ...r, lr: `η = ${r.learning_rate}` }));
  const ends = spreadLabels(lastOfEach(records)).map((r) => ({
    ...r,
    lr: `η = ${r.learning_rate}`,
  }));
  const rates = [...new Set(records.map((r) => r.learning_rate))].sort((a, b) => b - a);
  return plot({
    title: options.title ?? "Training accuracy vs iteration, by learning rate",
    description: `accuracy vs iteration for learning rates ${rates.join(", ")}`,
    width: options.width ?? 720,
    height: options.height ?? 420,
    marginRight: 80,
    x: { label: "iteration", grid: true },
    y: { label: "training accuracy", domain: [0, 1], grid: true, percent: false },
    color: { type: "ordinal", domain: rates.map((r) => `η = ${r}`), scheme: "tableau10" },
    marks: [
      Plot.line(rows, { x: "iteration", y: "accuracy", stroke: "lr", strokeWidth: 1.8 }),
      Plot.text(ends, {
        x: "iteration",
        y: "labelY",
        text: "lr",
        fill: "lr",
        dx: 6,
        textAnchor: "start",
        fontSize: 12,
      }),
    ],
  });
}

/** One iteration's metrics, as the training generator yields them. */
export interface ProgressRecord {
  iteration: number;
  loss: number;
  accuracy: number;
}

/** Loss and accuracy per iteration, side by side. */
export async function trainingCurves(
  records: readonly ProgressRecord[],
  options: { title?: string; width?: number } = {},
): Promise<Figure> {
  const rows = records.flatMap((r) => [
    { iteration: r.iteration, value: r.loss, metric: "loss (cross-entropy)" },
    { iteration: r.iteration, value: r.accuracy, metric: "training accuracy" },
  ]);
  const last = records.at(-1);
  return await plot({
    title: options.title ?? "Training progress",
    description: last === undefined
      ? "no iterations"
      : `after ${last.iteration} iterations: loss ${last.loss.toFixed(4)}, accuracy ${
        last.accuracy.toFixed(4)
      }`,
    width: options.width ?? 720,
    height: 260,
    x: { label: "iteration", grid: true },
    y: { label: null, grid: true },
    fx: { label: null },
    facet: { data: rows, x: "metric" },
    marks: [
      Plot.line(rows, { x: "iteration", y: "value", stroke: "steelblue", strokeWidth: 1.6 }),
    ],
  });
}

/**
 * The 10×10 confusion matrix (rows: actual digit, columns: predicted) as a heatmap with
 * the count in every cell. Colour follows the square root of the count so the small
 * off-diagonal mistakes stay visible next to the large diagonal.
 */
export async function confusionHeatmap(
  confusion: readonly (readonly number[])[],
  options: { title?: string } = {},
): Promise<Figure> {
  const cells = confusion.flatMap((row, actual) =>
    row.map((count, predicted) => ({ actual, predicted, count }))
  );
  const max = Math.max(1, ...cells.map((c) => c.count));
  const total = cells.reduce((s, c) => s + c.count, 0);
  const correct = cells.reduce((s, c) => s + (c.actual === c.predicted ? c.count : 0), 0);
  const digits = confusion.map((_, i) => i);
  return await plot({
    title: options.title ?? "Confusion matrix",
    description: `confusion matrix: ${correct} of ${total} on the diagonal`,
    width: 520,
    height: 500,
    padding: 0.04,
    x: { label: "predicted digit →", domain: digits, axis: "top" },
    y: { label: "↓ actual digit", domain: digits },
    color: { type: "sqrt", scheme: "blues", domain: [0, max] },
    marks: [
      Plot.cell(cells, { x: "predicted", y: "actual", fill: "count", inset: 0.5 }),
      Plot.text(cells, {
        x: "predicted",
        y: "actual",
        text: (c: { count: number }) => String(c.count),
        fill: (c: { count: number }) => Math.sqrt(c.count / max) > 0.55 ? "white" : "black",
        fontSize: 11,
      }),
    ],
  });
}
