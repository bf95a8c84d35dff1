/**
 * Bytes as text: a file's bytes decoded as UTF-8, within the length one string can hold.
 */
import { InputError } from "../errors.ts";

/** The most bytes decoded into one string (V8's longest string is just under 512 MiB). */
export const MAX_TEXT_BYTES = 500 * 2 ** 20;

/** UTF-8 text of a file's bytes; a file too large to hold as text is an error naming it. */
export function decodeText(bytes: Uint8Array, name: string): string {
  if (bytes.length > MAX_TEXT_BYTES) {
    throw new InputError(`${name}: ${tooLarge(bytes.length)}`);
  }
  try {
    return new TextDecoder().decode(bytes);
  } catch (e) {
    throw new InputError(
      `${name}: cannot decode as text: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

/** The message for text beyond MAX_TEXT_BYTES. */
export function tooLarge(bytes: number): string {
  return `${Math.round(bytes / 2 ** 20)} MB of text, more than the ${
    MAX_TEXT_BYTES / 2 ** 20
  } MB that can be read as one text (split it, or convert it to IDX files)`;
}
