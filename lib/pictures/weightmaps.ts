/**
 * Rows of weight matrices as 28×28 maps that can be compared with each other: every map of
 * a picture on one shared symmetric colour scale [−limit, +limit] (red +, white 0, blue −),
 * each labelled with its neuron's index, and a colour bar that says what the colours mean.
 * (weightsPng, in images.ts, scales each map to its own largest weight: good for seeing a
 * map's shape, useless for comparing strengths.)
 */
import { encode } from "fast-png";
import { base64, type Figure, figureFromSvg } from "./plot.ts";

const SIDE = 28;

/** A matrix whose rows are 784 weights each (W_h, or W_h minus its start). */
export interface WeightMatrix {
  rows: number;
  cols: number;
  data: ArrayLike<number>;
}

/** The colour of weight w on the scale [−limit, limit]: red +, blue −, white 0 (clamped). */
export function weightColour(w: number, limit: number): [number, number, number] {
  const t = limit > 0 ? Math.max(-1, Math.min(1, w / limit)) : 0;
  const fade = Math.round(255 * (1 - Math.abs(t)));
  return t >= 0 ? [255, fade, fade] : [fade, fade, 255];
}

/** The largest |w| over all the matrices: the shared scale's limit. */
export function sharedLimit(matrices: readonly WeightMatrix[]): number {
  let limit = 0;
  for (const W of matrices) {
    for (let k = 0; k < W.data.length; k++) {
      limit = Math.max(limit, Math.abs(W.data[k]));
    }
  }
  return limit;
}

function mapPng(W: WeightMatrix, row: number, limit: number, scale: number): Uint8Array {
  const size = SIDE * scale;
  const data = new Uint8Array(size * size * 3);
  for (let p = 0; p < SIDE * SIDE; p++) {
    const [r, g, b] = weightColour(W.data[row * W.cols + p], limit);
    const x0 = (p % SIDE) * scale, y0 = Math.floor(p / SIDE) * scale;
    for (let dy = 0; dy < scale; dy++) {
      for (let dx = 0; dx < scale; dx++) {
        const o = ((y0 + dy) * size + x0 + dx) * 3;
        data[o] = r, data[o + 1] = g, data[o + 2] = b;
      }
    }
  }
  return encode({ width: size, height: size, data, channels: 3, depth: 8 });
}

function escapeXml(s: string): string {
  return s.replace(
    /[<>&"]/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!,
  );
}

/**
 * One or more panels of weight maps side by side (e.g. W_h and W_h − W_h⁽⁰⁾), every map of
 * every panel on the same scale [−limit, limit] (default: the largest |w| of them all), each
 * map captioned with its row's index ("neuron i"), and a horizontal colour bar below. A panel
 * lays its maps out `columns` to a row (default 5).
 */
export async function weightMaps(
  panels: readonly { title: string; W: WeightMatrix }[],
  options: { limit?: number; scale?: number; columns?: number; title?: string } = {},
): Promise<Figure> {
  const limit = options.limit ?? sharedLimit(panels.map((p) => p.W));
  const scale = options.scale ?? 3, columns = options.columns ?? 5;
  const tile = SIDE * scale, cellW = tile + 8, cellH = tile + 20;
  const top = options.title ? 30 : 0;
  const panelW = columns * cellW, gapX = 24;
  const panelRows = Math.max(...panels.map((p) => Math.ceil(p.W.rows / columns)));
  const panelH = 22 + panelRows * cellH;
  const width = Math.max(panels.length * panelW + (panels.length - 1) * gapX + 12, 360);
  const parts: string[] = [];
  if (options.title) {
    parts.push(
      `<text x="6" y="20" font-size="15" font-weight="bold">${escapeXml(options.title)}</text>`,
    );
  }
  panels.forEach((panel, k) => {
    const x0 = 6 + k * (panelW + gapX), y0 = top;
    parts.push(
      `<text x="${x0}" y="${y0 + 15}" font-size="13" font-weight="bold">${
        escapeXml(panel.title)
      }</text>`,
    );
    for (let i = 0; i < panel.W.rows; i++) {
      const x = x0 + (i % columns) * cellW, y = y0 + 22 + Math.floor(i / columns) * cellH;
      const href = `data:image/png;base64,${base64(mapPng(panel.W, i, limit, scale))}`;
      parts.push(
        `<image x="${x}" y="${y}" width="${tile}" height="${tile}" href="${href}"/>` +
          `<rect x="${x}" y="${y}" width="${tile}" height="${tile}" fill="none" stroke="#ccc"/>` +
          `<text x="${x + tile / 2}" y="${
            y + tile + 14
          }" text-anchor="middle" font-size="12">neuron ${i}</text>`,
      );
    }
  });
  // The colour bar: 101 steps from −limit to +limit, ticks at −limit, 0, +limit.
  const barY = top + panelH + 8, barX = 40, barW = Math.min(300, width - 80), barH = 12;
  const steps = 101;
  for (let s = 0; s < steps; s++) {
    const [r, g, b] = weightColour(-limit + (2 * limit * s) / (steps - 1), limit);
    parts.push(
      `<rect x="${(barX + (s * barW) / steps).toFixed(2)}" y="${barY}" width="${
        (barW / steps + 0.3).toFixed(2)
      }" height="${barH}" fill="rgb(${r},${g},${b})"/>`,
    );
  }
  parts.push(
    `<rect x="${barX}" y="${barY}" width="${barW}" height="${barH}" fill="none" stroke="#666"/>`,
  );
  const fmt = (v: number) => (Math.abs(v) >= 10 ? v.toFixed(0) : v.toFixed(2));
  for (const v of [-limit, 0, limit]) {
    const x = barX + ((v + limit) / (2 * limit || 1)) * barW;
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${barY + barH}" y2="${barY + barH + 4}" stroke="#666"/>` +
        `<text x="${x}" y="${barY + barH + 16}" text-anchor="middle" font-size="12">${
          fmt(v)
        }</text>`,
    );
  }
  parts.push(
    `<text x="${barX + barW + 10}" y="${
      barY + barH - 1
    }" font-size="12">weight (one scale for every map)</text>`,
  );
  const height = barY + barH + 24;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif">` +
    `<rect width="100%" height="100%" fill="white"/>${parts.join("")}</svg>`;
  const what = panels.map((p) => `${p.title} (${p.W.rows} maps)`).join("; ");
  return await figureFromSvg(
    svg,
    `${options.title ?? "weight maps"}: ${what}, one colour scale from ${fmt(-limit)} to ${
      fmt(limit)
    }`,
  );
}
