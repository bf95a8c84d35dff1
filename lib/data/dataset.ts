/**
 * A set of labelled 28×28 digits, kept as raw bytes (one image after another) and
 * scaled to [0, 1] only when turned into the matrix X.
 */
import { type Matrix, zeros } from "../maths/matrix.ts";
import { INPUTS } from "../maths/network.ts";

export interface Dataset {
  /** count × 784 pixel bytes, image after image, row by row (0 = background, 255 = ink). */
  images: Uint8Array;
  /** count labels in 0..9. */
  labels: Uint8Array;
  count: number;
  /** Where it was read from, for messages. */
  source: string;
}

/** The first `n` samples (a view, no copy). */
export function take(ds: Dataset, n: number): Dataset {
  const count = Math.min(n, ds.count);
  return {
    images: ds.images.subarray(0, count * INPUTS),
    labels: ds.labels.subarray(0, count),
    count,
    source: ds.source,
  };
}

/** The samples at `indices`, copied. */
export function select(ds: Dataset, indices: ArrayLike<number>): Dataset {
  const images = new Uint8Array(indices.length * INPUTS);
  const labels = new Uint8Array(indices.length);
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j];
    images.set(ds.images.subarray(i * INPUTS, (i + 1) * INPUTS), j * INPUTS);
    labels[j] = ds.labels[i];
  }
  return { images, labels, count: indices.length, source: ds.source };
}

/** The samples of `a` then those of `b`, copied (as one training set). */
export function concat(a: Dataset, b: Dataset, source = `${a.source} + ${b.source}`): Dataset {
  const images = new Uint8Array(a.images.length + b.images.length);
  images.set(a.images);
  images.set(b.images, a.images.length);
  const labels = new Uint8Array(a.count + b.count);
  labels.set(a.labels);
  labels.set(b.labels, a.count);
  return { images, labels, count: a.count + b.count, source };
}

/** The 784 pixel bytes of sample i. */
export function image(ds: Dataset, i: number): Uint8Array {
  return ds.images.subarray(i * INPUTS, (i + 1) * INPUTS);
}

/** X (784, m): one sample per column, pixels scaled to [0, 1]. */
export function toMatrix(ds: Dataset): Matrix {
  const m = ds.count;
  const X = zeros(INPUTS, m);
  for (let j = 0; j < m; j++) {
    const offset = j * INPUTS;
    for (let i = 0; i < INPUTS; i++) X.data[i * m + j] = ds.images[offset + i] / 255;
  }
  return X;
}

/** How many samples carry each label 0..9. */
export function labelCounts(ds: Dataset): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const label of ds.labels) counts[label]++;
  return counts;
}
