/**
 * Where the learner's own digits are kept: this browser's localStorage, as the original
 * project's CSV text (lib/data/csv_write.ts), read back by lib's CSV parser, so that a stored
 * list is checked like any file. Damaged text is set aside under its own key, never overwritten.
 */
import { parseCsv } from "../lib/data/csv.ts";
import { toCsv } from "../lib/data/csv_write.ts";
import type { Dataset } from "../lib/data/dataset.ts";

export const STORE_KEY = "mnist-playground/my-digits.csv";
const DAMAGED_KEY = `${STORE_KEY}.damaged`;

/** The digits kept, and a problem to tell the learner (storage refused, damaged text). */
export function loadDigits(): { digits: Dataset; problem?: string } {
  const empty: Dataset = {
    images: new Uint8Array(0),
    labels: new Uint8Array(0),
    count: 0,
    source: "my digits",
  };
  let text: string | null;
  try {
    text = localStorage.getItem(STORE_KEY);
  } catch (e) {
    return { digits: empty, problem: `your digits cannot be kept in this browser: ${message(e)}` };
  }
  if (text === null || text === "") return { digits: empty };
  try {
    return { digits: { ...parseCsv(text, "my digits"), source: "my digits" } };
  } catch (e) {
    try {
      localStorage.setItem(DAMAGED_KEY, text);
      localStorage.removeItem(STORE_KEY);
    } catch { /* left where it is: nothing is overwritten */ }
    return {
      digits: empty,
      problem: `the digits kept in this browser are damaged (${
        message(e)
      }): set aside as localStorage["${DAMAGED_KEY}"], starting a new list`,
    };
  }
}

/** Keeps `digits`; throws (the browser's quota, storage refused) with a sentence that says so. */
export function saveDigits(digits: Dataset): void {
  try {
    if (digits.count === 0) localStorage.removeItem(STORE_KEY);
    else localStorage.setItem(STORE_KEY, toCsv(digits));
  } catch (e) {
    throw new Error(`your digits could not be kept in this browser: ${message(e)}`);
  }
}

const message = (e: unknown) => e instanceof Error ? e.message : String(e);
