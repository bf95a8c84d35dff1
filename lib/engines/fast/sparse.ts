/**
 * The sparse input encoding: only about 19 % of MNIST's pixels are ink, so each image is
 * kept as the list of its non-zero pixels, one sample after another; sample s owns
 * entries starts[s] .. starts[s + 1] − 1. An entry is one 32-bit word, ready for the
 * kernels: offset << 8 | byte, the byte offset of the pixel's row of W_hT (pixel × rowBytes,
 * below 2^24) and the raw pixel byte (x = byte/255; the kernels convert the byte to float32,
 * exactly, and apply the 1/255 later, once). 4 bytes instead of 8 halve the memory read.
 */
import { INPUTS } from "../../maths/network.ts";

export interface SparseImages {
  /** 1 word per non-zero pixel: pixel × rowBytes << 8 | byte. */
  entries: Uint32Array;
  /** count + 1 offsets, in entries, of each sample's first entry. */
  starts: Uint32Array;
}

/** The images as 32-bit words when they are aligned for it: 4 pixels tested at once. */
function words(images: Uint8Array, count: number): Uint32Array | undefined {
  return images.byteOffset % 4 === 0
    ? new Uint32Array(images.buffer, images.byteOffset, (count * INPUTS) >> 2)
    : undefined;
}

/** How many pixels of the first `count` images are non-zero. */
export function countNonZeros(images: Uint8Array, count: number): number {
  let n = 0;
  const w = words(images, count);
  if (!w) {
    for (let i = 0; i < count * INPUTS; i++) if (images[i] !== 0) n++;
    return n;
  }
  // 784 = 4 × 196: every image is a whole number of words
  for (let i = 0; i < w.length; i++) {
    const v = w[i];
    if (v !== 0) {
      n += +((v & 0xff) !== 0) + +((v & 0xff00) !== 0) + +((v & 0xff0000) !== 0) +
        +(v >>> 24 !== 0);
    }
  }
  return n;
}

/**
 * Encodes `count` images of 784 bytes for rows of `rowBytes` bytes. `into` may supply the
 * arrays (countNonZeros and count + 1 long) so that they live in the engine's memory;
 * `pixels`, if given (countNonZeros long), receives each entry's pixel index.
 */
export function encodeSparse(
  images: Uint8Array,
  count: number,
  rowBytes: number,
  into?: SparseImages,
  pixels?: Uint16Array,
): SparseImages {
  if (INPUTS * rowBytes > 1 << 24) {
    throw new RangeError(`rows of ${rowBytes} bytes are too long for 24-bit entry offsets`);
  }
  const out = into ?? {
    entries: new Uint32Array(countNonZeros(images, count)),
    starts: new Uint32Array(count + 1),
  };
  const { entries, starts } = out;
  const w = words(images, count);
  let n = 0;
  for (let s = 0; s < count; s++) {
    starts[s] = n;
    const offset = s * INPUTS;
    for (let p = 0; p < INPUTS; p += 4) {
      // skip 4 zero pixels at once when the bytes can be read as words
      if (w && w[(offset + p) >> 2] === 0) continue;
      for (let q = p; q < p + 4; q++) {
        const v = images[offset + q];
        if (v !== 0) {
          entries[n] = (q * rowBytes) << 8 | v;
          if (pixels) pixels[n] = q;
          n++;
        }
      }
    }
  }
  starts[count] = n;
  return out;
}

/**
 * The same entries, column by column within blocks of samples: for block k (samples
 * blockStarts[k] .. blockStarts[k + 1] − 1) and pixel p, the samples where p is non-zero,
 * in sample order, as offset << 8 | byte (offset: of the sample's row in the block, < 2^24).
 * Block k's column p is columns[columnStarts[784k + p] .. columnStarts[784k + p + 1]).
 * `pixels` holds each row entry's pixel index (encodeSparse).
 */
export function encodeColumns(
  rows: SparseImages,
  pixels: Uint16Array,
  rowBytes: number,
  blockStarts: number[],
  columns: Uint32Array,
  columnStarts: Uint32Array,
): void {
  const { entries, starts } = rows;
  const next = new Uint32Array(INPUTS);
  let n = 0;
  for (let k = 0; k + 1 < blockStarts.length; k++) {
    const b0 = blockStarts[k], b1 = blockStarts[k + 1];
    next.fill(0);
    for (let i = starts[b0]; i < starts[b1]; i++) next[pixels[i]]++;
    for (let p = 0; p < INPUTS; p++) {
      const c = next[p];
      columnStarts[k * INPUTS + p] = next[p] = n;
      n += c;
    }
    for (let s = b0; s < b1; s++) {
      const offset = (s - b0) * rowBytes;
      for (let i = starts[s]; i < starts[s + 1]; i++) {
        const q = next[pixels[i]]++;
        columns[q] = offset << 8 | (entries[i] & 0xff);
      }
    }
  }
  columnStarts[(blockStarts.length - 1) * INPUTS] = n;
}
