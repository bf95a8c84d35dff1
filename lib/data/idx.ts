/**
 * The IDX format of the MNIST files, from bytes: a big-endian header (magic 2051 for
 * images, 2049 for labels, then the dimensions) followed by unsigned bytes. Bytes may be
 * gzipped. No file access here, so a browser page can import it (idx.ts reads files).
 */
import { gunzipSync } from "fflate";
import { InputError } from "../errors.ts";
import { INPUTS } from "../maths/network.ts";
import type { Dataset } from "./dataset.ts";

const IMAGES_MAGIC = 2051;
const LABELS_MAGIC = 2049;

/** Gunzips when the bytes start with the gzip signature. */
export function maybeGunzip(bytes: Uint8Array, path: string): Uint8Array {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return gunzipSync(bytes);
    } catch (e) {
      throw new InputError(`${path}: not a valid gzip file (${(e as Error).message})`);
    }
  }
  return bytes;
}

function header(bytes: Uint8Array, path: string, magic: number, words: number): number[] {
  if (bytes.length === 0) throw new InputError(`${path}: empty file`);
  if (bytes.length < 4 * words) {
    throw new InputError(`${path}: truncated IDX header (${bytes.length} bytes)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = view.getUint32(0);
  if (found !== magic) {
    const kind = magic === IMAGES_MAGIC ? "images" : "labels";
    throw new InputError(
      `${path}: not an IDX ${kind} file (magic number ${found}, expected ${magic})`,
    );
  }
  return Array.from({ length: words - 1 }, (_, i) => view.getUint32(4 * (i + 1)));
}

/** Image bytes from an IDX images file (magic 2051, n × 28 × 28). */
export function parseImages(
  bytes: Uint8Array,
  path: string,
): { count: number; images: Uint8Array } {
  const [count, rows, cols] = header(bytes, path, IMAGES_MAGIC, 4);
  if (rows * cols !== INPUTS) {
    throw new InputError(`${path}: images are ${rows}×${cols}, expected 28×28`);
  }
  const expected = 16 + count * INPUTS;
  if (bytes.length < expected) {
    throw new InputError(
      `${path}: truncated: ${bytes.length} bytes, the header promises ${count} images (${expected} bytes)`,
    );
  }
  return { count, images: bytes.subarray(16, expected) };
}

/** Labels from an IDX labels file (magic 2049); each must be a digit 0..9. */
export function parseLabels(bytes: Uint8Array, path: string): Uint8Array {
  const [count] = header(bytes, path, LABELS_MAGIC, 2);
  const expected = 8 + count;
  if (bytes.length < expected) {
    throw new InputError(
      `${path}: truncated: ${bytes.length} bytes, the header promises ${count} labels (${expected} bytes)`,
    );
  }
  const labels = bytes.subarray(8, expected);
  const bad = labels.findIndex((l) => l > 9);
  if (bad >= 0) {
    throw new InputError(`${path}: label ${labels[bad]} at index ${bad} is not a digit 0..9`);
  }
  return labels;
}

/** A dataset from the bytes of an IDX images file and its labels file (either may be gzipped). */
export function parseIdx(
  imageBytes: Uint8Array,
  labelBytes: Uint8Array,
  imagesPath: string,
  labelsPath: string,
): Dataset {
  const { count, images } = parseImages(maybeGunzip(imageBytes, imagesPath), imagesPath);
  const labels = parseLabels(maybeGunzip(labelBytes, labelsPath), labelsPath);
  if (labels.length !== count) {
    throw new InputError(
      `${labelsPath}: ${labels.length} labels for ${count} images in ${imagesPath}`,
    );
  }
  return { images, labels, count, source: imagesPath };
}
