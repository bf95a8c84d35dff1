/**
 * MNIST as CSV: the original project's `mnist_train.csv` / `mnist_test.csv` (rows
 * `label,p0,…,p783`, no header), also straight from their zip files, and Kaggle's
 * CSV with a header row `label,pixel0,…,pixel783`. Parsing uses papaparse, zips fflate.
 *
 * The first row is a header when none of its fields is a number; then the `label`
 * column is found by its name, wherever it stands. Otherwise the first row is data,
 * checked like every other row.
 */
import Papa from "papaparse";
import { unzipSync } from "fflate";
import { InputError } from "../errors.ts";
import { decodeText, MAX_TEXT_BYTES, tooLarge } from "./text.ts";
import { INPUTS } from "../maths/network.ts";
import type { Dataset } from "./dataset.ts";
import { maybeGunzip } from "./idx.ts";

const COLUMNS = INPUTS + 1;
const INTEGER = /^\s*\d+\s*$/;
const NUMBER = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i;

/** A field for a message: quoted, and cut when long. */
function shown(field: string): string {
  return JSON.stringify(field.length > 20 ? `${field.slice(0, 20)}…` : field);
}

/**
 * A dataset from CSV text; `path` names the file in errors, with the file's own line numbers.
 * Rows are taken one at a time (papaparse's `step`), so that the rows of a large file are
 * never all held as strings at once.
 */
export function parseCsv(text: string, path: string): Dataset {
  if (text.trim() === "") throw new InputError(`${path}: empty file`);
  // Every line could be a sample: size the arrays for that and keep the rows that are.
  let lines = 1;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lines++;
  const images = new Uint8Array(lines * INPUTS);
  const labels = new Uint8Array(lines);
  let line = 0, count = 0;
  let label = -1; // the label's column, known after the first non-blank row
  const fail = (problem: string): never => {
    throw new InputError(`${path}: line ${line}: ${problem}`);
  };
  // Empty lines are kept (not skipped by papaparse) so that the r-th row is line r.
  Papa.parse<string[]>(text, {
    skipEmptyLines: false,
    step: ({ data: row }: { data: string[] }) => {
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
    },
  });
  if (count === 0) throw new InputError(`${path}: no data rows`);
  return {
    images: images.subarray(0, count * INPUTS),
    labels: labels.subarray(0, count),
    count,
    source: path,
  };
}

/** The .csv files of a zip and their declared sizes, without inflating any of them. */
function csvEntries(bytes: Uint8Array, path: string): Map<string, number> {
  const sizes = new Map<string, number>();
  try {
    unzipSync(bytes, {
      filter: (f) => {
        const name = f.name;
        if (name.toLowerCase().endsWith(".csv") && !name.startsWith("__MACOSX/")) {
          sizes.set(name, f.originalSize);
        }
        return false;
      },
    });
  } catch (e) {
    throw new InputError(`${path}: not a valid zip file (${(e as Error).message})`);
  }
  return sizes;
}

/** The CSV of a zip for `split`: the only one, or the one named for the split. */
function chooseEntry(names: string[], path: string, split?: string): string {
  if (names.length === 0) throw new InputError(`${path}: the zip holds no .csv file`);
  if (names.length === 1) return names[0];
  const base = (n: string) => n.split("/").at(-1)!.toLowerCase();
  const named = split === undefined
    ? []
    : names.filter((n) => [`mnist_${split}.csv`, `${split}.csv`].includes(base(n)));
  if (named.length === 1) return named[0];
  throw new InputError(
    `${path}: the zip holds ${names.length} CSV files (${names.join(", ")}) and none is named ${
      split === undefined ? "for a split" : `mnist_${split}.csv`
    }: keep one, or name them mnist_train.csv and mnist_test.csv`,
  );
}

/**
 * A dataset from a .csv file (optionally gzipped) or from a .zip: its only .csv, or the one
 * named for `split` (mnist_train.csv / mnist_test.csv) when it holds several.
 */
export function parseCsvFile(bytes: Uint8Array, path: string, split?: string): Dataset {
  if (bytes.length === 0) throw new InputError(`${path}: empty file`);
  const isZip = bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b;
  if (isZip) {
    const sizes = csvEntries(bytes, path);
    const name = chooseEntry([...sizes.keys()], path, split);
    const inner = `${path}:${name}`;
    if (sizes.get(name)! > MAX_TEXT_BYTES) {
      throw new InputError(`${inner}: ${tooLarge(sizes.get(name)!)}`);
    }
    let entry: Uint8Array;
    try {
      entry = unzipSync(bytes, { filter: (f) => f.name === name })[name];
    } catch (e) {
      throw new InputError(`${inner}: cannot unzip (${(e as Error).message})`);
    }
    return parseCsv(decodeText(entry, inner), inner);
  }
  return parseCsv(decodeText(maybeGunzip(bytes, path), path), path);
}
