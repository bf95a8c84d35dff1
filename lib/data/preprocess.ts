/**
 * A hand-drawn digit made to look like MNIST's, as LeCun et al. describe theirs: the
 * ink's bounding box is scaled (aspect ratio kept) so its longer side is 20 pixels, with
 * area averaging, hence grey levels at the edges; then the 20×20 result is placed in the
 * 28×28 field so that its centre of mass falls on the field's centre.
 */
import { INPUTS } from "../maths/network.ts";

const SIDE = 28;
const BOX = 20;

/** For each of n output cells over source [start, start + n·s): (index, weight) pairs, weights summing to 1 per full cell. */
function areaWeights(start: number, s: number, n: number, limit: number): [number, number][][] {
  const cells: [number, number][][] = [];
  for (let u = 0; u < n; u++) {
    const lo = start + u * s, hi = lo + s;
    const cell: [number, number][] = [];
    for (let i = Math.floor(lo); i < hi && i < limit; i++) {
      const overlap = Math.min(hi, i + 1) - Math.max(lo, i);
      if (overlap > 0 && i >= 0) cell.push([i, overlap / s]);
    }
    cells.push(cell);
  }
  return cells;
}

/**
 * The 784 pixels (row by row, in [0, 1], 1 = ink) of the digit drawn in `ink`, a
 * width × height grid of ink levels in [0, 1]. No ink gives all zeros.
 */
export function preprocessDigit(
  ink: ArrayLike<number>,
  width: number,
  height: number,
): Float64Array {
  const out = new Float64Array(INPUTS);
  let x0 = width, x1 = -1, y0 = height, y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] > 0) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) return out;
  const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
  // one source length per output pixel; the shorter side gets fewer than 20 pixels
  const s = Math.max(bw, bh) / BOX;
  const w = Math.min(BOX, Math.ceil(bw / s - 1e-9)), h = Math.min(BOX, Math.ceil(bh / s - 1e-9));
  const columns = areaWeights(x0, s, w, width);
  const rows = areaWeights(y0, s, h, height);
  const small = new Float64Array(w * h);
  let mass = 0, mx = 0, my = 0;
  for (let v = 0; v < h; v++) {
    for (let u = 0; u < w; u++) {
      let sum = 0;
      for (const [y, wy] of rows[v]) {
        for (const [x, wx] of columns[u]) sum += wy * wx * ink[y * width + x];
      }
      const level = Math.min(1, sum);
      small[v * w + u] = level;
      mass += level;
      mx += level * (u + 0.5);
      my += level * (v + 0.5);
    }
  }
  // the shift that brings the centre of mass to (14, 14), in whole pixels as MNIST's
  const dx = Math.round(SIDE / 2 - mx / mass), dy = Math.round(SIDE / 2 - my / mass);
  for (let v = 0; v < h; v++) {
    const y = v + dy;
    if (y < 0 || y >= SIDE) continue;
    for (let u = 0; u < w; u++) {
      const x = u + dx;
      if (x >= 0 && x < SIDE) out[y * SIDE + x] = small[v * w + u];
    }
  }
  return out;
}
