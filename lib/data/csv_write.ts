/**
 * MNIST as the original project's CSV (`mnist_train.csv`): one row per digit, its label then
 * its 784 pixel values 0..255, comma-separated, no header, each row ending in a newline.
 * csv.ts reads it back (and so does `deno task evaluate --data`).
 */
import { INPUTS } from "../maths/network.ts";
import type { Dataset } from "./dataset.ts";

/** One digit's row: `label,p0,…,p783` and a newline. */
export function csvRow(label: number, pixels: ArrayLike<number>): string {
  if (!(Number.isInteger(label) && label >= 0 && label <= 9)) {
    throw new RangeError(`label ${label} is not a digit 0..9`);
  }
  if (pixels.length !== INPUTS) {
    throw new RangeError(`a digit has ${INPUTS} pixels, got ${pixels.length}`);
  }
  const fields = new Array<string>(INPUTS + 1);
  fields[0] = String(label);
  for (let i = 0; i < INPUTS; i++) {
    const v = pixels[i];
    if (!(Number.isInteger(v) && v >= 0 && v <= 255)) {
      throw new RangeError(`pixel ${i} is ${v}, expected an integer 0..255`);
    }
    fields[i + 1] = String(v);
  }
  return fields.join(",") + "\n";
}

/** The whole dataset as the original project's CSV text (empty for no digits). */
export function toCsv(ds: Dataset): string {
  if (ds.images.length !== ds.count * INPUTS || ds.labels.length !== ds.count) {
    throw new RangeError(
      `a dataset of ${ds.count} digits holds ${
        ds.count * INPUTS
      } pixels and ${ds.count} labels, got ${ds.images.length} and ${ds.labels.length}`,
    );
  }
  let text = "";
  for (let j = 0; j < ds.count; j++) {
    text += csvRow(ds.labels[j], ds.images.subarray(j * INPUTS, (j + 1) * INPUTS));
  }
  return text;
}
