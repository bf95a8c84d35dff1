/**
 * What the tasks print. The summary goes to stdout, or to stderr when stdout is one of the
 * outputs (`--out -`, `--out /dev/stdout`): nothing else is then written there, so the output
 * arrives whole and in order. A stdout that fails (a full disk, a closed pipe) is an error
 * (`error: stdout: …`); stderr is best effort: progress and notes never stop the work.
 */
import { InputError } from "../lib/errors.ts";
import { reason } from "../lib/io/files.ts";

const encoder = new TextEncoder();
let summaryOnStderr = false;

/** From now on the summary goes to stderr: stdout carries an output. */
export function summaryToStderr(): void {
  summaryOnStderr = true;
}

/** Whether stdout is taken by an output. */
export function stdoutTaken(): boolean {
  return summaryOnStderr;
}

function writeAll(stream: typeof Deno.stdout | typeof Deno.stderr, text: string): void {
  const bytes = encoder.encode(text);
  let offset = 0;
  while (offset < bytes.length) offset += stream.writeSync(bytes.subarray(offset));
}

/** Writes to stdout; a failure is an InputError about stdout. */
export function toStdout(text: string): void {
  try {
    writeAll(Deno.stdout, text);
  } catch (e) {
    throw new InputError("stdout", `${reason(e)}: the summary could not be printed`);
  }
}

/** Writes to stderr, best effort: false when it could not. */
export function toStderr(text: string): boolean {
  try {
    writeAll(Deno.stderr, text);
    return true;
  } catch {
    return false;
  }
}

/** One line of the summary. */
export function say(line = ""): void {
  if (summaryOnStderr) toStderr(`${line}\n`);
  else toStdout(`${line}\n`);
}

/** Prints an object as the one JSON document on stdout. */
export function printJson(value: unknown): void {
  toStdout(`${JSON.stringify(value, null, 2)}\n`);
}

/** A line on stderr that is neither progress nor an error. */
export function note(line: string): void {
  toStderr(`${line}\n`);
}
