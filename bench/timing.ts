/**
 * Timing the contenders: medians of wall-clock spans, and how many cores the engine had
 * during them (its CPU time over its wall time).
 */
import process from "node:process";

/** Summary of a set of times, ms. */
export interface Stats {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function stats(ms: readonly number[]): Stats {
  if (ms.length === 0) throw new RangeError("stats of no times");
  const s = [...ms].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], n: s.length };
}

/** A full GC when the task exposes it (--v8-flags=--expose-gc), so one contender's garbage is not collected on another's time. */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** CPU time of this process (all its threads: the engine's worker too), ms. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Wall and CPU time summed over timed spans: CPU / wall is how many cores the engine had on
 * average (2 when both threads ran side by side; 1 when the machine left it one core).
 */
export class Cores {
  wall = 0;
  cpu = 0;
  /** Runs f, adds its times; returns its wall time, ms. */
  async time(f: () => unknown): Promise<number> {
    const w = performance.now(), c = cpuMs();
    await f();
    const wall = performance.now() - w;
    this.wall += wall;
    this.cpu += cpuMs() - c;
    return wall;
  }
  get average(): number {
    return this.wall > 0 ? this.cpu / this.wall : 0;
  }
}

/** Wall time of f, ms. */
export async function time(f: () => unknown): Promise<number> {
  const t = performance.now();
  await f();
  return performance.now() - t;
}
