/**
 * The IDX format of the MNIST files, from bytes: a big-endian header (magic 2051 for
 * images, 2049 for labels, then the dimensions) followed by unsigned bytes, exactly as many
 * as the header promises. Bytes may be gzipped (every member read, CRC and length checked,
 * the header checked before the rest is inflated). No file access here, so a browser page
 * can import it (lib/io/idx.ts reads files).
 */
import { InputError } from "../errors.ts";
import { INPUTS } from "../maths/network.ts";
import type { Dataset } from "./dataset.ts";
import { gunzip, isGzip } from "./gzip.ts";
import { DATA_LIMIT, MAX_DATA_BYTES, megabytes } from "./text.ts";

const SIDE = 28;
export type IdxKind = "images" | "labels";
const MAGIC: Record<IdxKind, number> = { images: 2051, labels: 2049 };
/** Header bytes: magic and count, then rows and columns for images. */
export const HEADER_BYTES: Record<IdxKind, number> = { images: 16, labels: 8 };

/**
 * Checks an IDX header (the first HEADER_BYTES bytes, or fewer when the file is shorter)
 * and returns the size in bytes the whole file must have.
 */
export function idxSize(head: Uint8Array, path: string, kind: IdxKind): number {
  if (head.length === 0) throw new InputError(path, "empty file");
  if (head.length < HEADER_BYTES[kind]) {
    throw new InputError(path, `truncated IDX header (${head.length} bytes)`);
  }
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const found = view.getUint32(0);
  if (found !== MAGIC[kind]) {
    throw new InputError(
      path,
      `not an IDX ${kind} file (magic number ${found}, expected ${MAGIC[kind]})`,
    );
  }
  const count = view.getUint32(4);
  if (kind === "images") {
    const rows = view.getUint32(8), cols = view.getUint32(12);
    if (rows !== SIDE || cols !== SIDE) {
      throw new InputError(path, `images are ${rows}×${cols}, expected ${SIDE}×${SIDE}`);
    }
  }
  const size = HEADER_BYTES[kind] + count * (kind === "images" ? INPUTS : 1);
  if (size > MAX_DATA_BYTES) {
    throw new InputError(
      path,
      `the header promises ${count} ${kind} (${megabytes(size)} MB), more than ${DATA_LIMIT}`,
    );
  }
  return size;
}

/** The count the header promises, and the data after it, of a file of exactly that size. */
function body(bytes: Uint8Array, path: string, kind: IdxKind): { count: number; data: Uint8Array } {
  const size = idxSize(bytes.subarray(0, HEADER_BYTES[kind]), path, kind);
  const count = new DataView(bytes.buffer, bytes.byteOffset + 4, 4).getUint32(0);
  if (bytes.length < size) {
    throw new InputError(
      path,
      `truncated: ${bytes.length} bytes, the header promises ${count} ${kind} (${size} bytes)`,
    );
  }
  if (bytes.length > size) {
    throw new InputError(
      path,
      `${
        bytes.length - size
      } bytes after the ${count} ${kind} the header promises (${size} bytes): not an IDX file as written`,
    );
  }
  return { count, data: bytes.subarray(HEADER_BYTES[kind]) };
}

/** The bytes of an IDX file, inflated when gzipped (header checked first, size bounded). */
export function idxBytes(bytes: Uint8Array, path: string, kind: IdxKind): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  return gunzip(bytes, path, {
    limit: MAX_DATA_BYTES,
    limitWhy: DATA_LIMIT,
    head: { bytes: HEADER_BYTES[kind], check: (head) => idxSize(head, path, kind) },
  });
}

/** Image bytes from an IDX images file (magic 2051, n × 28 × 28). */
export function parseImages(
  bytes: Uint8Array,
  path: string,
): { count: number; images: Uint8Array } {
  const { count, data } = body(bytes, path, "images");
  return { count, images: data };
}

/** Labels from an IDX labels file (magic 2049); each must be a digit 0..9. */
export function parseLabels(bytes: Uint8Array, path: string): Uint8Array {
  const { data: labels } = body(bytes, path, "labels");
  const bad = labels.findIndex((l) => l > 9);
  if (bad >= 0) {
    throw new InputError(path, `label ${labels[bad]} at index ${bad} is not a digit 0..9`);
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
  const { count, images } = parseImages(idxBytes(imageBytes, imagesPath, "images"), imagesPath);
  const labels = parseLabels(idxBytes(labelBytes, labelsPath, "labels"), labelsPath);
  if (labels.length !== count) {
    throw new InputError(
      labelsPath,
      `${labels.length} labels for ${count} images in ${imagesPath}`,
    );
  }
  return { images, labels, count, source: imagesPath };
}
