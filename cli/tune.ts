/**
 * `deno task tune`: the original hyper-tune.py — train once per learning rate from the
 * same initial weights, log accuracy and loss every K iterations as JSONL, and draw
 * accuracy vs iteration with one line per learning rate.
 */
import { learningCurves } from "../lib/pictures/charts.ts";
import { InputError } from "../lib/errors.ts";
import { initNetwork } from "../lib/maths/init.ts";
import { createRng } from "../lib/maths/random.ts";
import { sweep, type SweepListener } from "../lib/training/sweep.ts";
import { toJsonl } from "../lib/io/report.ts";
import { note, printJson, say } from "./console.ts";
import { dataInputs, dataPath, locateData, readData } from "./data.ts";
import {
  type Command,
  ENGINE_FLAG,
  engineName,
  OUTPUT_NOTES,
  parseFlags,
  positiveInt,
  positiveNumber,
  seed,
  text,
  TRAINING_FLAGS,
} from "./flags.ts";
import { checkHidden, checkMemory, checkRecords, MAX_RECORDS, referenceBytes } from "./limits.ts";
import { divergence, main } from "./main.ts";
import { checkOutputs, picturePaths, plotFiles, save } from "./outputs.ts";
import { named } from "./paths.ts";
import { progress } from "./progress.ts";

export const command: Command = {
  name: "tune",
  summary:
    "The hyper-parameter sweep: trains from the same seeded initial weights once per learning rate, writes a JSONL report (one {learning_rate, iteration, accuracy, loss} per line) and plots training accuracy vs iteration, one line per learning rate (SVG, plus a PNG beside it). A learning rate that diverges is reported and the sweep goes on.",
  flags: {
    "learning-rates": {
      type: "string",
      arg: "LIST",
      help: "comma-separated learning rates",
      default: "0.5,0.25,0.1,0.05",
    },
    iterations: { type: "string", arg: "N", help: "iterations per learning rate", default: "1000" },
    every: {
      type: "string",
      arg: "K",
      help: "log every K-th iteration (and the last)",
      default: "10",
    },
    ...TRAINING_FLAGS,
    report: {
      type: "string",
      arg: "FILE",
      help: "the JSONL report; - for stdout",
      default: "resources/hyper-tune.jsonl",
    },
    plot: {
      type: "string",
      arg: "FILE",
      help: "the plot (SVG; a PNG is written beside it)",
      default: "resources/accuracy-vs-learning-rate.svg",
    },
    ...ENGINE_FLAG,
    json: { type: "boolean", help: "print one JSON object instead of the summary" },
  },
  notes: [
    `Checked before training: the flags, the data's location, every output (the report, the SVG and the PNG beside it), the engine's limit on --hidden, the memory the run needs, and that the report stays readable (at most ${MAX_RECORDS} records: iterations / every × rates). The report, the SVG and the PNG are replaced together: after an error or a kill, all three are the old ones or all three the new ones (a kill during the renames is finished by the next run that writes or reads them).`,
    ...OUTPUT_NOTES,
  ],
};

export function learningRates(raw: string): number[] {
  const parts = raw.split(",").map((s) => s.trim());
  if (parts.some((p) => p === "")) {
    throw new InputError(`--learning-rates ${raw}`, "expected numbers separated by commas");
  }
  const rates = parts.map((p) => positiveNumber(p, "learning-rates"));
  if (new Set(rates).size !== rates.length) {
    throw new InputError(`--learning-rates ${raw}`, "a learning rate is listed twice");
  }
  return rates;
}

/**
 * The progress of a sweep whose rates train at once: one bar, every rate's accuracy after the
 * count; each divergence on stderr as it happens; and a stop when a learning rate's first step
 * changed nothing (the loss at iteration 2 is iteration 1's to the last bit).
 */
