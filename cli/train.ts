/**
 * `deno task train`: full-batch gradient descent on MNIST, like the original train.py.
 * Writes the model (the original's JSON format) only when training finished.
 */
import type { MnistFiles } from "../lib/io/mnist.ts";
import { createEngine, predictWith } from "../lib/engines/choose.ts";
import { evaluation } from "../lib/training/evaluate.ts";
import { InputError } from "../lib/errors.ts";
import { saveModel } from "../lib/io/model.ts";
import { initNetwork } from "../lib/maths/init.ts";
import type { Network } from "../lib/maths/network.ts";
import { createRng } from "../lib/maths/random.ts";
import { train } from "../lib/training/train.ts";
import {
  checkHidden,
  checkOutputs,
  type Command,
  dataInputs,
  ENGINE_FLAG,
  engineName,
  given,
  locateData,
  main,
  named,
  parseFlags,
  positiveInt,
  positiveNumber,
  printJson,
  readData,
  seed,
  text,
  TRAINING_FLAGS,
  type Values,
} from "./common.ts";
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
    ...TRAINING_FLAGS,
    out: {
      type: "string",
      arg: "FILE",
      help: "where to write the model",
      default: "resources/weights_and_biases.json",
    },
    ...ENGINE_FLAG,
    json: { type: "boolean", help: "print one JSON object instead of the summary" },
  },
};

export async function run(args: string[]): Promise<void> {
  const values = parseFlags(command, args);
  if (!values) return;
  const batchSize = positiveInt(values, "batch-size");
  const epochs = positiveInt(values, "epochs");
  if (epochs !== undefined && given(args, "iterations")) {
    throw new InputError("--epochs and --iterations both say how long to train: give one");
  }
  const steps = epochs === undefined ? positiveInt(values, "iterations")! : undefined;
  const learningRate = positiveNumber(text(values, "learning-rate")!, "learning-rate");
  const hidden = positiveInt(values, "hidden")!;
  const limit = positiveInt(values, "limit");
  const engine = engineName(values);
  const out = text(values, "out")!;
  const json = values.json === true;
  const rngSeed = seed(values);
  checkHidden(hidden, engine);
  // Everything that can fail is found before training: where the data is, that the model
  // can be written and overwrites neither the data nor anything else.
  const trainFiles = (await locateData("train", values))!;
  const { files: testFiles, none: noTestSet } = await testSplit(values);
  await checkOutputs([...dataInputs(trainFiles), ...dataInputs(testFiles)], [named("--out", out)]);

  const started = performance.now();
  const data = await readData(trainFiles, values, "train", limit);
  // A broken test split is found now, not after minutes of training.
  const test = testFiles && await readData(testFiles, values, "test");
  const stepsPerEpoch = Math.ceil(data.count / Math.min(batchSize ?? data.count, data.count));
  const miniBatch = stepsPerEpoch > 1;
  const iterations = steps ?? epochs! * stepsPerEpoch;
  const network = initNetwork(createRng(rngSeed), hidden);
  const trainer = await createEngine({ engine, network, data, batchSize, seed: rngSeed });
  const bar = progress("training", iterations);
  let last = { iteration: 0, loss: NaN, accuracy: NaN };
  let trained: Network;
  try {
    for await (const record of train(trainer, { iterations, learningRate })) {
      last = record;
      bar.update(
        record.iteration,
        `loss ${record.loss.toFixed(4)} accuracy ${record.accuracy.toFixed(4)}`,
      );
    }
    trained = trainer.network();
  } finally {
    bar.finish();
    trainer.dispose();
  }
  const seconds = (performance.now() - started) / 1000;
  if (miniBatch) {
    // A mini-batch's metrics describe one batch; report the whole training set instead.
    const all = evaluation(data.labels, await predictWith(engine, trained, data));
    last = { ...last, accuracy: all.accuracy };
  }

  const metadata = {
    iterations,
    batch_size: batchSize ?? data.count,
    epochs: iterations / stepsPerEpoch,
    learning_rate: learningRate,
    hidden,
    seed: rngSeed,
    samples: data.count,
    loss: last.loss,
    accuracy: last.accuracy,
  };
  const testResult = test && evaluation(test.labels, await predictWith(engine, trained, test));
  await saveModel(out, trained, metadata);

  if (json) {
    printJson({
      ...metadata,
      test_accuracy: testResult?.accuracy,
      test_correct: testResult?.correct,
      test_total: testResult?.total,
      test_set: test !== undefined,
      engine,
      seconds,
      out,
    });
    return;
  }
  const how = miniBatch
    ? `${iterations / stepsPerEpoch} epochs (${iterations} steps of ${batchSize} samples)`
    : `${iterations} iterations`;
  console.log(
    `trained ${how} on ${data.count} samples (learning rate ${learningRate}, hidden ${hidden}, seed ${rngSeed}) in ${
      seconds.toFixed(1)
    } s`,
  );
  console.log(`final loss:        ${last.loss.toFixed(4)}${miniBatch ? " (last batch)" : ""}`);
  console.log(`training accuracy: ${last.accuracy.toFixed(4)}`);
  if (testResult) {
    console.log(
      `test accuracy:     ${
        testResult.accuracy.toFixed(4)
      } (${testResult.correct}/${testResult.total})`,
    );
  } else console.log(`test accuracy:     none (${noTestSet})`);
  console.log(`model written to ${out}`);
}

/**
 * Where the test split beside the training data is: embedded, or in the same --data
 * folder; otherwise why there is none (a single CSV file holds one split only).
 */
async function testSplit(values: Values): Promise<{ files?: MnistFiles; none?: string }> {
  const path = text(values, "data");
  if (path !== undefined && (await Deno.stat(path)).isFile) {
    return { none: `--data ${path} is one file, one split: no test set` };
  }
  const files = await locateData("test", values, true);
  return files ? { files } : { none: `--data ${path} holds no test split` };
}

if (import.meta.main) await main(() => run(Deno.args));
