/**
 * The one plotting helper: Observable Plot drawn headlessly (linkedom as the DOM),
 * returned as a `Figure` that holds the SVG and a PNG rendering of it (resvg-wasm with
 * the DejaVu Sans font from npm, white background), so the same plot can be written by
 * the tasks and shown inline in a notebook by every viewer (PNG + SVG + text). It reaches no
 * Deno API (its wasm and font are fetched from their module-relative URLs, which Deno reads
 * from disk), so the browser book draws with it too; `save.ts` writes a figure to a file.
 */
import * as Plot from "@observablehq/plot";
import { initWasm, Resvg } from "@resvg/resvg-wasm";
import { parseHTML } from "linkedom";

export { Plot };

const { document } = parseHTML("<!DOCTYPE html><html><head></head><body></body></html>");

const SVG_NS = "http://www.w3.org/2000/svg";
const FONT_URL = new URL("../../node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf", import.meta.url);
const WASM_URL = new URL("../../node_modules/@resvg/resvg-wasm/index_bg.wasm", import.meta.url);

let ready: Promise<Uint8Array> | undefined;

async function fetchBytes(url: URL): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Loads resvg's wasm and the font once per process. */
function renderer(): Promise<Uint8Array> {
  ready ??= (async () => {
    await initWasm(await fetchBytes(WASM_URL));
    return await fetchBytes(FONT_URL);
  })();
  return ready;
}

/** SVG text → PNG bytes with the loaded renderer (synchronous once `renderer()` is done). */
function render(svg: string, scale: number, font: Uint8Array): Uint8Array {
  const resvg = new Resvg(svg, {
    background: "white",
    fitTo: scale === 1 ? { mode: "original" } : { mode: "zoom", value: scale },
    font: { fontBuffers: [font], defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" },
  });
  // Not freed in a `finally`: freeing a renderer whose render failed fails too ("recursive
  // use of an object"), and would hide the render's own error.
  const png = resvg.render().asPng();
  resvg.free();
  return png;
}

/** SVG text → PNG bytes, at `scale` times the SVG's size. */
export async function svgToPng(svg: string, scale = 1): Promise<Uint8Array> {
  return render(svg, scale, await renderer());
}

/**
 * SVG text with the characters XML 1.0 cannot hold (control characters other than tab and
 * newlines, which a title or a file name may bring) written visibly as \xNN.
 */
export function xmlSafe(svg: string): string {
  return svg.replace(
    // deno-lint-ignore no-control-regex
    /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
}

/** Bytes as base64, for Jupyter bundles and data: URLs. */
export function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

/**
 * A drawn picture: SVG text, its PNG rendering (made when first asked for: a task that
 * writes only the SVG never renders it), and how Jupyter should show it.
 */
export class Figure {
  #png: Uint8Array | (() => Uint8Array);

  constructor(
    readonly svg: string,
    png: Uint8Array | (() => Uint8Array),
    readonly description: string,
  ) {
    this.#png = png;
  }

  get png(): Uint8Array {
    if (typeof this.#png === "function") this.#png = this.#png();
    return this.#png;
  }

  /** The MIME bundle a notebook stores: PNG for every viewer, SVG for trusted ones, text. */
  bundle(): Record<string, string> {
    return {
      "image/png": base64(this.png),
      "image/svg+xml": this.svg,
      "text/plain": this.description,
    };
  }

  [Symbol.for("Jupyter.display")]() {
    return this.bundle();
  }
}

/** Pixels of a PNG rendered at twice the size, beyond which it is rendered 1:1 instead. */
const SHARP_PIXELS = 16_000_000;

/** The width × height of an SVG's root element, or 0 when it does not say. */
function area(svg: string): number {
  const root = /^\s*<svg\b[^>]*>/.exec(svg)?.[0] ?? "";
  const size = (name: string) => Number(new RegExp(`\\s${name}="([\\d.]+)"`).exec(root)?.[1] ?? 0);
  return size("width") * size("height");
}

/**
 * Wraps finished SVG text in a Figure (its PNG rendered, when asked for, at twice the size
 * for sharpness, or 1:1 when that would pass SHARP_PIXELS); characters XML cannot hold are
 * made visible first (xmlSafe).
 */
export async function figureFromSvg(svg: string, description: string): Promise<Figure> {
  const font = await renderer();
  const safe = xmlSafe(svg);
  const scale = 4 * area(safe) > SHARP_PIXELS ? 1 : 2;
  return new Figure(safe, () => render(safe, scale, font), description);
}

type PlotOptions = Omit<Plot.PlotOptions, "document">;

/**
 * Draws `options` with Observable Plot. A legend makes Plot return an HTML figure; its
 * SVG parts (ramp legends) are stacked into one standalone SVG so that it renders
 * everywhere, and `title` is drawn as SVG text above the plot for the same reason.
 * Swatch legends are HTML and are dropped: label lines with a text mark instead.
 * Continuous colour legends need a canvas, which this headless DOM does not have.
 */
export async function plot(options: PlotOptions & { description?: string }): Promise<Figure> {
  const { title, description, ...rest } = options;
  const out = Plot.plot({ ...rest, document } as Plot.PlotOptions) as unknown as Element;
  const parts: Element[] = out.tagName.toLowerCase() === "svg"
    ? [out]
    : Array.from(out.querySelectorAll(":scope > svg"));
  const width = Math.max(...parts.map((p) => Number(p.getAttribute("width")) || 0));
  const root = document.createElementNS(SVG_NS, "svg");
  let y = 0;
  if (typeof title === "string" && title !== "") {
    const text = document.createElementNS(SVG_NS, "text");
    text.setAttribute("x", "10");
    text.setAttribute("y", "20");
    text.setAttribute("font-family", "system-ui, sans-serif");
    text.setAttribute("font-size", "15");
    text.setAttribute("font-weight", "bold");
    text.textContent = title;
    root.appendChild(text);
    y = 30;
  }
  for (const part of parts) {
    part.setAttribute("x", "0");
    part.setAttribute("y", String(y));
    y += Number(part.getAttribute("height")) || 0;
    root.appendChild(part);
  }
  root.setAttribute("xmlns", SVG_NS);
  root.setAttribute("width", String(width));
  root.setAttribute("height", String(y));
  root.setAttribute("viewBox", `0 0 ${width} ${y}`);
  root.setAttribute("font-family", "system-ui, sans-serif");
  const svg = root.outerHTML.replace(/^<svg /, "<svg ");
  return await figureFromSvg(svg, description ?? (typeof title === "string" ? title : "plot"));
}
