/**
 * Reading one training curve: how often it rises or falls from one logged point to the
 * next (or `stride` points later, to see a period-2 zig-zag for what it is), its largest
 * rise, how much it swings, and its spikes — short episodes in which the loss jumps well
 * above the lowest value reached so far and then comes back.
 */

/** How many times xs[i] > xs[i − stride] (a rise of the curve `stride` points apart). */
export function countRises(xs: ArrayLike<number>, stride = 1): number {
  let count = 0;
  for (let i = stride; i < xs.length; i++) if (xs[i] > xs[i - stride]) count++;
  return count;
}

/** How many times xs[i] < xs[i − stride]. */
export function countDrops(xs: ArrayLike<number>, stride = 1): number {
  let count = 0;
  for (let i = stride; i < xs.length; i++) if (xs[i] < xs[i - stride]) count++;
  return count;
}

/** The mean of |xs[i] − xs[i − 1]|: how much the curve swings per logged point. */
export function meanAbsoluteChange(xs: ArrayLike<number>): number {
  if (xs.length < 2) return 0;
  let sum = 0;
  for (let i = 1; i < xs.length; i++) sum += Math.abs(xs[i] - xs[i - 1]);
  return sum / (xs.length - 1);
}

/** The largest rise from one point to the next, and the index i of the point after it. */
export function largestRise(xs: ArrayLike<number>): { rise: number; index: number } {
  let best = { rise: 0, index: -1 };
  for (let i = 1; i < xs.length; i++) {
    const rise = xs[i] - xs[i - 1];
    if (rise > best.rise) best = { rise, index: i };
  }
  return best;
}

/** One spike of a loss curve (iterations as logged). */
export interface Spike {
  /** The first and last logged iteration above the threshold. */
  start: number;
  end: number;
  /** Where the loss is highest, and that loss. */
  peak: number;
  peakLoss: number;
  /** The lowest loss logged before the spike (the level it jumps from). */
  before: number;
  /** peakLoss / before. */
  ratio: number;
}

/**
 * The spikes of a loss curve: the logged points whose loss is more than `threshold` (as a
 * fraction, default 0.25) above the lowest loss logged before them, grouped into episodes;
 * points above the threshold at most `merge` logged points apart (default 3) belong to one
 * spike, so the zig-zag inside a spike does not split it. A curve that only falls, or
 * zig-zags by less than the threshold, has none.
 */
export function spikes(
  records: readonly { iteration: number; loss: number }[],
  options: { threshold?: number; merge?: number } = {},
): Spike[] {
  const threshold = options.threshold ?? 0.25, merge = options.merge ?? 3;
  const out: Spike[] = [];
  let lowest = Infinity, lastHigh = -Infinity;
  for (let i = 0; i < records.length; i++) {
    const { iteration, loss } = records[i];
    if (loss > (1 + threshold) * lowest) {
      const current = out.at(-1);
      if (current && i - lastHigh <= merge) {
        current.end = iteration;
        if (loss > current.peakLoss) {
          current.peak = iteration;
          current.peakLoss = loss;
          current.ratio = loss / current.before;
        }
      } else {
        out.push({
          start: iteration,
          end: iteration,
          peak: iteration,
          peakLoss: loss,
          before: lowest,
          ratio: loss / lowest,
        });
      }
      lastHigh = i;
    }
    lowest = Math.min(lowest, loss);
  }
  return out;
}

/** The gaps, in iterations, between the starts of consecutive spikes. */
export function spikeIntervals(found: readonly Spike[]): number[] {
  return found.slice(1).map((s, k) => s.start - found[k].start);
}

/** The climb into a peak: the consecutive rises that end there. */
export interface Climb {
  /** The index where the climb starts (the lowest point before the rises) and the peak. */
  from: number;
  peak: number;
  /** The rises xs[i] − xs[i − 1], i = from + 1 … peak, in order. */
  rises: number[];
  /**
   * The mean factor from one rise to the next, (last / first)^(1 / (rises − 1)): about 2
   * when every rise doubles the one before (a growing instability), about 1 for a steady
   * climb; NaN with fewer than two rises.
   */
  growth: number;
}

/** The run of consecutive rises of xs that ends at index `peak` (none when xs[peak] ≤ xs[peak − 1]). */
export function climbTo(xs: ArrayLike<number>, peak: number): Climb {
  let from = peak;
  while (from > 0 && xs[from] > xs[from - 1]) from--;
  const rises: number[] = [];
  for (let i = from + 1; i <= peak; i++) rises.push(xs[i] - xs[i - 1]);
  const growth = rises.length < 2
    ? NaN
    : (rises[rises.length - 1] / rises[0]) ** (1 / (rises.length - 1));
  return { from, peak, rises, growth };
}
