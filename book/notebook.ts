/**
 * The notebook file format (nbformat 4) as the book reads and writes it, the kernel's
 * messages, and the comparison of fresh outputs with stored ones after the normalisation
 * that tools/nbrun.py --check applies (consecutive stream outputs joined).
 */
import { type Bundle, coalesceStreams, joinText, type Output } from "./jupyter.ts";

export type { Output };

export interface Cell {
  cell_type: "code" | "markdown" | "raw";
  id?: string;
  source: string | string[];
  metadata: Record<string, unknown>;
  outputs?: Output[];
  execution_count?: number | null;
}

export interface Notebook {
  cells: Cell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

/** Page → kernel. */
export type Request = { type: "run"; id: number; source: string };

/** Kernel → page. */
export type Reply =
  | { type: "ready"; threads: 1 | 2 }
  | { type: "output"; id: number; output: Output; displayId?: string }
  | { type: "update"; id: number; displayId: string; data: Bundle }
  | { type: "done"; id: number; ok: boolean; executionCount: number };

/** The MIME types compared: text and SVG (a page need not render PNGs). */
const COMPARED = ["text/plain", "text/markdown", "text/html", "image/svg+xml"];

/** Outputs in the form they are compared in (streams joined, texts as strings). */
export function comparable(outputs: readonly Output[]): unknown[] {
  return coalesceStreams(outputs.map((o) => {
    if (o.output_type === "stream") return { ...o, text: joinText(o.text) };
    return o;
  })).map((o) => {
    switch (o.output_type) {
      case "stream":
        return { output_type: o.output_type, name: o.name, text: o.text };
      case "error":
        return { output_type: o.output_type, ename: o.ename, evalue: o.evalue };
      default: {
        const data: Record<string, string> = {};
        for (const type of COMPARED) {
          if (o.data[type] !== undefined) data[type] = joinText(o.data[type]);
        }
        return { output_type: o.output_type, data };
      }
    }
  });
}

/**
 * Whether fresh outputs are the stored ones: texts equal, SVGs drawing the same picture
 * (sameDrawing).
 */
export function sameOutputs(a: readonly Output[], b: readonly Output[]): boolean {
  const [textA, drawingsA] = apartFromDrawings(a), [textB, drawingsB] = apartFromDrawings(b);
  return textA === textB && drawingsA.every((d, i) => sameDrawing(d, drawingsB[i]));
}

/** The comparable outputs as JSON with each SVG replaced by a mark, and the SVGs in order. */
function apartFromDrawings(outputs: readonly Output[]): [string, string[]] {
  const drawings: string[] = [];
  const text = JSON.stringify(
    comparable(outputs),
    (key, value) => key === "image/svg+xml" ? `svg ${drawings.push(value)}` : value,
  );
  return [text, drawings];
}

/** A number as an SVG writes it (coordinates, sizes, path data). */
const SVG_NUMBER = /-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?/gi;

/**
 * Whether two SVG texts draw the same picture: the same text between their numbers, and each
 * pair of numbers equal to within 1e-9 of their size. A browser's Math.log and Math.pow may
 * differ from Deno's in the last bit (Chromium 150 against Deno 2.9.6's V8, on a log-scale
 * axis), which moves a tick line by 1e-13 px; any visible change is far above that.
 */
export function sameDrawing(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.replace(SVG_NUMBER, "0") !== b.replace(SVG_NUMBER, "0")) return false;
  const x = a.match(SVG_NUMBER) ?? [], y = b.match(SVG_NUMBER) ?? [];
  return x.length === y.length && x.every((s, i) => {
    const p = Number(s), q = Number(y[i]);
    return Math.abs(p - q) <= 1e-9 * Math.max(1, Math.abs(p), Math.abs(q));
  });
}

export function cellSource(cell: Cell): string {
  return joinText(cell.source);
}

/** nbformat's way of storing text: one string per line, each keeping its "\n". */
export function splitLines(text: string): string[] {
  return text.split(/(?<=\n)/).filter((l) => l !== "");
}

/** An output as nbformat stores it (texts split into lines). */
export function storedForm(output: Output): Output {
  if (output.output_type === "stream") {
    return { ...output, text: splitLines(output.text) as unknown as string };
  }
  if (output.output_type === "error") return output;
  const data: Bundle = {};
  for (const [type, value] of Object.entries(output.data)) {
    data[type] = typeof value === "string" && !type.startsWith("image/png")
      ? splitLines(value)
      : value;
  }
  return { ...output, data };
}

/** The notebook's title: its first heading, without the markup. */
export function title(nb: Notebook): string {
  for (const cell of nb.cells) {
    if (cell.cell_type !== "markdown") continue;
    const heading = cellSource(cell).match(/^#\s+(.+)$/m);
    if (heading) return heading[1].trim();
  }
  return "Untitled";
}

/** The first paragraph after the title, as plain-ish text for the contents page. */
export function summary(nb: Notebook): string {
  for (const cell of nb.cells) {
    if (cell.cell_type !== "markdown") continue;
    const paragraphs = cellSource(cell).split(/\n\s*\n/).map((p) => p.trim())
      .filter((p) => p && !p.startsWith("#"));
    if (paragraphs.length) {
      const text = paragraphs[0].replace(/\s+/g, " ");
      const sentence = text.match(/^.*?[.!?](\s|$)/)?.[0].trim() ?? text;
      return sentence;
    }
  }
  return "";
}
