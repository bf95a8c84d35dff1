/**
 * The sparse input encoding: only about 19 % of MNIST's pixels are ink, so each image is
 * kept as the list of its non-zero pixels, one sample after another; sample s owns
 * entries starts[s] .. starts[s + 1] − 1. An entry is two 32-bit words, ready for the
 * kernels: the byte offset of the pixel's row of W_hT (pixel × rowBytes) and the raw
 * pixel byte as a float32 (x = byte/255; the 1/255 is applied later, once).
 */
import { IMAGE_SIZE } from "../data/dataset.ts";

export interface SparseImages {
  /** 2 words per non-zero pixel: [pixel × rowBytes (u32), byte value (f32 bits)]. */
  entries: Uint32Array;
  /** count + 1 offsets, in entries, of each sample's first entry. */
  starts: Uint32Array;
}

/** How many pixels of the first `count` images are non-zero. */
export function countNonZeros(images: Uint8Array, count: number): number {
  let n = 0;
  for (let i = 0; i < count * IMAGE_SIZE; i++) if (images[i] !== 0) n++;
  return n;
}

/**
 * Encodes `count` images of 784 bytes for rows of `rowBytes` bytes. `into` may supply the
 * arrays (2 × countNonZeros and count + 1 long) so that they live in the engine's memory.
 */
export function encodeSparse(
  images: Uint8Array,
  count: number,
  rowBytes: number,
  into?: SparseImages,
): SparseImages {
  const out = into ?? {
    entries: new Uint32Array(2 * countNonZeros(images, count)),
    starts: new Uint32Array(count + 1),
  };
  const { entries, starts } = out;
  const values = new Float32Array(entries.buffer, entries.byteOffset, entries.length);
  let n = 0;
  for (let s = 0; s < count; s++) {
    starts[s] = n;
    const offset = s * IMAGE_SIZE;
    for (let p = 0; p < IMAGE_SIZE; p++) {
      const v = images[offset + p];
      if (v !== 0) {
        entries[2 * n] = p * rowBytes;
        values[2 * n + 1] = v;
        n++;
      }
    }
  }
  starts[count] = n;
  return out;
}
