/**
 * The sweep's JSONL report (the original hyper-tune.py's format): one
 * {"learning_rate", "iteration", "accuracy", "loss"} object per line.
 */
import { InputError } from "../errors.ts";
import type { SweepRecord } from "../training/sweep.ts";

export function toJsonl(records: readonly SweepRecord[]): string {
  return records.map((r) =>
    JSON.stringify({
      learning_rate: r.learningRate,
      iteration: r.iteration,
      accuracy: r.accuracy,
      loss: r.loss,
    }) + "\n"
  ).join("");
}

const FIELDS = ["learning_rate", "iteration", "accuracy", "loss"] as const;

/** What is wrong with a record's values, as `tune` writes them, or undefined. */
function outOfRange(r: Record<(typeof FIELDS)[number], number>): string | undefined {
  if (!(r.learning_rate > 0)) return `"learning_rate" is ${r.learning_rate}, expected a number > 0`;
  if (!Number.isInteger(r.iteration) || r.iteration < 1) {
    return `"iteration" is ${r.iteration}, expected a whole number ≥ 1`;
  }
  if (!(r.accuracy >= 0 && r.accuracy <= 1)) {
    return `"accuracy" is ${r.accuracy}, expected a fraction from 0 to 1`;
  }
  if (!(r.loss >= 0)) return `"loss" is ${r.loss}, expected a number ≥ 0`;
  return undefined;
}

/**
 * Parses a report, checking each record as `tune` writes it (learning rate > 0, whole
 * iterations ≥ 1, accuracy in [0, 1], loss ≥ 0), naming the file and line of the first problem.
 */
export function parseJsonl(text: string, source: string): SweepRecord[] {
  const records: SweepRecord[] = [];
  // Each learning rate's iterations as tune writes them: increasing. Two reports appended,
  // or a line repeated, would otherwise draw as a zig-zag.
  const lastIteration = new Map<number, { iteration: number; line: number }>();
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "") continue;
    const where = `line ${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new InputError(source, `${where}: not a JSON object`);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new InputError(source, `${where}: not a JSON object`);
    }
    const o = value as Record<string, unknown>;
    for (const f of FIELDS) {
      if (typeof o[f] !== "number" || !Number.isFinite(o[f])) {
        throw new InputError(source, `${where}: "${f}" is missing or not a finite number`);
      }
    }
    const problem = outOfRange(o as Record<(typeof FIELDS)[number], number>);
    if (problem) throw new InputError(source, `${where}: ${problem}`);
    const before = lastIteration.get(o.learning_rate as number);
    if (before && (o.iteration as number) <= before.iteration) {
      throw new InputError(
        source,
        `${where}: learning rate ${o.learning_rate} goes back to iteration ${o.iteration} after iteration ${before.iteration} (line ${before.line}): two reports in one file, or a line repeated?`,
      );
    }
    lastIteration.set(o.learning_rate as number, { iteration: o.iteration as number, line: i + 1 });
    records.push({
      learningRate: o.learning_rate as number,
      iteration: o.iteration as number,
      accuracy: o.accuracy as number,
      loss: o.loss as number,
    });
  }
  if (records.length === 0) throw new InputError(source, "no records (empty report)");
  return records;
}
