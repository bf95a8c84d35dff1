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
import { decodeText, MAX_TEXT_BYTES, tooLarge } from "../io/files.ts";
import { type Dataset, IMAGE_SIZE } from "./dataset.ts";
import { maybeGunzip } from "./idx.ts";

const COLUMNS = IMAGE_SIZE + 1;
const INTEGER = /^\s*\d+\s*$/;
const NUMBER = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i;

/** A field for a message: quoted, and cut when long. */
function shown(field: string): string {
  return JSON.stringify(field.length > 20 ? `${field.slice(0, 20)}…` : field);
}

/** A dataset from CSV text; `path` names the file in errors, with the file's own line numbers. */
export function parseCsv(text: string, path: string): Dataset {
  if (text.trim() === "") throw new InputError(`${path}: empty file`);
  // Empty lines are kept so that row r is line r + 1; blank lines are skipped below.
  const rows: string[][] = Papa.parse<string[]>(text, { skipEmptyLines: false }).data;
  const blank = (row: string[]) => row.length === 1 && row[0].trim() === "";
  let first = rows.findIndex((row: string[]) => !blank(row));
  let label = 0;
  const head = rows[first];
  if (head.every((f) => !NUMBER.test(f))) {
    label = head.findIndex((f) => f.trim().toLowerCase() === "label");
    if (label < 0) {
      const names = head.slice(0, 3).map((f) => f.trim()).join(",");
      throw new InputError(
        `${path}: line ${
          first + 1
        }: the header (${names},…) has no "label" column: unlabelled digits cannot be trained or evaluated`,
      );
    }
    if (head.length !== COLUMNS) {
      throw new InputError(
        `${path}: line ${
          first + 1
        }: the header has ${head.length} columns, expected ${COLUMNS} (label and 784 pixels)`,
      );
    }
    first++;
  }
  let count = 0;
  for (let r = first; r < rows.length; r++) if (!blank(rows[r])) count++;
  if (count === 0) throw new InputError(`${path}: no data rows`);
  const images = new Uint8Array(count * IMAGE_SIZE);
  const labels = new Uint8Array(count);
  let j = 0;
  for (let r = first; r < rows.length; r++) {
    const row = rows[r];
    if (blank(row)) continue;
    const line = r + 1;
    if (row.length !== COLUMNS) {
      throw new InputError(
        `${path}: line ${line}: ${row.length} columns, expected ${COLUMNS} (label and 784 pixels)`,
      );
    }
    const digit = row[label];
    if (!INTEGER.test(digit) || Number(digit) > 9) {
      throw new InputError(`${path}: line ${line}: label ${shown(digit)} is not a digit 0..9`);
    }
    labels[j] = Number(digit);
    const offset = j * IMAGE_SIZE;
    for (let c = 0, i = 0; c < COLUMNS; c++) {
      if (c === label) continue;
      const field = row[c];
      const v = Number(field);
      if (!INTEGER.test(field) || v > 255) {
        throw new InputError(
          `${path}: line ${line}: pixel ${i} is ${shown(field)}, expected an integer 0..255`,
        );
      }
      images[offset + i++] = v;
    }
    j++;
  }
  return { images, labels, count, source: path };
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
