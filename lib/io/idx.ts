/**
 * Reading MNIST's IDX files (raw or gzipped); the format itself is parsed in lib/data/idx.ts.
 * A raw file's header is read first: its size must be what the header promises, which is
 * checked before the rest is read (a valid header before a gigabyte of zeros fails at once).
 */
import { beyondLimit, readUpTo, withInput } from "./files.ts";
import type { Dataset } from "../data/dataset.ts";
import { HEADER_BYTES, type IdxKind, idxSize, parseIdx } from "../data/idx.ts";
import { isGzip } from "../data/gzip.ts";
import { DATA_LIMIT, MAX_DATA_BYTES } from "../data/text.ts";
import { InputError } from "../errors.ts";

/** The bytes of an IDX file (still gzipped, if it is), read no further than its header allows. */
export async function readIdx(path: string, kind: IdxKind): Promise<Uint8Array> {
  return await withInput(path, async (file, info) => {
    const head = await readUpTo(file, HEADER_BYTES[kind]);
    const gzipped = isGzip(head);
    const size = gzipped ? MAX_DATA_BYTES : idxSize(head, path, kind);
    if (info.isFile && info.size > size) {
      throw gzipped ? beyondLimit(path, info.size, DATA_LIMIT) : new InputError(
        path,
        `${
          info.size - size
        } bytes after the data its header promises (${size} bytes): not an IDX file as written`,
      );
    }
    const bytes = await readUpTo(file, size + 1, info.isFile ? info.size : undefined, head);
    if (bytes.length > size) {
      throw gzipped
        ? beyondLimit(path, undefined, DATA_LIMIT)
        : new InputError(path, `more bytes than its header promises (${size}): trailing data`);
    }
    return bytes;
  });
}

/** A dataset from an IDX images file and its labels file. */
export async function loadIdx(imagesPath: string, labelsPath: string): Promise<Dataset> {
  const [imageBytes, labelBytes] = await Promise.all([
    readIdx(imagesPath, "images"),
    readIdx(labelsPath, "labels"),
  ]);
  return parseIdx(imageBytes, labelBytes, imagesPath, labelsPath);
}
