/**
 * Bytes as text, and the limits on what one input may hold: a file's bytes decoded as UTF-8,
 * within the length one string can hold.
 */
import { InputError } from "../errors.ts";

/** The most bytes decoded into one string (V8's longest string is just under 512 MiB). */
export const MAX_TEXT_BYTES = 500 * 2 ** 20;

/**
 * The most bytes one binary input (an IDX file, raw or inflated) may hold: 1 GiB, about
 * 1.37 million 28×28 digits (MNIST's training images take 47 MB). Memory stays bounded
 * whatever a file (or /dev/zero) holds.
 */
export const MAX_DATA_BYTES = 2 ** 30;

/** UTF-8 text of a file's bytes; a file too large to hold as text is an error naming it. */
export function decodeText(bytes: Uint8Array, name: string): string {
  if (bytes.length > MAX_TEXT_BYTES) throw new InputError(name, tooLarge(bytes.length));
  try {
    return new TextDecoder().decode(bytes);
  } catch (e) {
    throw new InputError(
      name,
      `cannot decode as text: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

/** The message for text beyond MAX_TEXT_BYTES. */
export function tooLarge(bytes: number): string {
  return `${megabytes(bytes)} MB of text, more than the ${
    MAX_TEXT_BYTES / 2 ** 20
  } MB that can be read as one text (split it, or convert it to IDX files)`;
}

/** What MAX_TEXT_BYTES allows, for messages of inputs that never end. */
export const TEXT_LIMIT = `the ${MAX_TEXT_BYTES / 2 ** 20} MB that can be read as one text`;

/** What MAX_DATA_BYTES allows. */
export const DATA_LIMIT = `the ${MAX_DATA_BYTES / 2 ** 20} MB one data file may hold`;

export function megabytes(bytes: number): number {
  return Math.round(bytes / 2 ** 20);
}
