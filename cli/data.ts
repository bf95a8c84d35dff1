/**
 * Where a run's data is (`--data`, or the embedded MNIST), found before anything is read,
 * and reading it.
 */
import { type Dataset, take } from "../lib/data/dataset.ts";
import {
  locateMnist,
  type MnistFiles,
  mnistInputs,
  readMnist,
  requireMnist,
  type Split,
} from "../lib/io/mnist.ts";
import { text, type Values } from "./flags.ts";
import { named, type NamedPath } from "./paths.ts";

/** The --data path as given (`-`: stdin), or undefined for the embedded MNIST. */
export function dataPath(values: Values): NamedPath | undefined {
  const given = text(values, "data");
  return given === undefined ? undefined : named("--data", given, "input");
}

/**
 * Where a split is; when `optional`, undefined for a --data folder without it.
 */
export async function locateData(
  split: Split,
  data: NamedPath | undefined,
  optional = false,
): Promise<MnistFiles | undefined> {
  return await (optional ? locateMnist : requireMnist)(split, data?.path);
}

/**
 * Where the test split beside the training data is: embedded, or in the same --data
 * folder; otherwise why there is none (a --data that is not a folder holds one split only:
 * a file, or a pipe that can be read once).
 */
export async function testSplit(
  data: NamedPath | undefined,
): Promise<{ files?: MnistFiles; none?: string }> {
  if (data !== undefined && !(await Deno.stat(data.path)).isDirectory) {
    return { none: `--data ${data.given} is one file, one split: no test set` };
  }
  const files = await locateData("test", data, true);
  return files ? { files } : { none: `--data ${data!.given} holds no test split` };
}

/** Reads located data, keeping the first `limit` samples. */
export async function readData(files: MnistFiles, split: Split, limit?: number): Promise<Dataset> {
  const ds = await readMnist(files, split);
  return limit === undefined ? ds : take(ds, limit);
}

/** The inputs a located data split is read from. */
export function dataInputs(files: MnistFiles | undefined): NamedPath[] {
  return files ? mnistInputs(files).map((p) => named("--data", p, "input")) : [];
}
