/**
 * Notebook 07's statistics: one gradient step seen from inside (stepAnatomy), the seed
 * bands (seedBands, bandOverlap, meanOverSeeds, gapAtSameDistance), the climb into a spike
 * (climbTo) and the chart that marks the spikes.
 */
import assert from "node:assert/strict";
import {
  bandOverlap,
  climbTo,
  cloneNetwork,
  createRng,
  crossEntropy,
  forward,
  gapAtSameDistance,
  initNetwork,
  loadMnist,
  meanOverSeeds,
  oneHot,
  predict,
  sampleForward,
  seedBands,
  type SeededSweepRecord,
  spikeChart,
  spikes,
  stepAnatomy,
  take,
  toMatrix,
} from "../lib/mod.ts";

const digits = take(await loadMnist("test"), 300);

Deno.test("sampleForward: per sample the loss, the prediction and the firing of the reference forward pass", () => {
  const net = initNetwork(createRng(3));
  const X = toMatrix(digits);
  const cache = forward(net, X);
  const { loss, predicted, active } = sampleForward(net, digits);
  const mean = loss.reduce((s, v) => s + v, 0) / digits.count;
  assert.ok(Math.abs(mean - crossEntropy(cache.A_o, oneHot(digits.labels))) < 1e-12);
  assert.deepEqual([...predicted], [...predict(net, X)]);
  assert.deepEqual([...active], [...cache.Z_h.data].map((z) => (z > 0 ? 1 : 0)));
});

Deno.test("stepAnatomy: the samples whose loss jumped, the neurons that switched, the rows that moved", () => {
  const before = initNetwork(createRng(3));
  const after = cloneNetwork(before);
  // Lower the output of digit 7 everywhere: the 7s' losses jump, nothing else moves but b_o.
  after.b_o.data[7] -= 5;
  const a = stepAnatomy(before, after, digits);
  const sevens = [...digits.labels].filter((l) => l === 7).length;
  assert.equal(a.samples, 300);
  assert.ok(a.lossAfter > a.lossBefore);
  assert.ok(a.jumped.every((j) => digits.labels[j] === 7), "only 7s lose more than 1 nat");
  assert.ok(a.jumped.length > 0 && a.jumped.length <= sevens);
  assert.equal(a.jumpedByLabel[7], a.jumped.length);
  assert.equal(a.jumpedPredictedAs[7], 0, "a jumped 7 is no longer taken for a 7");
  assert.ok(a.jumpedShare > 0 && a.jumpedShare <= 1);
  const { loss: l0 } = sampleForward(before, digits), { loss: l1 } = sampleForward(after, digits);
  const rises = a.jumped.map((j) => l1[j] - l0[j]);
  assert.ok(rises.every((r, k) => r > 1 && (k === 0 || r <= rises[k - 1])), "largest rise first");
  assert.ok(a.neurons.every((n) => n.switchedOn + n.switchedOff === 0));
  // Hidden neuron 2 made to fire on no sample.
  const silenced = cloneNetwork(before);
  silenced.b_h.data[2] = -1e6;
  const s = stepAnatomy(before, silenced, digits);
  const n2 = s.neurons[2];
  assert.equal(n2.firingAfter, 0);
  assert.equal(n2.switchedOff, n2.firingBefore);
  assert.equal(n2.switchedOn, 0);
  assert.ok(s.neurons.every((n) => n.neuron === 2 || n.switchedOn + n.switchedOff === 0));
  assert.ok(a.W_h.every((r) => r.maxChange === 0) && a.W_o.every((r) => r.maxChange === 0));
  assert.equal(a.b_o, 5);
  assert.equal(a.b_h, 0);
  assert.equal(s.b_h, 1e6 + before.b_h.data[2]);
  const p0 = sampleForward(before, digits).predicted, p1 = sampleForward(after, digits).predicted;
  const right = (p: Uint8Array, j: number) => p[j] === digits.labels[j];
  const js = [...digits.labels.keys()];
  assert.equal(a.turnedWrong, js.filter((j) => right(p0, j) && !right(p1, j)).length);
  assert.equal(a.turnedRight, js.filter((j) => !right(p0, j) && right(p1, j)).length);
  assert.ok(js.every((j) => !(right(p0, j) && !right(p1, j)) || digits.labels[j] === 7));
  // No change, no jump; a tighter threshold counts more.
  const same = stepAnatomy(before, before, digits);
  assert.deepEqual([same.jumped.length, same.turnedWrong, same.jumpedShare], [0, 0, 0]);
  assert.ok(stepAnatomy(before, after, digits, { jump: 0.1 }).jumped.length >= a.jumped.length);
  const wider = initNetwork(createRng(3), 12);
  assert.throws(() => stepAnatomy(before, wider, digits), /hidden sizes differ/);
});

