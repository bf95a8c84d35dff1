/**
 * The sparse input encoding: only about 19 % of MNIST's pixels are ink, so each image is
 * kept as the list of its non-zero pixels, (index u16, raw byte u8), one sample after
 * another; sample s owns entries starts[s] .. starts[s + 1] − 1.
 */
import { IMAGE_SIZE } from "../data/dataset.ts";

export interface SparseImages {
  pixels: Uint16Array;
  values: Uint8Array;
  /** count + 1 offsets into pixels/values. */
  starts: Uint32Array;
}

/** How many pixels of the first `count` images are non-zero. */
export function countNonZeros(images: Uint8Array, count: number): number {
  let n = 0;
  for (let i = 0; i < count * IMAGE_SIZE; i++) if (images[i] !== 0) n++;
  return n;
}

/**
 * Encodes `count` images of 784 bytes. `into` may supply the three arrays (sized by
 * countNonZeros and count + 1) so that they can live in an engine's shared memory.
 */
export function encodeSparse(
  images: Uint8Array,
  count: number,
  into?: SparseImages,
): SparseImages {
  const nonZeros = into ? into.pixels.length : countNonZeros(images, count);
  const out = into ?? {
    pixels: new Uint16Array(nonZeros),
    values: new Uint8Array(nonZeros),
    starts: new Uint32Array(count + 1),
  };
  let n = 0;
  for (let s = 0; s < count; s++) {
    out.starts[s] = n;
    const offset = s * IMAGE_SIZE;
    for (let p = 0; p < IMAGE_SIZE; p++) {
      const v = images[offset + p];
      if (v !== 0) {
        out.pixels[n] = p;
        out.values[n] = v;
        n++;
      }
    }
  }
  out.starts[count] = n;
  return out;
}
