/**
 * Which hidden neurons are dead, run by run: one row per run (or moment of one), one cell
 * per neuron (counted from 0), its firing share written in per cent and shaded by it; the
 * cells below a threshold ("nearly dead") are outlined in red.
 */
import { type Figure, Plot, plot } from "./plot.ts";

/** The text of a share in per cent: one decimal, "0" for none, "<0.1" for a few digits. */
export function percentLabel(share: number): string {
  if (share === 0) return "0";
  if (share < 0.001) return "<0.1";
  return (100 * share).toFixed(share < 0.1 ? 1 : 0);
}

export function firingGrid(
  series: readonly { name: string; shares: ArrayLike<number> }[],
  options: { title?: string; below: number; width?: number },
): Promise<Figure> {
  const names = series.map((s) => s.name);
  const cells = series.flatMap((s) =>
    Array.from(s.shares, (share, neuron) => ({
      run: s.name,
      neuron,
      share,
      dead: share < options.below,
    }))
  );
  const hidden = Math.max(0, ...series.map((s) => s.shares.length));
  const deadCount = series.map((s) =>
    `${s.name}: ${cells.filter((c) => c.run === s.name && c.dead).length}`
  );
  return plot({
    title: options.title,
    description: `per cent of the digits on which each hidden neuron fires; under ${
      100 * options.below
    } % (outlined): ${deadCount.join(", ")}`,
    width: options.width ?? 720,
    height: 60 + 28 * series.length,
    marginLeft: 230,
    padding: 0.04,
    x: {
      label: "hidden neuron (counted from 0) →",
      domain: Array.from({ length: hidden }, (_, i) => i),
      axis: "top",
    },
    y: { label: null, domain: names },
    color: { type: "sqrt", scheme: "blues", domain: [0, 1] },
    marks: [
      Plot.cell(cells, { x: "neuron", y: "run", fill: "share", inset: 0.5 }),
      Plot.cell(cells.filter((c) => c.dead), {
        x: "neuron",
        y: "run",
        stroke: "#d62728",
        strokeWidth: 2,
        fill: "none",
        inset: 1.5,
      }),
      Plot.text(cells, {
        x: "neuron",
        y: "run",
        text: (c: { share: number }) => percentLabel(c.share),
        fill: (c: { share: number }) => Math.sqrt(c.share) > 0.55 ? "white" : "black",
        fontSize: 11,
      }),
    ],
  });
}
