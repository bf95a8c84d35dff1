/**
 * The playground's setting and its place in the URL (`?lr=0.25&hidden=10&batch=full&seed=1`),
 * so that a link reproduces it. A value refused or adjusted is said, with what is used instead.
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
/** The MNIST training set's size: a batch this large is the full batch. */
export const TRAINING_DIGITS = 60000;

/** The setting a query string describes, and a sentence for each value refused or adjusted. */
export function readQuery(query: string): { settings: Settings; notices: string[] } {
  const p = new URLSearchParams(query);
  const settings = { ...DEFAULTS };
  const notices: string[] = [];
  const say = (key: string, text: string, problem: string, used: string) =>
    notices.push(`The address's ${key}=${text} ${problem}: ${used} is used instead.`);
  const [low, high] = LEARNING_RATE_RANGE;
  const whole = (text: string) => /^\d+$/.test(text) ? Number(text) : undefined;

  for (const [key, text] of p) {
    switch (key) {
      case "lr": {
        const lr = Number(text);
        if (!(text.trim() !== "" && lr > 0 && Number.isFinite(lr))) {
          say(key, text, "is not a positive learning rate", `η = ${DEFAULTS.learningRate}`);
        } else if (lr < low || lr > high) {
          settings.learningRate = lr < low ? low : high;
          say(
            key,
            text,
            `is outside the slider's range ${low}–${high}`,
            `η = ${settings.learningRate}`,
          );
        } else settings.learningRate = lr;
        break;
      }
      case "hidden": {
        const n = whole(text);
        if (n !== undefined && n > MAX_HIDDEN) {
          settings.hidden = MAX_HIDDEN;
          say(
            key,
            text,
            `is more hidden neurons than the page trains (${MAX_HIDDEN})`,
            `${MAX_HIDDEN}`,
          );
        } else if (n === undefined || n < 1) {
          say(
            key,
            text,
            `is not a whole number of hidden neurons from 1 to ${MAX_HIDDEN}`,
            `${DEFAULTS.hidden}`,
          );
        } else settings.hidden = n;
        break;
      }
      case "batch": {
        const n = whole(text);
        if (text === "full") settings.batchSize = 0;
        else if (n !== undefined && n >= TRAINING_DIGITS) {
          say(
            key,
            text,
            `is not smaller than the ${TRAINING_DIGITS.toLocaleString("en")} training digits`,
            "the full batch",
          );
        } else if (n === undefined || n < 1) {
          say(
            key,
            text,
            `is neither a whole number of digits per step nor "full"`,
            "the full batch",
          );
        } else settings.batchSize = n;
        break;
      }
      case "seed": {
        const n = whole(text);
        if (n === undefined || n >= 2 ** 32) {
          say(
            key,
            text,
            "is not a whole number from 0 to 4294967295 (2³² − 1)",
            `seed ${DEFAULTS.seed}`,
          );
        } else settings.seed = n;
        break;
      }
      default:
        notices.push(`The address's ${key}=${text} is not a setting of this page: it is ignored.`);
    }
  }
  return { settings, notices };
}

/** The setting a query string describes (missing or bad values: the defaults; see readQuery). */
export function settingsFromQuery(query: string): Settings {
  return readQuery(query).settings;
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
