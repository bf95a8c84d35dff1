/**
 * Several starts per learning rate (sweepSeeds' records): the band from the lowest to the
 * highest value the seeds reach at each iteration, how often the bands of two rates overlap,
 * the mean over the seeds, and two rates compared at the same distance travelled, η·t.
 */
import type { SeededSweepRecord, SweepRecord } from "./sweep.ts";

/** One iteration of one rate's band. */
export interface BandPoint {
  iteration: number;
  /** The lowest, highest and mean value over the seeds. */
  low: number;
  high: number;
  mean: number;
}

/** Per learning rate, its band over the seeds at every logged iteration, in iteration order. */
export function seedBands(
  records: readonly SeededSweepRecord[],
  value: "accuracy" | "loss" = "accuracy",
): Map<number, BandPoint[]> {
  const values = new Map<number, Map<number, number[]>>();
  for (const r of records) {
    const own = values.get(r.learningRate) ?? new Map<number, number[]>();
    values.set(r.learningRate, own);
    own.set(r.iteration, [...(own.get(r.iteration) ?? []), r[value]]);
  }
  return new Map(
    [...values].map(([rate, byIteration]) => [
      rate,
      [...byIteration].sort(([a], [b]) => a - b).map(([iteration, vs]) => ({
        iteration,
        low: Math.min(...vs),
        high: Math.max(...vs),
        mean: vs.reduce((s, v) => s + v, 0) / vs.length,
      })),
    ]),
  );
}

/** How often two rates' accuracy bands overlap. */
export interface BandOverlap {
  /** The rate expected ahead, and the other. */
  ahead: number;
  behind: number;
  /** Iterations counted: the logged ones from `from` on that both rates have. */
  of: number;
  /** Of those, how many the best seed of `behind` is above the worst seed of `ahead`. */
  count: number;
  /** count / of. */
  share: number;
}

/**
 * At how many logged iterations (from `from` on, default 1) a run at rate `behind` is ahead
 * of a run at rate `ahead`: the highest accuracy over the seeds at `behind` above the lowest
 * at `ahead`, the bands overlapping. Throws a RangeError when a rate has no records.
 */
export function bandOverlap(
  records: readonly SeededSweepRecord[],
  ahead: number,
  behind: number,
  { from = 1 }: { from?: number } = {},
): BandOverlap {
  const bands = seedBands(records);
  const a = bands.get(ahead), b = bands.get(behind);
  if (!a || !b) throw new RangeError(`bandOverlap: no records for η = ${!a ? ahead : behind}`);
  const highs = new Map(b.map((p) => [p.iteration, p.high]));
  let of = 0, count = 0;
  for (const p of a) {
    const high = highs.get(p.iteration);
    if (p.iteration < from || high === undefined) continue;
    of++;
    if (p.low < high) count++;
  }
  return { ahead, behind, of, count, share: of > 0 ? count / of : 0 };
}

/**
 * The mean over the seeds of each rate at each logged iteration, as sweep records (accuracy
 * and loss averaged), rate by rate in the order first seen, iterations in order; `keep`
 * selects which (rate, iteration) to return.
 */
export function meanOverSeeds(
  records: readonly SeededSweepRecord[],
  keep: (learningRate: number, iteration: number) => boolean = () => true,
): SweepRecord[] {
  const accuracy = seedBands(records, "accuracy"), loss = seedBands(records, "loss");
  return [...accuracy].flatMap(([learningRate, band]) => {
    const losses = loss.get(learningRate)!;
    return band.flatMap((p, k) =>
      keep(learningRate, p.iteration)
        ? [{ learningRate, iteration: p.iteration, accuracy: p.mean, loss: losses[k].mean }]
        : []
    );
  });
}

/** Rate a against rate b at the same distance η·t. */
export interface DistanceGap {
  a: number;
  b: number;
  /** The pairs compared: a at t and b at (a / b)·t, both logged. */
  points: number;
  /** max |accuracy_a − accuracy_b| and the mean of accuracy_a − accuracy_b over them. */
  largest: number;
  mean: number;
}

/**
 * Rate a at iteration t against rate b at iteration (a / b)·t, wherever that is a whole
 * iteration logged for b: the two have then travelled the same η·t. If the path depended
 * only on η·t the gaps would be 0. Throws a RangeError when no pair is found.
 */
export function gapAtSameDistance(
  records: readonly SweepRecord[],
  a: number,
  b: number,
): DistanceGap {
  const ofB = new Map(
    records.filter((r) => r.learningRate === b).map((r) => [r.iteration, r.accuracy]),
  );
  let largest = 0, sum = 0, points = 0;
  for (const r of records) {
    if (r.learningRate !== a) continue;
    const u = r.iteration * a / b, t = Math.round(u);
    if (Math.abs(u - t) > 1e-9 * u) continue;
    const other = ofB.get(t);
    if (other === undefined) continue;
    largest = Math.max(largest, Math.abs(r.accuracy - other));
    sum += r.accuracy - other;
    points++;
  }
  if (points === 0) {
    throw new RangeError(`gapAtSameDistance: no iteration of η = ${a} pairs with η = ${b}`);
  }
  return { a, b, points, largest, mean: sum / points };
}
