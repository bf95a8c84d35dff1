/**
 * The `main` wrapper every task runs in. User errors (bad flags, bad files, divergence) print
 * one `error: …` line, with the flag that named the file (paths.ts describe), and exit 1;
 * anything else is a bug and prints `internal error: …` (the stack with DEBUG=1), exit 2.
 * SIGINT, SIGTERM and SIGHUP, while outputs are being written, remove the temporary files
 * first (lib/io/temporaries.ts), so every output stays as it was; SIGXFSZ (`ulimit -f`) turns
 * into a "File too large" error on the write that passed the limit, instead of a silent end.
 */
import { InputError, printable } from "../lib/errors.ts";
import { removeTemporaries } from "../lib/io/temporaries.ts";
import { DivergenceError } from "../lib/training/train.ts";
import { toStderr } from "./console.ts";
import { describe } from "./paths.ts";

/** A divergence in the CLI's words: what happened, and what to change. */
export function divergence(e: DivergenceError): string {
  if (e.iteration === 1) {
    // The first loss is the initial weights' own, before any step: the rate played no part.
    return `the initial weights already give a loss of ${
      Number.isFinite(e.loss) ? e.loss.toFixed(1) : e.loss
    } (a uniform guess scores 2.30), before any step: no learning rate helps; use fewer hidden units (--hidden)`;
  }
  return `${e.message}; try a smaller --learning-rate`;
}

function fail(line: string, code: number): never {
  removeTemporaries();
  toStderr(`${line}\n`);
  Deno.exit(code);
}

export async function main(run: () => Promise<void>): Promise<void> {
  const fileTooLarge = () => {};
  Deno.addSignalListener("SIGXFSZ", fileTooLarge);
  try {
    await run();
  } catch (e) {
    if (e instanceof InputError) fail(`error: ${describe(e)}`, 1);
    if (e instanceof DivergenceError) fail(`error: ${divergence(e)}`, 1);
    const err = e as Error;
    if (Deno.env.get("DEBUG")) toStderr(`${err?.stack}\n`);
    fail(`internal error: ${printable(err?.message ?? String(e))}`, 2);
  } finally {
    Deno.removeSignalListener("SIGXFSZ", fileTooLarge);
  }
}
