/**
 * Which neurons die (lib/training/firing.ts, lib/pictures/firing_grid.ts): firingAt measures
 * each run of a bank at its iterations exactly as a run alone would be measured; nearlyDead,
 * initialLosses and dips on hand-made and real inputs; the grid chart's cells and outlines.
 */
import assert from "node:assert/strict";
import {
  createEngine,
  createRng,
  datasetLoss,
  dips,
  firingAt,
  firingGrid,
  firingShares,
  initHe,
  initialLosses,
  initNetwork,
  loadMnist,
  nearlyDead,
  percentLabel,
  take,
  train as trainLoop,
} from "../lib/mod.ts";
import type { Network } from "../lib/mod.ts";

const all = await loadMnist("train");
const data = take(all, 500);
const measureOn = take(all, 2000);

async function alone(net: Network, rate: number, iterations: number) {
  const engine = await createEngine({ engine: "fast", network: net, data });
  try {
    let last;
    for await (const r of trainLoop(engine, { iterations, learningRate: rate })) last = r;
    return { network: engine.network(), record: last! };
  } finally {
    engine.dispose();
  }
}

Deno.test("nearlyDead: the neurons below the threshold, counted from 0", () => {
  assert.deepEqual(nearlyDead([0.5, 0, 0.029, 0.03, 1], 0.03), [1, 2]);
  assert.deepEqual(nearlyDead(new Float64Array([0.2, 0.4]), 0.1), []);
});

Deno.test("firingAt: each run measured at its iterations, as if trained alone", async () => {
  const uniform = initNetwork(createRng(3)), he = initHe(createRng(3));
  const found = await firingAt(
    [
      { name: "uniform, 0.5", network: uniform, learningRate: 0.5, at: [0, 4, 12] },
      { name: "He, 0.1", network: he, learningRate: 0.1, at: [7] },
      { name: "start only", network: he, learningRate: 0.1, at: [0] },
    ],
    data,
    measureOn,
  );
  assert.deepEqual(
    found.map((f) => `${f.name}@${f.iteration}`),
    ["uniform, 0.5@0", "uniform, 0.5@4", "uniform, 0.5@12", "He, 0.1@7", "start only@0"],
  );
  assert.deepEqual(found[0].shares, firingShares(uniform, measureOn));
  assert.ok(Number.isNaN(found[0].accuracy) && Number.isNaN(found[0].loss));
  for (const [f, net, rate] of [[found[2], uniform, 0.5], [found[3], he, 0.1]] as const) {
    const run = await alone(net, rate, f.iteration);
    assert.deepEqual(f.shares, firingShares(run.network, measureOn), f.name);
    assert.deepEqual(f.network, run.network);
    assert.equal(f.loss, run.record.loss);
    assert.equal(f.accuracy, run.record.accuracy);
  }
  assert.deepEqual(await firingAt([], data, measureOn), []);
});

Deno.test("initialLosses: the loss before any step, as the float64 forward pass gives it", async () => {
  const nets = [initNetwork(createRng(1)), initHe(createRng(1))];
  const losses = await initialLosses(nets, data);
  nets.forEach((net, k) => {
    const reference = datasetLoss(net, data);
    assert.ok(Math.abs(losses[k] - reference) < 1e-4 * reference, `${losses[k]} ${reference}`);
  });
  assert.ok(losses[0] > 2 * Math.log(10) && Math.abs(losses[1] - Math.log(10)) < 0.5);
});

Deno.test("dips: episodes more than `drop` below the best so far, with their lowest point", () => {
  assert.deepEqual(dips([0.1, 0.2, 0.3, 0.35], 0.05), []);
  assert.deepEqual(dips([0.1, 0.3, 0.28, 0.4], 0.05), [], "a small zig-zag is no dip");
  const curve = [0.1, 0.5, 0.3, 0.2, 0.35, 0.5, 0.7, 0.6, 0.55, 0.72, 0.6, 0.9];
  assert.deepEqual(dips(curve, 0.1), [
    { from: 2, index: 3, low: 0.2, high: 0.5 },
    { from: 8, index: 8, low: 0.55, high: 0.7 },
    { from: 10, index: 10, low: 0.6, high: 0.72 },
  ]);
});

Deno.test("firingGrid: one cell per neuron and run, in per cent, the nearly dead outlined", async () => {
  assert.deepEqual([0, 0.0004, 0.025, 0.066, 0.5].map(percentLabel), [
    "0",
    "<0.1",
    "2.5",
    "6.6",
    "50",
  ]);
  const fig = await firingGrid([
    { name: "start", shares: [0.5, 0.066, 0.025] },
    { name: "trained", shares: [0.6, 0.001, 0] },
  ], { below: 0.03, title: "t" });
  assert.equal(fig.svg.match(/stroke="#d62728"/g)?.length, 1, "one group of outlines");
  assert.equal(fig.svg.match(/<rect /g)?.length, 6 + 3, "six cells, three outlined");
  for (const v of ["50", "6.6", "2.5", "60", "0.1", "0"]) {
    assert.ok(fig.svg.includes(`>${v}</text>`), v);
  }
  assert.match(fig.description, /start: 1, trained: 2/);
});
