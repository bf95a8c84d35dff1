/**
 * Reading MNIST's IDX files (raw or gzipped); the format itself is parsed in lib/data/idx.ts.
 */
import { readInput } from "./files.ts";
import type { Dataset } from "../data/dataset.ts";
import { parseIdx } from "../data/idx.ts";

/** A dataset from an IDX images file and its labels file. */
export async function loadIdx(imagesPath: string, labelsPath: string): Promise<Dataset> {
  const [imageBytes, labelBytes] = await Promise.all([
    readInput(imagesPath),
    readInput(labelsPath),
  ]);
  return parseIdx(imageBytes, labelBytes, imagesPath, labelsPath);
}
