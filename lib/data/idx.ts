/**
 * Reading MNIST's IDX files (raw or gzipped); the format itself is parsed in idx_parse.ts.
 */
import { readInput } from "../io/files.ts";
import type { Dataset } from "./dataset.ts";
import { parseIdx } from "./idx_parse.ts";

export { maybeGunzip, parseIdx, parseImages, parseLabels } from "./idx_parse.ts";

/** A dataset from an IDX images file and its labels file. */
export async function loadIdx(imagesPath: string, labelsPath: string): Promise<Dataset> {
  const [imageBytes, labelBytes] = await Promise.all([
    readInput(imagesPath),
    readInput(labelsPath),
  ]);
  return parseIdx(imageBytes, labelBytes, imagesPath, labelsPath);
}
