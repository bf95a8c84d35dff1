/**
 * MNIST as CSV: the original project's `mnist_train.csv` / `mnist_test.csv` (rows
 * `label,p0,…,p783`, no header), also straight from their zip files, and Kaggle's
 * CSV with a header row `label,pixel0,…,pixel783`. Parsing uses papaparse, zips fflate.
 */
import Papa from "papaparse";
import { unzipSync } from "fflate";
import { InputError } from "../errors.ts";
import { type Dataset, IMAGE_SIZE } from "./dataset.ts";
import { maybeGunzip } from "./idx.ts";

const COLUMNS = IMAGE_SIZE + 1;
const INTEGER = /^\s*\d+\s*$/;

/** A dataset from CSV text; `path` names the file in errors, with 1-based line numbers. */
export function parseCsv(text: string, path: string): Dataset {
  if (text.trim() === "") throw new InputError(`${path}: empty file`);
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true });
  const rows = parsed.data;
  let first = 0;
  // A header row starts with a non-numeric field ("label").
  if (rows.length > 0 && !INTEGER.test(rows[0][0] ?? "")) first = 1;
  const count = rows.length - first;
  if (count === 0) throw new InputError(`${path}: no data rows`);
  const images = new Uint8Array(count * IMAGE_SIZE);
  const labels = new Uint8Array(count);
  // papaparse skips empty lines, so line numbers come from its row positions.
  const lineOf = lineNumbers(text);
  for (let r = first; r < rows.length; r++) {
    const row = rows[r];
    const j = r - first;
    const line = lineOf(r);
    if (row.length !== COLUMNS) {
      throw new InputError(
        `${path}: line ${line}: ${row.length} columns, expected ${COLUMNS} (label and 784 pixels)`,
      );
    }
    const label = row[0];
    if (!INTEGER.test(label) || Number(label) > 9) {
      throw new InputError(`${path}: line ${line}: label "${label}" is not a digit 0..9`);
    }
    labels[j] = Number(label);
    for (let i = 0; i < IMAGE_SIZE; i++) {
      const field = row[i + 1];
      const v = Number(field);
      if (!INTEGER.test(field) || v > 255) {
        throw new InputError(
          `${path}: line ${line}: pixel ${i} is "${field}", expected an integer 0..255`,
        );
      }
      images[j * IMAGE_SIZE + i] = v;
    }
  }
  return { images, labels, count, source: path };
}

/** Maps the r-th non-empty row to its 1-based line number, computed only when an error needs it. */
function lineNumbers(text: string): (row: number) => number {
  let table: number[] | undefined;
  return (row) => {
    if (!table) {
      table = [];
      let line = 1, start = 0;
      for (let i = 0; i <= text.length; i++) {
        if (i === text.length || text[i] === "\n") {
          if (text.slice(start, i).trim() !== "") table.push(line);
          line++;
          start = i + 1;
        }
      }
    }
    return table[row] ?? row + 1;
  };
}

/** A dataset from a .csv file (optionally gzipped) or from the first .csv inside a .zip. */
export function parseCsvFile(bytes: Uint8Array, path: string): Dataset {
  if (bytes.length === 0) throw new InputError(`${path}: empty file`);
  const isZip = bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b;
  if (isZip) {
    let entries: Record<string, Uint8Array>;
    try {
      entries = unzipSync(bytes, { filter: (f) => f.name.toLowerCase().endsWith(".csv") });
    } catch (e) {
      throw new InputError(`${path}: not a valid zip file (${(e as Error).message})`);
    }
    const names = Object.keys(entries).filter((n) => !n.startsWith("__MACOSX/"));
    if (names.length === 0) throw new InputError(`${path}: the zip holds no .csv file`);
    const inner = `${path}:${names[0]}`;
    return parseCsv(new TextDecoder().decode(entries[names[0]]), inner);
  }
  return parseCsv(new TextDecoder().decode(maybeGunzip(bytes, path)), path);
}
