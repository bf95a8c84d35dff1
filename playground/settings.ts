/**
 * The playground's setting and its place in the URL (`?lr=0.25&hidden=10&batch=full&seed=1`),
 * so that a link reproduces it, and the race's runs
 * (`&race=lr:0.5,0.1;seed:1;start:uniform`: see readRace). A value refused or adjusted is
 * said, with what is used instead.
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

/** The initial weights of a race's run: the original's uniform ones, or He's (lib initHe). */
export const STARTS = ["uniform", "he"] as const;
export type Start = (typeof STARTS)[number];

/** One run of a race: what may differ between runs (the size and the batch are the page's). */
export interface RaceRun {
  learningRate: number;
  seed: number;
  start: Start;
}

/** The most runs a race holds. */
export const MAX_RUNS = 4;

/**
 * Why a race cannot be run with `batchSize`, or undefined when it can: its runs are checked
 * one by one (a RangeError-worthy sentence naming the run and the value), and mini-batches
 * take one seed for all the runs (the bank draws one batch order, which `deno task train`
 * draws from its --seed).
 */
export function raceProblem(runs: readonly RaceRun[], batchSize: number): string | undefined {
  const [low, high] = LEARNING_RATE_RANGE;
  if (runs.length > MAX_RUNS) return `${runs.length} runs are more than ${MAX_RUNS}`;
  for (const [i, run] of runs.entries()) {
    const { learningRate: lr, seed, start } = run;
    if (!(lr >= low && lr <= high)) {
      return `run ${i + 1}'s learningRate ${lr} is not a number from ${low} to ${high}`;
    }
    if (!(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32)) {
      return `run ${i + 1}'s seed ${seed} is not an integer in 0..2³²−1`;
    }
    if (!(STARTS as readonly string[]).includes(start)) {
      return `run ${i + 1}'s start ${start} is not ${STARTS.join(" or ")}`;
    }
  }
  if (batchSize !== 0 && new Set(runs.map((r) => r.seed)).size > 1) {
    return "with mini-batches the runs take one seed (it draws the one batch order they share, " +
      "as deno task train's --seed does): choose the full batch, or one seed";
  }
  return undefined;
}

/** The race's part of the address: `lr:…;seed:…;start:…`, one value when every run has it. */
export function raceText(runs: readonly RaceRun[]): string {
  const list = (values: (string | number)[]) =>
    new Set(values).size === 1 ? String(values[0]) : values.join(",");
  return [
    `lr:${list(runs.map((r) => r.learningRate))}`,
    `seed:${list(runs.map((r) => r.seed))}`,
    `start:${list(runs.map((r) => r.start))}`,
  ].join(";");
}

/**
 * The runs of an address's `race=` value: `key:v1,v2,…` parts joined by `;`, the keys lr,
 * seed and start (uniform or he); run k takes each list's k-th value, a list of one value
 * goes to every run, and a key left out takes `base`'s learning rate or seed, and the uniform
 * start. A problem, as a sentence, instead when the text cannot be a race.
 */
export function readRace(
  text: string,
  base: Settings,
): { runs: RaceRun[] } | { problem: string } {
  const lists = new Map<string, string[]>();
  for (const part of text.split(";")) {
    const colon = part.indexOf(":");
    const key = part.slice(0, colon), values = part.slice(colon + 1).split(",");
    if (colon < 0 || !["lr", "seed", "start"].includes(key)) {
      return { problem: `has ${part}, which is not lr:…, seed:… or start:…` };
    }
    if (lists.has(key)) return { problem: `gives ${key} twice` };
    lists.set(key, values);
  }
  const n = Math.max(...[...lists.values()].map((v) => v.length));
  if (n > MAX_RUNS) return { problem: `has ${n} runs, more than ${MAX_RUNS}` };
  for (const [key, values] of lists) {
    if (values.length !== 1 && values.length !== n) {
      return { problem: `gives ${key} ${values.length} values for ${n} runs (one, or one a run)` };
    }
  }
  const value = (key: string, k: number) => {
    const values = lists.get(key);
    return values && (values.length === 1 ? values[0] : values[k]);
  };
  const [low, high] = LEARNING_RATE_RANGE;
  const runs: RaceRun[] = [];
  for (let k = 0; k < n; k++) {
    const lr = value("lr", k), seed = value("seed", k), start = value("start", k);
    const learningRate = lr === undefined ? base.learningRate : Number(lr);
    if (lr !== undefined && !(lr.trim() !== "" && learningRate >= low && learningRate <= high)) {
      return { problem: `has lr ${lr}, not a learning rate from ${low} to ${high}` };
    }
    if (seed !== undefined && !(/^\d+$/.test(seed) && Number(seed) < 2 ** 32)) {
      return { problem: `has seed ${seed}, not a whole number from 0 to 4294967295` };
    }
    if (start !== undefined && !(STARTS as readonly string[]).includes(start)) {
      return { problem: `has start ${start}, not ${STARTS.join(" or ")}` };
    }
    runs.push({
      learningRate,
      seed: seed === undefined ? base.seed : Number(seed),
      start: (start ?? "uniform") as Start,
    });
  }
  const problem = raceProblem(runs, base.batchSize);
  return problem ? { problem: `cannot be raced: ${problem}` } : { runs };
}

/** The setting a query string describes, and a sentence for each value refused or adjusted. */
export function readQuery(
  query: string,
): { settings: Settings; race: RaceRun[]; notices: string[] } {
  const p = new URLSearchParams(query);
  const settings = { ...DEFAULTS };
  const notices: string[] = [];
  const say = (key: string, text: string, problem: string, used: string) =>
    notices.push(`The address's ${key}=${text} ${problem}: ${used} is used instead.`);
  const [low, high] = LEARNING_RATE_RANGE;
  const whole = (text: string) => /^\d+$/.test(text) ? Number(text) : undefined;

  let race: string | undefined;
  for (const [key, text] of p) {
    switch (key) {
      case "race":
        race = text;
        break;
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
  // after the rest: a run without its own learning rate or seed takes the page's
  const read = race === undefined || race === "" ? { runs: [] } : readRace(race, settings);
  if ("problem" in read) {
    notices.push(`The address's race=${race} ${read.problem}. No race is set up.`);
  }
  return { settings, race: "runs" in read ? read.runs : [], notices };
}

/** The setting a query string describes (missing or bad values: the defaults; see readQuery). */
export function settingsFromQuery(query: string): Settings {
  return readQuery(query).settings;
}

/**
 * The query string of a setting and a race (settingsFromQuery and readQuery read them back
 * unchanged); the race's `:`, `,` and `;` are left as they are, plain in a query.
 */
export function queryFromSettings(s: Settings, race: readonly RaceRun[] = []): string {
  const p = new URLSearchParams({
    lr: String(s.learningRate),
    hidden: String(s.hidden),
    batch: s.batchSize === 0 ? "full" : String(s.batchSize),
    seed: String(s.seed),
  });
  return `?${p}` + (race.length ? `&race=${raceText(race)}` : "");
}
