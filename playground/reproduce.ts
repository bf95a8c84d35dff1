/**
 * "Reproduce this": the `deno task train` command and the notebook cell that train what the
 * page shows (same setting, same iterations, same engine: the same loss), or why none can.
 * With the learner's digits mixed into the training set only the cell can: it adds them
 * (my-digits.csv, the page's download) after MNIST's 60,000, as the page's worker does.
 */
import type { Settings } from "./settings.ts";
import type { PageState } from "./state.ts";

/** What a run is made of, beyond its setting. */
export interface Run {
  settings: Settings;
  iterations: number;
  /** The iteration after which η changed without a restart (the run mixes rates). */
  rateChangedAt?: number;
  /** Where a loaded network came from (training started from it, not from the seed). */
  loadedFrom?: string;
  /** How many of the learner's digits follow MNIST's in the training set (0: none). */
  mixed?: number;
}

export type Reproduction =
  | { command: string; cell: string }
  | { reason: string; cell?: string };

/** What `playground.reproduction()` says (the page's run as it stands). */
export interface ReproduceApi {
  reproduction(): Reproduction;
}

/** The page's run as it stands. */
export function pageRun(state: PageState): Run {
  return {
    settings: state.settings,
    iterations: state.status.iteration,
    rateChangedAt: state.rateChangedAt,
    loadedFrom: state.loadedFrom,
    mixed: state.mixedDigits,
  };
}

export function reproduction(run: Run): Reproduction {
  const { settings: s, iterations } = run;
  if (run.loadedFrom !== undefined) {
    return {
      reason:
        `The network started from ${run.loadedFrom}, not from the seed: \`deno task train\` ` +
        "always starts from the seed's initial weights, so no command reproduces this run. " +
        "Change the seed, size or batch to start from the seed.",
    };
  }
  if (run.rateChangedAt !== undefined) {
    return {
      reason: `The learning rate changed during this run (after about ${run.rateChangedAt} ` +
        `iterations): a command trains with one η. Reset to replay the run with η = ` +
        `${s.learningRate} from the start.`,
    };
  }
  if (iterations === 0) return { reason: "Nothing trained yet: play or step first." };
  const mixed = run.mixed ?? 0;
  const batch = s.batchSize ? ` --batch-size ${s.batchSize}` : "";
  const command = `deno task train --iterations ${iterations} --learning-rate ${s.learningRate} ` +
    `--hidden ${s.hidden} --seed ${s.seed}${batch} --out model.json`;
  const cell = [
    `import * as lib from "../lib/mod.ts";`,
    ``,
    `// the playground's run: η = ${s.learningRate}, ${s.hidden} hidden neurons, ${
      s.batchSize ? `batches of ${s.batchSize}` : "full batch"
    }, seed ${s.seed}`,
    ...(mixed
      ? [
        `// my-digits.csv: your ${mixed} digits (the page's download), after MNIST's 60,000`,
        `const mine = await lib.loadMnist("train", "my-digits.csv");`,
        `const data = lib.concat(await lib.loadMnist("train"), mine);`,
      ]
      : [`const data = await lib.loadMnist("train");`]),
    `const network = lib.initNetwork(lib.createRng(${s.seed}), ${s.hidden});`,
    `const engine = await lib.createEngine({ engine: "fast", network, data${
      s.batchSize ? `, batchSize: ${s.batchSize}` : ""
    }, seed: ${s.seed} });`,
    `let last;`,
    `for await (const r of lib.train(engine, { iterations: ${iterations}, learningRate: ${s.learningRate} })) last = r;`,
    `engine.dispose();`,
    `last; // { iteration: ${iterations}, loss, accuracy }: the loss the page shows`,
  ].join("\n");
  if (mixed) {
    return {
      reason: `Your ${mixed} digits are mixed into the training set: \`deno task train\` reads ` +
        "one data set, so no command reproduces this run; the cell below adds them " +
        "(my-digits.csv, downloaded below) to MNIST's and gets the page's loss.",
      cell,
    };
  }
  return { command, cell };
}
