/**
 * The experiments' library: a run with periodic test measurements, a sweep over a setting,
 * neurons' firing shares, and the linear softmax baseline (gradient-checked).
 */
import assert from "node:assert/strict";
import {
  backwardLinear,
  createRng,
  crossEntropy,
  evaluation,
  firingShares,
  forward,
  forwardLinear,
  fromRows,
  initLinear,
  initNetwork,
  loadMnist,
  numericalGradient,
  oneHot,
  overSetting,
  predict,
  predictLinear,
  relativeError,
  take,
  toMatrix,
  trainAndTest,
  trainAndTestBank,
  trainLinear,
} from "../lib/mod.ts";

const train = take(await loadMnist("train"), 500);
const test = take(await loadMnist("test"), 300);

Deno.test("trainAndTest measures the test accuracy every testEvery steps and after the last", async () => {
  const measured: number[] = [];
  const run = await trainAndTest({
    network: initNetwork(createRng(1)),
    data: train,
    test,
    learningRate: 0.5,
    steps: 25,
    testEvery: 10,
    keepEvery: 5,
    onTest: (r) => void measured.push(r.test.length),
  });
  assert.deepEqual(run.test.map((t) => t.iteration), [10, 20, 25]);
  assert.deepEqual(measured, [1, 2, 3]);
  assert.deepEqual(run.records.map((r) => r.iteration), [5, 10, 15, 20, 25]);
  // The last test accuracy is that of the returned network, as the reference forward pass
  // measures it (float32 near-ties may flip a prediction or two).
  const reference = evaluation(test.labels, predict(run.network, toMatrix(test))).accuracy;
  assert.ok(Math.abs(run.test[2].accuracy - reference) <= 2 / test.count);
  assert.notDeepEqual(run.network.W_h, initNetwork(createRng(1)).W_h, "the network was trained");
});

Deno.test("trainAndTestBank gives each network trainAndTest's run, bit for bit", async () => {
  const seeds = [1, 2], rates = [0.5, 0.1];
  const options = { data: train, test, steps: 25, testEvery: 10, keepEvery: 5 };
  const together = await trainAndTestBank({
    ...options,
    networks: seeds.map((s) => initNetwork(createRng(s))),
    learningRates: rates,
  });
  assert.equal(together.length, 2);
  for (const [k, seed] of seeds.entries()) {
    const alone = await trainAndTest({
      ...options,
      network: initNetwork(createRng(seed)),
      learningRate: rates[k],
    });
    assert.deepEqual(together[k].records, alone.records);
    assert.deepEqual(together[k].test, alone.test);
    assert.deepEqual(together[k].network, alone.network);
  }
  await assert.rejects(
    trainAndTestBank({ ...options, networks: [initNetwork(createRng(1))], learningRates: [] }),
    RangeError,
  );
});

Deno.test("overSetting runs once per value, in order, and keeps the value", async () => {
  const seen: number[] = [];
  const out = await overSetting([3, 1, 2], (v) => {
    seen.push(v);
    return Promise.resolve({ square: v * v });
  });
  assert.deepEqual(seen, [3, 1, 2]);
  assert.deepEqual(out, [{ square: 9, value: 3 }, { square: 1, value: 1 }, {
    square: 4,
    value: 2,
  }]);
});

Deno.test("firingShares: the share of samples with Z_h > 0, per neuron", () => {
  const net = initNetwork(createRng(7));
  const shares = firingShares(net, train);
  const Z_h = forward(net, toMatrix(train)).Z_h;
  for (let i = 0; i < net.W_h.rows; i++) {
    let fires = 0;
    for (let j = 0; j < train.count; j++) if (Z_h.data[i * train.count + j] > 0) fires++;
    assert.equal(shares[i], fires / train.count, `neuron ${i}`);
  }
  // A neuron whose bias is very negative is dead on every digit.
  net.b_h.data[0] = -1000;
  assert.equal(firingShares(net, train)[0], 0);
});

Deno.test("the linear classifier's gradients match finite differences", () => {
  const rng = createRng(3);
  const model = initLinear(6, 3);
  for (let i = 0; i < model.W.data.length; i++) model.W.data[i] = rng.uniform(-1, 1);
  for (let i = 0; i < model.b.data.length; i++) model.b.data[i] = rng.uniform(-1, 1);
  const X = fromRows(Array.from({ length: 6 }, () => Array.from({ length: 4 }, () => rng.next())));
  const Y = oneHot([0, 2, 1, 2], 3);
  const loss = () => crossEntropy(forwardLinear(model, X), Y);
  const { dW, db } = backwardLinear(X, Y, forwardLinear(model, X));
  assert.ok(relativeError(dW, numericalGradient(loss, model.W)) < 1e-7);
  assert.ok(relativeError(db, numericalGradient(loss, model.b)) < 1e-7);
});

Deno.test("the linear classifier learns: mini-batch steps lower the loss and beat chance", () => {
  const model = initLinear();
  const records = [...trainLinear(model, train, { steps: 40, learningRate: 0.5, batchSize: 50 })];
  assert.equal(records.length, 40);
  assert.ok(Math.abs(records[0].loss - Math.log(10)) < 1e-12, "a zero model guesses uniformly");
  assert.ok(records.at(-1)!.loss < records[0].loss / 2);
  const predictions = predictLinear(model, test);
  const accuracy = predictions.filter((p, j) => p === test.labels[j]).length / test.count;
  assert.ok(accuracy > 0.7, `test accuracy ${accuracy}`);
});
