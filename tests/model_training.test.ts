/**
 * Model files, evaluation, and a seeded training run on real MNIST (the demo is a test).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  binaryConfusionMatrix,
  confusionMatrix,
  createEngine,
  createRng,
  DivergenceError,
  evaluation,
  initNetwork,
  InputError,
  loadMnist,
  loadModel,
  predict,
  referenceEngine,
  saveModel,
  take,
  toMatrix,
  train,
  type TrainingRecord,
} from "../lib/mod.ts";

import { hasOriginal, ORIGINAL_WEIGHTS as ORIGINAL } from "./helpers.ts";

if (!hasOriginal) console.log("skipped the original-model checks: ../shared/data is absent");

const trainSet = await loadMnist("train");
const testSet = await loadMnist("test");

Deno.test("a model survives a save/load round trip exactly", async () => {
  const net = initNetwork(createRng(4), 12);
  const path = join(await Deno.makeTempDir(), "m.json");
  await saveModel(path, net, { note: "round trip" });
  assert.deepEqual(await loadModel(path), net);
});

Deno.test("malformed, misshapen or non-finite model files are rejected with one line", async () => {
  const dir = await Deno.makeTempDir();
  const good = JSON.parse(JSON.stringify({
    hidden_layer: { weights: [Array(784).fill(0)], biases: [[0]] },
    output_layer: { weights: Array(10).fill([0]), biases: Array(10).fill([0]) },
  }));
  const cases: [string, string, RegExp][] = [
    ["empty", "", /empty file/],
    ["syntax", "{", /not valid JSON/],
    ["array", "[]", /expected a JSON object/],
    ["nolayer", JSON.stringify({ hidden_layer: good.hidden_layer }), /output_layer is missing/],
    [
      "cols",
      JSON.stringify({ ...good, hidden_layer: { ...good.hidden_layer, weights: [[1, 2]] } }),
      /hidden_layer\.weights row 0 has 2 entries, expected 784/,
    ],
    [
      "rows",
      JSON.stringify({ ...good, output_layer: { ...good.output_layer, biases: [[0]] } }),
      /output_layer\.biases has 1 rows, expected 10/,
    ],
    [
      "nan",
      JSON.stringify(good).replace("[[0]]", '[["NaN"]]'),
      /hidden_layer\.biases\[0\]\[0\] is "NaN", not a finite number/,
    ],
    ["huge", JSON.stringify(good).replace("[[0]]", "[[1e999]]"), /not a finite number/],
  ];
  for (const [name, text, pattern] of cases) {
    const path = join(dir, `${name}.json`);
    await Deno.writeTextFile(path, text);
    await assert.rejects(
      loadModel(path),
      (e: unknown) =>
        e instanceof InputError && e.message.startsWith(path) && pattern.test(e.message) &&
        !e.message.includes("\n"),
      name,
    );
  }
  await assert.rejects(loadModel(join(dir, "absent.json")), /absent\.json: file not found/);
});

Deno.test("confusion matrices: rows are actual labels, the binary one sums one-vs-rest", () => {
  const labels = [0, 0, 1, 2, 2, 2];
  const predictions = [0, 1, 1, 2, 0, 2];
  const C = confusionMatrix(labels, predictions, 3);
  assert.deepEqual(C, [[1, 1, 0], [0, 1, 0], [1, 0, 2]]);
  // Class 0: TP 1, FN 1, FP 1, TN 3; class 1: 1, 0, 1, 4; class 2: 2, 1, 0, 3.
  assert.deepEqual(binaryConfusionMatrix(C), [[4, 2], [2, 10]]);
  const e = evaluation(labels, predictions);
  assert.equal(e.correct, 4);
  assert.equal(e.accuracy, 4 / 6);
});

Deno.test("the original project's trained model classifies the test set well", {
  ignore: !hasOriginal,
}, async () => {
  const net = await loadModel(ORIGINAL);
  const e = evaluation(testSet.labels, predict(net, toMatrix(testSet)));
  assert.equal(e.total, 10000);
  assert.ok(e.accuracy > 0.85, `accuracy ${e.accuracy}`);
  const [[tp, fn], [fp, tn]] = e.binaryConfusion;
  assert.deepEqual([tp, fn, fp, tn], [
    e.correct,
    10000 - e.correct,
    10000 - e.correct,
    80000 + e.correct,
  ]);
});

async function collect(
  seed: number,
  samples: number,
  iterations: number,
): Promise<TrainingRecord[]> {
  const data = take(trainSet, samples);
  const engine = await createEngine({
    engine: "reference",
    network: initNetwork(createRng(seed)),
    data,
  });
  const records: TrainingRecord[] = [];
  for await (const r of train(engine, { iterations, learningRate: 0.25 })) records.push(r);
  return records;
}

Deno.test("the same seed gives the identical training run; another seed does not", async () => {
  const a = await collect(42, 500, 5);
  assert.deepEqual(await collect(42, 500, 5), a);
  assert.notDeepEqual(await collect(43, 500, 5), a);
});

// The fast engine trains here: tests/engine.test.ts proves it equal to the reference engine.
Deno.test("seeded training on 3,000 real digits beats 75% test accuracy in 300 iterations", async () => {
  const data = take(trainSet, 3000);
  const engine = await createEngine({ engine: "fast", network: initNetwork(createRng(1)), data });
  let last: TrainingRecord | undefined;
  let trained;
  try {
    for await (const r of train(engine, { iterations: 300, learningRate: 0.5 })) last = r;
    trained = engine.network();
  } finally {
    engine.dispose();
  }
  assert.ok(last!.loss < 0.8, `final loss ${last!.loss}`);
  const e = evaluation(testSet.labels, predict(trained, toMatrix(testSet)));
  assert.ok(e.accuracy > 0.75, `test accuracy ${e.accuracy}`);
});

Deno.test("a learning rate that is far too large diverges with a clear error", async () => {
  const data = take(trainSet, 200);
  const engine = referenceEngine(initNetwork(createRng(1)), toMatrix(data), data.labels);
  await assert.rejects(async () => {
    for await (const _ of train(engine, { iterations: 50, learningRate: 1000 })) { /* run */ }
  }, (e: unknown) => {
    assert.ok(e instanceof DivergenceError);
    assert.equal(e.learningRate, 1000);
    assert.ok(e.iteration >= 1 && !(e.loss <= 100 * Math.log(10)));
    // The library's words only: the CLI adds its flag (--learning-rate) itself.
    assert.match(e.message, /^training diverged at iteration \d+: .* with learning rate 1000$/);
    assert.ok(!e.message.includes("--"));
    return true;
  });
});
