/**
 * `deno task tune`: the original hyper-tune.py — train once per learning rate from the
 * same initial weights, log accuracy and loss every K iterations as JSONL, and draw
 * accuracy vs iteration with one line per learning rate.
 */
import { learningCurves } from "../lib/pictures/charts.ts";
import { InputError } from "../lib/errors.ts";
import { writeFilesAtomic } from "../lib/io/files.ts";
import { initNetwork } from "../lib/maths/init.ts";
import { createRng } from "../lib/maths/random.ts";
import { sweep } from "../lib/training/sweep.ts";
import {
  checkHidden,
  checkOutputs,
  type Command,
  dataInputs,
  ENGINE_FLAG,
  engineName,
  locateData,
  main,
  named,
  parseFlags,
  picturePaths,
  plotFiles,
  positiveInt,
  positiveNumber,
  printJson,
  readData,
  seed,
  text,
  TRAINING_FLAGS,
} from "./common.ts";
import { progress } from "./progress.ts";
import { toJsonl } from "../lib/io/report.ts";

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
};

export function learningRates(raw: string): number[] {
  const parts = raw.split(",").map((s) => s.trim());
  if (parts.some((p) => p === "")) {
    throw new InputError(`--learning-rates ${raw}: expected numbers separated by commas`);
  }
  const rates = parts.map((p) => positiveNumber(p, "learning-rates"));
  if (new Set(rates).size !== rates.length) {
    throw new InputError(`--learning-rates ${raw}: a learning rate is listed twice`);
  }
  return rates;
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
  const report = text(values, "report")!;
  const plotPath = text(values, "plot")!;
  const json = values.json === true;
  if (json && report === "-") {
    throw new InputError("--report - and --json both want stdout: give --report a file");
  }
  checkHidden(hidden, engine);
  const plots = picturePaths("--plot", plotPath, true);
  const trainFiles = (await locateData("train", values))!;
  await checkOutputs(dataInputs(trainFiles), [
    ...(report === "-" ? [] : [named("--report", report)]),
    ...plots,
  ]);

  const started = performance.now();
  const data = await readData(trainFiles, values, "train", limit);
  const initial = initNetwork(createRng(rngSeed), hidden);
  let bar: ReturnType<typeof progress> | undefined;
  const { records, outcomes } = await sweep(
    { engine, network: initial, data, learningRates: rates, iterations, every },
    {
      start: (learningRate) => bar = progress(`η = ${learningRate}`, iterations),
      iteration: (_, r) => bar?.update(r.iteration, `accuracy ${r.accuracy.toFixed(4)}`),
      end: (outcome, error) => {
        if (error === undefined) return bar?.finish();
        bar?.finish("diverged");
        console.error(
          `η = ${outcome.learningRate}: ${error.message}; going on with the next learning rate`,
        );
      },
    },
  );
  if (records.length === 0) {
    throw new InputError("every learning rate diverged before its first logged iteration");
  }

  const figure = await learningCurves(records, {
    title: `Training accuracy vs iteration (${data.count} samples, hidden ${hidden})`,
  });
  // The report, the SVG and the PNG are renamed into place together: an error leaves all
  // three old files as they were.
  await writeFilesAtomic([
    ...(report === "-" ? [] : [{ path: report, content: toJsonl(records) }]),
    ...plotFiles(figure, plotPath),
  ]);
  if (report === "-") await Deno.stdout.write(new TextEncoder().encode(toJsonl(records)));
  const seconds = (performance.now() - started) / 1000;

  if (json) {
    printJson({
      samples: data.count,
      hidden,
      seed: rngSeed,
      engine,
      seconds,
      report,
      plot: plotPath,
      learning_rates: outcomes.map(({ learningRate, ...rest }) => ({
        learning_rate: learningRate,
        ...rest,
      })),
    });
    return;
  }
  // With the report on stdout, the summary goes to stderr.
  const say = report === "-" ? console.error : console.log;
  say(
    `swept ${rates.length} learning rates × ${iterations} iterations on ${data.count} samples in ${
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
  if (report !== "-") say(`report: ${report}`);
  say(`plot:   ${plots.map((p) => p.path).join(" and ")}`);
}

if (import.meta.main) await main(() => run(Deno.args));
