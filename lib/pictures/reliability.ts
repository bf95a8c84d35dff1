/**
 * The reliability diagram: for each bin of p(predicted), the share of its samples predicted
 * correctly against the bin's mean p, with the diagonal a calibrated classifier would follow
 * and each bin's sample count written above its bar.
 */
import type { ReliabilityBin } from "../training/calibration.ts";
import { type Figure, Plot, plot } from "./plot.ts";

export function reliabilityDiagram(
  bins: readonly ReliabilityBin[],
  options: { title?: string; width?: number; height?: number } = {},
): Promise<Figure> {
  const filled = bins.filter((b) => b.count > 0);
  return plot({
    title: options.title ?? "Reliability: accuracy against p(predicted)",
    description: `reliability diagram over ${bins.length} bins: ${
      filled.map((b) =>
        `[${b.from.toFixed(1)}, ${b.to.toFixed(1)}) ${b.count} samples, accuracy ${
          b.accuracy.toFixed(3)
        } at mean p ${b.confidence.toFixed(3)}`
      ).join("; ")
    }`,
    width: options.width ?? 560,
    height: options.height ?? 420,
    x: { label: "p(predicted), binned", domain: [0, 1], grid: true },
    y: { label: "share predicted correctly", domain: [0, 1.08], grid: true },
    marks: [
      Plot.rectY(filled, {
        x1: "from",
        x2: "to",
        y: "accuracy",
        fill: "steelblue",
        fillOpacity: 0.6,
        inset: 1,
      }),
      Plot.dot(filled, { x: "confidence", y: "accuracy", fill: "black", r: 3 }),
      Plot.line([{ x: 0, y: 0 }, { x: 1, y: 1 }], {
        x: "x",
        y: "y",
        stroke: "#888",
        strokeDasharray: "4,3",
      }),
      Plot.text(filled, {
        x: (b: ReliabilityBin) => (b.from + b.to) / 2,
        y: "accuracy",
        text: (b: ReliabilityBin) => String(b.count),
        dy: -8,
        fontSize: 10,
      }),
      Plot.ruleY([0]),
    ],
  });
}
