/**
 * `deno task train`: full-batch gradient descent on MNIST, like the original train.py.
 * Writes the model (the original's JSON format) only when training finished.
 */
import type { Dataset } from "../lib/data/dataset.ts";
import type { MnistFiles } from "../lib/io/mnist.ts";
import { createEngine, type EngineName, predictWith } from "../lib/engines/choose.ts";
import type { TrainingEngine } from "../lib/engines/engine.ts";
import { type Evaluation, evaluation } from "../lib/training/evaluate.ts";
import { InputError } from "../lib/errors.ts";
import { toModelJson } from "../lib/io/model.ts";
import { initHe, initNetwork } from "../lib/maths/init.ts";
import type { Network } from "../lib/maths/network.ts";
import { createRng } from "../lib/maths/random.ts";
import { train, type TrainingRecord } from "../lib/training/train.ts";
import { printJson, say } from "./console.ts";
import { dataInputs, dataPath, locateData, readData, testSplit } from "./data.ts";
import {
  type Command,
  ENGINE_FLAG,
  engineName,
  given,
  OUTPUT_NOTES,
  parseFlags,
  positiveInt,
  positiveNumber,
  seed,
  text,
  TRAINING_FLAGS,
} from "./flags.ts";
import { checkHidden, checkMemory, referenceBytes } from "./limits.ts";
import { main } from "./main.ts";
import { checkOutputs, save } from "./outputs.ts";
import { named, type NamedPath } from "./paths.ts";
import { progress } from "./progress.ts";

export const command: Command = {
  name: "train",
  summary:
    "Trains the 784 → hidden (ReLU) → 10 (softmax) network by full-batch gradient descent on the MNIST training set, prints the final loss and accuracy (and the test accuracy when a test set is at hand) and writes the model in the original project's JSON format.",
  flags: {
    iterations: {
      type: "string",
      arg: "N",
      help: "gradient-descent steps (one step = one batch)",
      default: "1000",
    },
    "batch-size": {
      type: "string",
      arg: "B",
      help: "samples per step, reshuffled each epoch with the seed (default: all, full batch)",
    },
    epochs: {
      type: "string",
      arg: "E",
      help: "train for E passes over the data instead of --iterations steps",
    },
    "learning-rate": { type: "string", arg: "η", help: "learning rate", default: "0.25" },
    start: {
      type: "string",
      arg: "NAME",
      help: "the initial weights: uniform (the original's, in [−1, 1)) or he (He's N(0, 2/fan_in))",
      default: "uniform",
    },
    ...TRAINING_FLAGS,
    out: {
      type: "string",
      arg: "FILE",
      help: "where to write the model; - for stdout",
      default: "resources/weights_and_biases.json",
    },
    ...ENGINE_FLAG,
    json: { type: "boolean", help: "print one JSON object instead of the summary" },
  },
  notes: [
    "Checked before training: the flags, the data's location, the test split (read first: a broken one stops the run), the model's place (--out), the engine's limit on --hidden and the memory the run needs. A loss that blows up stops the run (no model written), and so does a learning rate whose first step moves no weight.",
    ...OUTPUT_NOTES,
  ],
};

interface Settings {
  batchSize?: number;
  epochs?: number;
  steps?: number;
  learningRate: number;
  rawRate: string;
  hidden: number;
  limit?: number;
  engine: EngineName;
  out: NamedPath;
  json: boolean;
  seed: number;
  start: Start;
  data?: NamedPath;
}

/** The initial weights, drawn with the seed: the original's uniform ones, or He's. */
export const STARTS = ["uniform", "he"] as const;
export type Start = (typeof STARTS)[number];

/** The flags, checked. */
function settings(args: string[]): Settings | undefined {
  const values = parseFlags(command, args);
  if (!values) return undefined;
  const epochs = positiveInt(values, "epochs");
  if (epochs !== undefined && given(args, "iterations")) {
    throw new InputError("--epochs and --iterations both say how long to train: give one");
  }
  const rawRate = text(values, "learning-rate")!;
  const s: Settings = {
    batchSize: positiveInt(values, "batch-size"),
    epochs,
    steps: epochs === undefined ? positiveInt(values, "iterations")! : undefined,
    learningRate: positiveNumber(rawRate, "learning-rate"),
    rawRate,
    hidden: positiveInt(values, "hidden")!,
    limit: positiveInt(values, "limit"),
    engine: engineName(values),
    out: named("--out", text(values, "out")!),
    json: values.json === true,
    seed: seed(values),
    start: startName(text(values, "start")!),
    data: dataPath(values),
  };
  checkHidden(s.hidden, s.engine);
  return s;
}

function startName(raw: string): Start {
  if (!(STARTS as readonly string[]).includes(raw)) {
    throw new InputError(`--start ${raw}`, `expected one of ${STARTS.join(", ")}`);
  }
  return raw as Start;
}

/**
 * Everything that can fail is found before training: where the data is, that the model can
 * be written and overwrites neither the data nor anything else.
 */
async function prepare(s: Settings) {
  const trainFiles = (await locateData("train", s.data))!;
  const { files: testFiles, none: noTestSet } = await testSplit(s.data);
  checkOutputs(
    [...(s.data ? [s.data] : []), ...dataInputs(trainFiles), ...dataInputs(testFiles)],
    [s.out],
    s.json,
  );
  return { trainFiles, testFiles, noTestSet };
}