function listener(rates: readonly number[], iterations: number): SweepListener {
  const bar = progress(`η = ${rates.join(", ")}`, iterations);
  const accuracies: string[] = rates.map(() => "…");
  const first: number[] = rates.map(() => NaN);
  const active = new Set(rates.keys());
  let ended = 0;
  return {
    iteration: (learningRate, r, run) => {
      accuracies[run] = r.accuracy.toFixed(4);
      if (r.iteration === 1) first[run] = r.loss;
      if (r.iteration === 2 && r.loss === first[run]) {
        bar.finish();
        throw new InputError(
          `--learning-rates ${learningRate}`,
          "is too small: the loss after the first step is the initial loss to the last bit (no weight moved)",
        );
      }
      // once per iteration: at the record of the last rate still training
      if (run === Math.max(...active)) bar.update(r.iteration, `accuracy ${accuracies.join(", ")}`);
    },
    end: (outcome, error, run) => {
      if (error !== undefined) {
        active.delete(run);
        accuracies[run] = "diverged";
        note(
          `η = ${outcome.learningRate}: ${
            divergence(error)
          }; going on with the other learning rates`,
        );
      }
      if (++ended === rates.length) bar.finish();
    },
  };
}

export async function run(args: string[]): Promise<void> {
  const values = parseFlags(command, args);
  if (!values) return;
  const rates = learningRates(text(values, "learning-rates")!);
  const iterations = positiveInt(values, "iterations")!;
  const every = positiveInt(values, "every")!;
  const hidden = positiveInt(values, "hidden")!;
  const limit = positiveInt(values, "limit");
  const engine = engineName(values);
  const rngSeed = seed(values);
  const report = named("--report", text(values, "report")!);
  const plotPath = text(values, "plot")!;
  const json = values.json === true;
  checkHidden(hidden, engine);
  checkRecords(rates.length, iterations, every);
  const plots = picturePaths("--plot", plotPath, true);
  const data = dataPath(values);
  const trainFiles = (await locateData("train", data))!;
  checkOutputs([...(data ? [data] : []), ...dataInputs(trainFiles)], [report, ...plots], json);

  const started = performance.now();
  const samples = await readData(trainFiles, "train", limit);
  if (engine === "reference") {
    checkMemory(
      referenceBytes(hidden, samples.count),
      `--hidden ${hidden} with --engine reference on ${samples.count} samples`,
      "the hidden layer's values for every sample, in float64",
      "use fewer hidden units or --limit",
    );
  }
  const initial = initNetwork(createRng(rngSeed), hidden);
  const { records, outcomes } = await sweep(
    { engine, network: initial, data: samples, learningRates: rates, iterations, every },
    listener(rates, iterations),
  );
  if (records.length === 0) {
    throw new InputError("every learning rate diverged before its first logged iteration");
  }

  const figure = await learningCurves(records, {
    title: `Training accuracy vs iteration (${samples.count} samples, hidden ${hidden})`,
  });
  // The report, the SVG and the PNG are renamed into place together (lib/io/write.ts).
  await save([{ path: report.path, content: toJsonl(records) }, ...plotFiles(figure, plots)]);
  const seconds = (performance.now() - started) / 1000;

  if (json) {
    printJson({
      samples: samples.count,
      hidden,
      seed: rngSeed,
      engine,
      seconds,
      report: report.given,
      plot: plotPath,
      learning_rates: outcomes.map(({ learningRate, ...rest }) => ({
        learning_rate: learningRate,
        ...rest,
      })),
    });
    return;
  }
  say(
    `swept ${rates.length} learning rates × ${iterations} iterations on ${samples.count} samples in ${
      seconds.toFixed(1)
    } s`,
  );
  say("learning rate  iterations  loss     accuracy");
  for (const o of outcomes) {
    say(
      `${String(o.learningRate).padEnd(13)}  ${String(o.iterations).padStart(10)}  ${
        o.diverged ? "diverged" : `${o.loss.toFixed(4).padEnd(7)}  ${o.accuracy.toFixed(4)}`
      }`,
    );
  }
  say(`report: ${report.given === "-" ? "stdout" : report.given}`);
  say(`plot:   ${plots.map((p) => p.path).join(" and ")}`);
}

if (import.meta.main) await main(() => run(Deno.args));
