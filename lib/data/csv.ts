/**
 * MNIST as CSV: the original project's `mnist_train.csv` / `mnist_test.csv` (rows
 * `label,p0,…,p783`, no header), also straight from their zip files, and Kaggle's
 * CSV with a header row `label,pixel0,…,pixel783`. Parsing uses papaparse; zips and gzip are
 * read by zip.ts and gzip.ts (checked, bounded).
 *
 * The first row is a header when none of its fields is a number; then the `label`
 * column is found by its name, wherever it stands. Otherwise the first row is data,
 * checked like every other row.
 */
import Papa from "papaparse";
import { InputError } from "../errors.ts";
import { decodeText, MAX_TEXT_BYTES, TEXT_LIMIT, tooLarge } from "./text.ts";
import { INPUTS } from "../maths/network.ts";
import type { Dataset } from "./dataset.ts";
import { gunzip, isGzip } from "./gzip.ts";
import { isZip, unzipEntry, zipEntries } from "./zip.ts";

const COLUMNS = INPUTS + 1;
/** The fewest characters a data row takes: 785 one-digit fields, their commas, a newline. */
const SHORTEST_ROW = 2 * COLUMNS;
/** Characters of text given to papaparse at a time. */
const CHUNK = 1 << 20;
const INTEGER = /^\s*\d+\s*$/;
const NUMBER = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i;

/** A field for a message: quoted, and cut when long. */
function shown(field: string): string {
  return JSON.stringify(field.length > 20 ? `${field.slice(0, 20)}…` : field);
}

/**
 * A dataset from CSV text; `path` names the file in errors, with the file's own line numbers.
 * Rows are taken one at a time (papaparse's `step`), so that the rows of a large file are
 * never all held as strings at once, and room for samples grows as rows prove valid (a file
 * of 40 million one-character lines fails at its first line, allocating nothing).
 */
export function parseCsv(text: string, path: string): Dataset {
  if (text.trim() === "") throw new InputError(path, "empty file");
  // No more rows than the text has room for, however the room grows.
  const most = Math.floor(text.length / SHORTEST_ROW) + 1;
  let images = new Uint8Array(0);
  let labels = new Uint8Array(0);
  const grow = () => {
    const rows = Math.min(most, Math.max(64, labels.length * 2));
    const moreImages = new Uint8Array(rows * INPUTS), moreLabels = new Uint8Array(rows);
    moreImages.set(images);
    moreLabels.set(labels);
    images = moreImages;
    labels = moreLabels;
  };
  let line = 0, count = 0;
  let label = -1; // the label's column, known after the first non-blank row
  const fail = (problem: string): never => {
    throw new InputError(path, `line ${line}: ${problem}`);
  };
  // Empty lines are kept (not skipped by papaparse) so that the r-th row is line r.
  const step = ({ data: row }: { data: string[] }) => {
    line++;
    if (row.length === 1 && row[0].trim() === "") return;
    if (label < 0) {
      label = 0;
      if (row.every((f) => !NUMBER.test(f))) {
        label = row.findIndex((f) => f.trim().toLowerCase() === "label");
        const names = row.slice(0, 3).map((f) => f.trim()).join(",");
        if (label < 0) {
          fail(
            `the header (${names},…) has no "label" column: unlabelled digits cannot be trained or evaluated`,
          );
        }
        if (row.length !== COLUMNS) {
          fail(
            `the header has ${row.length} columns, expected ${COLUMNS} (label and 784 pixels)`,
          );
        }
        return;
      }
    }
    if (row.length !== COLUMNS) {
      fail(`${row.length} columns, expected ${COLUMNS} (label and 784 pixels)`);
    }
    const digit = row[label];
    if (!INTEGER.test(digit) || Number(digit) > 9) {
      fail(`label ${shown(digit)} is not a digit 0..9`);
    }
    if (count === labels.length) grow();
    labels[count] = Number(digit);
    const offset = count * INPUTS;
    for (let c = 0, i = 0; c < COLUMNS; c++) {
      if (c === label) continue;
      const field = row[c];
      const v = Number(field);
      if (!INTEGER.test(field) || v > 255) {
        fail(`pixel ${i} is ${shown(field)}, expected an integer 0..255`);
      }
      images[offset + i++] = v;
    }
    count++;
  };
  // Papaparse splits what it is given into lines first: given the text a megabyte at a
  // time (cut at line ends), a file of 40 million short lines fails at its first line.
  for (let start = 0; start < text.length;) {
    const cut = text.indexOf("\n", start + CHUNK);
    const end = cut < 0 ? text.length : cut;
    Papa.parse<string[]>(text.slice(start, end), { skipEmptyLines: false, step });
    start = end + 1;
  }
  if (count === 0) throw new InputError(path, "no data rows");
  return {
    images: images.subarray(0, count * INPUTS),
    labels: labels.subarray(0, count),
    count,
    source: path,
  };
}

/** The CSV of a zip for `split`: the only one, or the one named for the split. */
function chooseEntry(names: string[], path: string, split?: string): string {
  if (names.length === 0) throw new InputError(path, "the zip holds no .csv file");
  if (names.length === 1) return names[0];
  const base = (n: string) => n.split("/").at(-1)!.toLowerCase();
  const listed = `the zip holds ${names.length} CSV files (${names.join(", ")})`;
  if (split === undefined) {
    throw new InputError(
      path,
      `${listed}: keep one, or name them mnist_train.csv and mnist_test.csv`,
    );
  }
  const named = names.filter((n) => [`mnist_${split}.csv`, `${split}.csv`].includes(base(n)));
  if (named.length === 1) return named[0];
  if (named.length > 1) {
    throw new InputError(
      path,
      `${listed}, and ${named.length} of them are named for the ${split} split (${
        named.join(", ")
      }): keep one`,
    );
  }
  throw new InputError(
    path,
    `${listed} and none is named mnist_${split}.csv or ${split}.csv: keep one, or name them mnist_train.csv and mnist_test.csv`,
  );
}

/**
 * A dataset from a .csv file (optionally gzipped) or from a .zip: its only .csv, or the one
 * named for `split` (mnist_train.csv / mnist_test.csv) when it holds several. Damaged
 * gzip or zip data (a CRC, a length, a declared size that does not match) is refused.
 */
export function parseCsvFile(bytes: Uint8Array, path: string, split?: string): Dataset {
  if (bytes.length === 0) throw new InputError(path, "empty file");
  if (isZip(bytes)) {
    const entries = zipEntries(bytes, path).filter((e) =>
      e.name.toLowerCase().endsWith(".csv") && !e.name.startsWith("__MACOSX/")
    );
    const name = chooseEntry(entries.map((e) => e.name), path, split);
    const entry = entries.find((e) => e.name === name)!;
    const inner = `${path}:${name}`;
    if (entry.size > MAX_TEXT_BYTES) throw new InputError(inner, tooLarge(entry.size));
    return parseCsv(decodeText(unzipEntry(bytes, entry, inner), inner), inner);
  }
  const text = isGzip(bytes)
    ? gunzip(bytes, path, { limit: MAX_TEXT_BYTES, limitWhy: TEXT_LIMIT })
    : bytes;
  return parseCsv(decodeText(text, path), path);
}