/** Two rates × three seeds, accuracy a + seed·spread at iterations 1..4. */
function seeded(): SeededSweepRecord[] {
  const out: SeededSweepRecord[] = [];
  for (const seed of [1, 2, 3]) {
    for (const [learningRate, base] of [[0.5, 0.6], [0.25, 0.4]]) {
      for (let iteration = 1; iteration <= 4; iteration++) {
        // η = 0.25's seed 3 is ahead of η = 0.5's seed 1 at iterations 3 and 4 only.
        const accuracy = base + 0.02 * seed + (learningRate === 0.25 && iteration >= 3 ? 0.2 : 0);
        out.push({ seed, learningRate, iteration, accuracy, loss: 1 - accuracy });
      }
    }
  }
  return out;
}

Deno.test("seedBands: the lowest, highest and mean over the seeds at each iteration", () => {
  const bands = seedBands(seeded());
  assert.deepEqual([...bands.keys()], [0.5, 0.25]);
  const p = bands.get(0.5)![0];
  assert.equal(p.iteration, 1);
  assert.ok(Math.abs(p.low - 0.62) < 1e-12 && Math.abs(p.high - 0.66) < 1e-12);
  assert.ok(Math.abs(p.mean - 0.64) < 1e-12);
  assert.ok(Math.abs(seedBands(seeded(), "loss").get(0.5)![0].high - 0.38) < 1e-12);
});

Deno.test("bandOverlap: how often the best run of one rate is ahead of the worst of the other", () => {
  const o = bandOverlap(seeded(), 0.5, 0.25);
  assert.deepEqual({ ...o, share: undefined }, {
    ahead: 0.5,
    behind: 0.25,
    of: 4,
    count: 2,
    share: undefined,
  });
  assert.equal(o.share, 0.5);
  assert.equal(bandOverlap(seeded(), 0.5, 0.25, { from: 3 }).share, 1);
  assert.equal(
    bandOverlap(seeded(), 0.25, 0.5).count,
    4,
    "the other way round they overlap throughout",
  );
  assert.throws(() => bandOverlap(seeded(), 0.5, 0.1), /no records for η = 0.1/);
});

Deno.test("meanOverSeeds and gapAtSameDistance: rates compared at the same η·t", () => {
  const means = meanOverSeeds(seeded(), (rate, t) => rate * t <= 1);
  assert.deepEqual(means.map((r) => [r.learningRate, r.iteration]), [
    [0.5, 1],
    [0.5, 2],
    [0.25, 1],
    [0.25, 2],
    [0.25, 3],
    [0.25, 4],
  ]);
  assert.ok(Math.abs(means[0].accuracy - 0.64) < 1e-12 && Math.abs(means[0].loss - 0.36) < 1e-12);
  // η = 0.5 at t against η = 0.25 at 2t: (1, 2) and (2, 4); gaps 0.64 − 0.44 and 0.64 − 0.64.
  const gap = gapAtSameDistance(means, 0.5, 0.25);
  assert.equal(gap.points, 2);
  assert.ok(Math.abs(gap.largest - 0.2) < 1e-12 && Math.abs(gap.mean - 0.1) < 1e-12);
  // A ratio of 2.5 pairs only even iterations: 0.25 at 2 with 0.1 at 5.
  const tenths = [1, 2, 3, 4, 5].flatMap((t) => [
    { learningRate: 0.25, iteration: t, accuracy: t / 10, loss: 1 },
    { learningRate: 0.1, iteration: t, accuracy: t / 20, loss: 1 },
  ]);
  const g = gapAtSameDistance(tenths, 0.25, 0.1);
  assert.equal(g.points, 1);
  assert.ok(Math.abs(g.mean - (0.2 - 0.25)) < 1e-12);
  assert.throws(() => gapAtSameDistance(tenths, 0.25, 0.05), /no iteration/);
});

Deno.test("climbTo: the rises into a peak and how fast they grow", () => {
  const xs = [5, 3, 3.1, 3.3, 3.7, 4.5, 2];
  const c = climbTo(xs, 5);
  assert.equal(c.from, 1);
  assert.deepEqual(c.rises.map((r) => Number(r.toFixed(9))), [0.1, 0.2, 0.4, 0.8]);
  assert.ok(Math.abs(c.growth - 2) < 1e-9, "each rise twice the one before");
  assert.deepEqual(climbTo(xs, 6).rises, [], "no climb into a fall");
  assert.ok(Number.isNaN(climbTo(xs, 2).growth), "one rise has no growth");
});

Deno.test("spikeChart marks each spike's peak in the loss and the accuracy", async () => {
  const records = Array.from({ length: 60 }, (_, i) => ({
    iteration: i + 1,
    loss: i === 30 || i === 45 ? 2 : 1 / (1 + i / 10),
    accuracy: 0.5 + i / 200,
  }));
  const found = spikes(records);
  assert.deepEqual(found.map((s) => s.peak), [31, 46]);
  const fig = await spikeChart(records, found, { title: "Spikes" });
  assert.equal(
    fig.description,
    "loss and accuracy, iterations 1–60, 2 spikes marked (peaks at 31, 46)",
  );
  assert.ok(fig.svg.includes(">31<") && fig.svg.includes(">46<") && fig.svg.includes("Spikes"));
  const zoomed = await spikeChart(records, found, { from: 40, to: 60 });
  assert.equal(
    zoomed.description,
    "loss and accuracy, iterations 40–60, 1 spikes marked (peaks at 46)",
  );
});
