/**
 * The playground's setting and its place in the URL (`?lr=0.25&hidden=10&batch=full&seed=1`),
 * so that a link reproduces it. Values out of range fall back to the defaults.
 */

export interface Settings {
  learningRate: number;
  hidden: number;
  /** Samples per step; 0 means the full batch (all 60,000), as the original. */
  batchSize: number;
  seed: number;
}

/** The defaults of `deno task train`. */
export const DEFAULTS: Settings = { learningRate: 0.25, hidden: 10, batchSize: 0, seed: 1 };
export const MAX_HIDDEN = 256;
export const LEARNING_RATE_RANGE = [1e-3, 10] as const;

function positiveInt(text: string | null, max: number): number | undefined {
  if (text === null || !/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= max ? n : undefined;
}

/** The setting a query string describes (missing or bad values: the defaults). */
export function settingsFromQuery(query: string): Settings {
  const p = new URLSearchParams(query);
  const lr = Number(p.get("lr"));
  const batch = p.get("batch");
  return {
    learningRate: p.has("lr") && lr > 0 && Number.isFinite(lr) ? lr : DEFAULTS.learningRate,
    hidden: positiveInt(p.get("hidden"), MAX_HIDDEN) ?? DEFAULTS.hidden,
    batchSize: batch === "full" ? 0 : positiveInt(batch, 60000) ?? DEFAULTS.batchSize,
    seed: p.get("seed") !== null && /^\d+$/.test(p.get("seed")!)
      ? Number(p.get("seed")) >>> 0
      : DEFAULTS.seed,
  };
}

/** The query string of a setting (settingsFromQuery reads it back unchanged). */
export function queryFromSettings(s: Settings): string {
  const p = new URLSearchParams({
    lr: String(s.learningRate),
    hidden: String(s.hidden),
    batch: s.batchSize === 0 ? "full" : String(s.batchSize),
    seed: String(s.seed),
  });
  return `?${p}`;
}
