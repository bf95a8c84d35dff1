/**
 * The statistics the notebooks assert their conclusions with: reading one curve (rises,
 * swings, spikes), the loss over a whole dataset, and comparing two classifiers' answers.
 */
import assert from "node:assert/strict";
import {
  agreement,
  confusedPairs,
  countDrops,
  countRises,
  createRng,
  crossEntropy,
  datasetLoss,
  expectedCalibrationError,
  forward,
  fromRows,
  initNetwork,
  largestRise,
  loadMnist,
  meanAbsoluteChange,
  oneHot,
  recall,
  reliabilityBins,
  spikeIntervals,
  spikes,
  take,
  toMatrix,
} from "../lib/mod.ts";

Deno.test("rises and drops are counted `stride` points apart: a period-2 zig-zag rises every other step", () => {
  const zigzag = [5, 6, 4, 5, 3, 4, 2];
  assert.equal(countRises(zigzag), 3);
  assert.equal(countDrops(zigzag), 3);
  // two apart, the zig-zag only falls
  assert.equal(countRises(zigzag, 2), 0);
  assert.equal(countDrops(zigzag, 2), 5);
  assert.equal(countRises([1]), 0);
});

Deno.test("largestRise finds the biggest step up and where it lands; meanAbsoluteChange the swing", () => {
  assert.deepEqual(largestRise([3, 1, 2, 0.5, 4, 3]), { rise: 3.5, index: 4 });
  assert.deepEqual(largestRise([3, 2, 1]), { rise: 0, index: -1 });
  assert.equal(meanAbsoluteChange([0, 1, 0, 1]), 1);
  assert.equal(meanAbsoluteChange([0.5, 0.5]), 0);
  assert.equal(meanAbsoluteChange([7]), 0);
});

Deno.test("spikes: episodes above the running minimum by the threshold, zig-zag inside one merged", () => {
  const loss = [2, 1.5, 1.2, 1.0, 0.98, 1.4, 1.2, 1.5, 1.0, 0.97, 0.96, 0.95, 1.3, 0.94, 0.9];
  const records = loss.map((l, i) => ({ iteration: i + 1, loss: l }));
  const found = spikes(records);
  assert.equal(found.length, 2);
  // 1.4 at 6 and 1.5 at 8 are one spike although 1.2 at 7 is below the threshold of 1.225
  assert.deepEqual(found[0], {
    start: 6,
    end: 8,
    peak: 8,
    peakLoss: 1.5,
    before: 0.98,
    ratio: 1.5 / 0.98,
  });
  assert.deepEqual([found[1].start, found[1].end, found[1].before], [13, 13, 0.95]);
  assert.deepEqual(spikeIntervals(found), [7]);
  // a higher threshold sees only the larger one; a smaller merge splits the first
  assert.equal(spikes(records, { threshold: 0.45 }).length, 1);
  assert.equal(spikes(records, { merge: 1 }).length, 3);
  // a falling curve and a small zig-zag have none
  assert.deepEqual(spikes(records.map((r) => ({ ...r, loss: 10 - r.iteration }))), []);
  assert.deepEqual(
    spikes(records.map((r) => ({ ...r, loss: 1 + 0.1 * (r.iteration % 2) }))),
    [],
  );
});

Deno.test("datasetLoss is the loss of the whole set, whatever the chunk size", async () => {
  const data = take(await loadMnist("train"), 250);
  const net = initNetwork(createRng(3));
  const whole = crossEntropy(forward(net, toMatrix(data)).A_o, oneHot(data.labels));
  for (const chunk of [250, 100, 7]) {
    assert.ok(Math.abs(datasetLoss(net, data, chunk) - whole) < 1e-12 * whole, `chunk ${chunk}`);
  }
});

Deno.test("recall, the most confused pairs and the agreement of two classifiers", () => {
  const C = [
    [8, 2, 0],
    [1, 5, 4],
    [0, 3, 7],
  ];
  assert.equal(recall(C, 0), 0.8);
  assert.equal(recall(C, 1), 0.5);
  assert.deepEqual(confusedPairs(C, 2), [
    { a: 1, b: 2, count: 7 },
    { a: 0, b: 1, count: 3 },
  ]);
  const labels = [0, 1, 2, 2, 1];
  assert.deepEqual(agreement(labels, [0, 1, 1, 0, 2], [0, 2, 1, 2, 0]), {
    same: 2,
    bothWrong: 2,
    total: 5,
  });
});

Deno.test("reliability bins: samples grouped by p(predicted), each bin's accuracy and mean p", () => {
  // four samples (columns): p(predicted) 0.95, 0.9, 0.55, 1.0; the first and the last are right
  const A_o = fromRows([
    [0.95, 0.05, 0.45, 1.0],
    [0.05, 0.9, 0.55, 0.0],
    [0.0, 0.05, 0.0, 0.0],
  ]);
  const bins = reliabilityBins(A_o, [0, 2, 0, 0], 10);
  assert.equal(bins.length, 10);
  assert.deepEqual(bins.map((b) => b.count), [0, 0, 0, 0, 0, 1, 0, 0, 0, 3]);
  assert.equal(bins[5].accuracy, 0);
  assert.equal(bins[5].confidence, 0.55);
  assert.ok(Math.abs(bins[9].confidence - 2.85 / 3) < 1e-12);
  assert.ok(Math.abs(bins[9].accuracy - 2 / 3) < 1e-12);
  assert.ok(Number.isNaN(bins[0].accuracy));
  // ECE: (1·0.55 + 3·|2/3 − 0.95|) / 4
  const ece = expectedCalibrationError(bins);
  assert.ok(Math.abs(ece - (0.55 + 3 * (0.95 - 2 / 3)) / 4) < 1e-12);
  // a classifier right exactly as often as it says has no calibration error
  const calibrated = reliabilityBins(
    fromRows([[0.75, 0.75, 0.75, 0.75], [0.25, 0.25, 0.25, 0.25]]),
    [0, 0, 0, 1],
    4,
  );
  assert.equal(expectedCalibrationError(calibrated), 0);
});
