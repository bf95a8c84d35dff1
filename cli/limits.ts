/**
 * What a run needs, checked before the work: that the engine holds the network, that the
 * memory it will take is there, and that a sweep's report stays readable.
 */
import { InputError } from "../lib/errors.ts";
import type { EngineName } from "../lib/engines/choose.ts";
import { MAX_HIDDEN } from "../lib/engines/fast/layout.ts";
import { INPUTS, OUTPUTS } from "../lib/maths/network.ts";

/**
 * Checks up front that the engine can hold `hidden` units, naming where the number comes
 * from (`--hidden 100000`, or a model file) and what to do instead.
 */
export function checkHidden(
  hidden: number,
  engine: EngineName,
  source = `--hidden ${hidden}`,
): void {
  if (engine !== "fast" || hidden <= MAX_HIDDEN) return;
  const instead = source.startsWith("--hidden") ? " or fewer hidden units" : "";
  throw new InputError(
    source,
    `the fast engine takes at most ${MAX_HIDDEN} hidden units; use --engine reference (slower)${instead}`,
  );
}

/**
 * Bytes the reference engine takes (float64): X and Y for every sample, and per step the
 * forward and backward values of the batch (Z_h, A_h, the ReLU′ mask, dA_h, dZ_h: five
 * hidden × batch matrices; ten-row ones for the outputs), twice (the garbage of the last
 * step), and the parameters with their gradients and copies.
 */
export function referenceBytes(hidden: number, samples: number, batch = samples): number {
  const perSample = 8 * (INPUTS + OUTPUTS);
  const perStep = 2 * 8 * batch * (5 * hidden + 4 * OUTPUTS);
  return perSample * samples + perStep + 3 * 8 * (INPUTS + 1 + OUTPUTS) * hidden;
}

/** Bytes the reference engine takes to predict `samples` digits at once. */
export function predictionBytes(hidden: number, samples: number): number {
  return 8 * samples * (INPUTS + 2 * hidden + 2 * OUTPUTS);
}

/** Memory the system can give now (MemAvailable), or undefined where it is not known. */
export function availableBytes(): number | undefined {
  try {
    const m = /^MemAvailable:\s+(\d+) kB$/m.exec(Deno.readTextFileSync("/proc/meminfo"));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

function gigabytes(bytes: number): string {
  const g = bytes / 2 ** 30;
  return g >= 10 ? `${Math.round(g)} GB` : `${g.toPrecision(2)} GB`;
}

/**
 * Refuses a run whose memory estimate passes what is available, with both figures; `source`
 * is what made it large (e.g. `--hidden 100000`), `what` says what the memory holds.
 */
export function checkMemory(bytes: number, source: string, what: string, instead: string): void {
  const free = availableBytes();
  if (free === undefined || bytes <= free) return;
  throw new InputError(
    source,
    `needs about ${gigabytes(bytes)} of memory (${what}), more than the ${
      gigabytes(free)
    } available: ${instead}`,
  );
}

/** The most records a sweep logs in all: its report (about 90 bytes a line) stays readable. */
export const MAX_RECORDS = 1_000_000;

/** Refuses a sweep that would log more than MAX_RECORDS records. */
export function checkRecords(rates: number, iterations: number, every: number): void {
  const perRate = Math.floor(iterations / every) + (iterations % every === 0 ? 0 : 1);
  if (perRate * rates <= MAX_RECORDS) return;
  throw new InputError(
    `--iterations ${iterations} --every ${every}`,
    `would log ${perRate} records per learning rate (${
      perRate * rates
    } in all), more than the ${MAX_RECORDS} a report holds: raise --every`,
  );
}
