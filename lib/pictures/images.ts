/**
 * Digits and weight maps as pictures: PNG grids (fast-png) for notebooks and files,
 * an SVG wrapper with captions, and block characters for the terminal.
 */
import { encode } from "fast-png";
import { base64, type Figure, figureFromSvg } from "./plot.ts";

const SIDE = 28;

/** A PNG picture that Jupyter shows inline. */
export class PngImage {
  constructor(
    readonly png: Uint8Array,
    readonly width: number,
    readonly height: number,
    readonly description: string,
  ) {}

  bundle(): Record<string, string> {
    return { "image/png": base64(this.png), "text/plain": this.description };
  }

  [Symbol.for("Jupyter.display")]() {
    return this.bundle();
  }
}

export interface GridOptions {
  /** Tiles per row (default: up to 10). */
  columns?: number;
  /** Nearest-neighbour upscale factor (default 3). */
  scale?: number;
  /** Pixels between tiles (default 2). */
  gap?: number;
}

/**
 * Lays out 28×28 tiles of RGB colours in a grid. `colour(t, p)` gives tile t's pixel p
 * (0..783) as [r, g, b].
 */
function grid(
  tiles: number,
  colour: (tile: number, pixel: number) => [number, number, number],
  options: GridOptions,
): { data: Uint8Array; width: number; height: number } {
  const columns = Math.max(1, Math.min(options.columns ?? 10, tiles));
  const rows = Math.ceil(tiles / columns);
  const scale = options.scale ?? 3, gap = options.gap ?? 2;
  const tile = SIDE * scale;
  const width = columns * tile + (columns + 1) * gap;
  const height = rows * tile + (rows + 1) * gap;
  const data = new Uint8Array(width * height * 3).fill(255);
  for (let t = 0; t < tiles; t++) {
    const x0 = gap + (t % columns) * (tile + gap),
      y0 = gap + Math.floor(t / columns) * (tile + gap);
    for (let p = 0; p < SIDE * SIDE; p++) {
      const [r, g, b] = colour(t, p);
      const px = x0 + (p % SIDE) * scale, py = y0 + Math.floor(p / SIDE) * scale;
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const o = ((py + dy) * width + px + dx) * 3;
          data[o] = r;
          data[o + 1] = g;
          data[o + 2] = b;
        }
      }
    }
  }
  return { data, width, height };
}

/** Digits (each 784 bytes, 255 = ink) as one PNG grid, dark ink on white. */
export function digitsPng(
  digits: readonly Uint8Array[],
  options: GridOptions & { description?: string } = {},
): PngImage {
  const { data, width, height } = grid(digits.length, (t, p) => {
    const v = 255 - digits[t][p];
    return [v, v, v];
  }, options);
  return new PngImage(
    encode({ width, height, data, channels: 3, depth: 8 }),
    width,
    height,
    options.description ?? `${digits.length} digits`,
  );
}

/**
 * The rows of a weight matrix (each 784 long) as 28×28 maps: positive weights red,
 * negative blue, white at 0, each map scaled by its own largest |w|.
 */
export function weightsPng(
  W: { rows: number; cols: number; data: ArrayLike<number> },
  options: GridOptions & { description?: string } = {},
): PngImage {
  const maxAbs = new Float64Array(W.rows);
  for (let t = 0; t < W.rows; t++) {
    for (let p = 0; p < W.cols; p++) {
      maxAbs[t] = Math.max(maxAbs[t], Math.abs(W.data[t * W.cols + p]));
    }
  }
  const { data, width, height } = grid(W.rows, (t, p) => {
    const w = W.data[t * W.cols + p] / (maxAbs[t] || 1);
    const fade = Math.round(255 * (1 - Math.abs(w)));
    return w >= 0 ? [255, fade, fade] : [fade, fade, 255];
  }, { columns: 5, ...options });
  return new PngImage(
    encode({ width, height, data, channels: 3, depth: 8 }),
    width,
    height,
    options.description ?? `${W.rows} weight maps`,
  );
}

/** One PNG per tile with a caption under each, as an SVG figure (for `view --out`, `weights`). */
export async function captionedSvg(
  images: readonly PngImage[],
  captions: readonly string[],
  columns = 8,
  title?: string,
): Promise<Figure> {
  const cellW = Math.max(...images.map((i) => i.width)) + 12;
  const cellH = Math.max(...images.map((i) => i.height)) + 24;
  const top = title ? 30 : 0;
  const cols = Math.min(columns, images.length);
  const width = cols * cellW, height = top + Math.ceil(images.length / cols) * cellH;
  const parts = images.map((img, k) => {
    const x = (k % cols) * cellW + 6, y = top + Math.floor(k / cols) * cellH + 4;
    const href = `data:image/png;base64,${base64(img.png)}`;
    return `<image x="${x}" y="${y}" width="${img.width}" height="${img.height}" href="${href}"/>` +
      `<text x="${x + img.width / 2}" y="${
        y + img.height + 15
      }" text-anchor="middle" font-size="13">${escapeXml(captions[k] ?? "")}</text>`;
  });
  const heading = title
    ? `<text x="6" y="20" font-size="15" font-weight="bold">${escapeXml(title)}</text>`
    : "";
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif">` +
    `<rect width="100%" height="100%" fill="white"/>${heading}${parts.join("")}</svg>`;
  return await figureFromSvg(svg, title ?? `${images.length} images`);
}

function escapeXml(s: string): string {
  return s.replace(
    /[<>&"]/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!,
  );
}

/** A digit in the terminal: 14 lines of half-block characters, two pixel rows per line. */
export function digitToText(pixels: Uint8Array): string {
  const shade = (v: number) => v > 127 ? 2 : v > 31 ? 1 : 0;
  const lines: string[] = [];
  for (let y = 0; y < SIDE; y += 2) {
    let line = "";
    for (let x = 0; x < SIDE; x++) {
      const top = shade(pixels[y * SIDE + x]), bottom = shade(pixels[(y + 1) * SIDE + x]);
      line += top && bottom
        ? (top === 2 && bottom === 2 ? "█" : "▓")
        : top
        ? "▀"
        : bottom
        ? "▄"
        : " ";
    }
    lines.push(line.trimEnd());
  }
  return lines.join("\n");
}