/** The data, and the test split (a broken one is found now, not after training). */
async function load(s: Settings, trainFiles: MnistFiles, testFiles?: MnistFiles) {
  const data = await readData(trainFiles, "train", s.limit);
  const test = testFiles && await readData(testFiles, "test");
  if (s.engine === "reference") {
    checkMemory(
      referenceBytes(s.hidden, data.count, Math.min(s.batchSize ?? data.count, data.count)),
      `--hidden ${s.hidden} with --engine reference on ${data.count} samples`,
      "the hidden layer's values for every sample of a step, in float64",
      "use fewer hidden units, --batch-size or --limit",
    );
  }
  return { data, test };
}

/** Whether two networks hold the same numbers. */
function same(a: Network, b: Network): boolean {
  return (["W_h", "b_h", "W_o", "b_o"] as const).every((k) =>
    a[k].data.every((v, i) => v === b[k].data[i])
  );
}

/** The training loop, with its progress; stops when the first step moved no weight. */
async function fit(s: Settings, trainer: TrainingEngine, iterations: number) {
  const bar = progress("training", iterations);
  let last: TrainingRecord = { iteration: 0, loss: NaN, accuracy: NaN };
  const start = trainer.network();
  try {
    for await (const record of train(trainer, { iterations, learningRate: s.learningRate })) {
      last = record;
      bar.update(
        record.iteration,
        `loss ${record.loss.toFixed(4)} accuracy ${record.accuracy.toFixed(4)}`,
      );
      if (record.iteration === 1 && same(trainer.network(), start)) {
        throw new InputError(
          `--learning-rate ${s.rawRate}`,
          "is too small: the first step changed no weight, so the model would stay its initial weights",
        );
      }
    }
    return { last, trained: trainer.network() };
  } finally {
    bar.finish();
    trainer.dispose();
  }
}

/**
 * How well the trained network does on the test split and, after mini-batches (whose metrics
 * describe one batch), on the whole training set.
 */
async function measure(
  s: Settings,
  trained: Network,
  data: Dataset,
  test: Dataset | undefined,
  miniBatch: boolean,
) {
  const accuracy = miniBatch
    ? evaluation(data.labels, await predictWith(s.engine, trained, data)).accuracy
    : undefined;
  const testResult = test && evaluation(test.labels, await predictWith(s.engine, trained, test));
  return { accuracy, testResult };
}

export async function run(args: string[]): Promise<void> {
  const s = settings(args);
  if (!s) return;
  const { trainFiles, testFiles, noTestSet } = await prepare(s);
  const started = performance.now();
  const { data, test } = await load(s, trainFiles, testFiles);
  const stepsPerEpoch = Math.ceil(data.count / Math.min(s.batchSize ?? data.count, data.count));
  const miniBatch = stepsPerEpoch > 1;
  const iterations = s.steps ?? s.epochs! * stepsPerEpoch;
  const network = (s.start === "he" ? initHe : initNetwork)(createRng(s.seed), s.hidden);
  const trainer = await createEngine({
    engine: s.engine,
    network,
    data,
    batchSize: s.batchSize,
    seed: s.seed,
  });
  const { last, trained } = await fit(s, trainer, iterations);
  const seconds = (performance.now() - started) / 1000;
  const measured = await measure(s, trained, data, test, miniBatch);
  const accuracy = measured.accuracy ?? last.accuracy;
  const metadata = {
    iterations,
    batch_size: s.batchSize ?? data.count,
    epochs: iterations / stepsPerEpoch,
    learning_rate: s.learningRate,
    hidden: s.hidden,
    seed: s.seed,
    start: s.start,
    samples: data.count,
    loss: last.loss,
    accuracy,
  };
  await save([{
    path: s.out.path,
    content: JSON.stringify(toModelJson(trained, metadata)) + "\n",
  }]);
  report(s, { ...metadata, seconds, miniBatch, stepsPerEpoch }, measured.testResult, noTestSet);
}

/** The summary, or the JSON object. */
function report(
  s: Settings,
  m: {
    iterations: number;
    samples: number;
    loss: number;
    accuracy: number;
    seconds: number;
    miniBatch: boolean;
    stepsPerEpoch: number;
    [key: string]: unknown;
  },
  testResult: Evaluation | undefined,
  noTestSet: string | undefined,
): void {
  const { seconds, miniBatch, stepsPerEpoch, ...metadata } = m;
  if (s.json) {
    printJson({
      ...metadata,
      test_accuracy: testResult?.accuracy,
      test_correct: testResult?.correct,
      test_total: testResult?.total,
      test_set: testResult !== undefined,
      engine: s.engine,
      seconds,
      out: s.out.given,
    });
    return;
  }
  const how = miniBatch
    ? `${m.iterations / stepsPerEpoch} epochs (${m.iterations} steps of ${s.batchSize} samples)`
    : `${m.iterations} iterations`;
  say(
    `trained ${how} on ${m.samples} samples (learning rate ${s.learningRate}, hidden ${s.hidden}, seed ${s.seed}${
      s.start === "he" ? ", He's start" : ""
    }) in ${seconds.toFixed(1)} s`,
  );
  say(`final loss:        ${m.loss.toFixed(4)}${miniBatch ? " (last batch)" : ""}`);
  say(`training accuracy: ${m.accuracy.toFixed(4)}`);
  if (testResult) {
    say(
      `test accuracy:     ${
        testResult.accuracy.toFixed(4)
      } (${testResult.correct}/${testResult.total})`,
    );
  } else say(`test accuracy:     none (${noTestSet})`);
  say(`model written to ${s.out.given === "-" ? "stdout" : s.out.given}`);
}

if (import.meta.main) await main(() => run(Deno.args));
