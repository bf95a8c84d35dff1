/**
 * The fast engine (lib/engines/fast/) against the reference engine: same maths, same batches,
 * deterministic, disposable; its sparse encoding, batch prediction and wasm build.
 */
import assert from "node:assert/strict";
import {
  batchSchedule,
  createEngine,
  createRng,
  type Dataset,
  type EngineName,
  fastPredict,
  initHe,
  initNetwork,
  INPUTS,
  loadMnist,
  type Network,
  PARAMETERS,
  predict,
  take,
  toMatrix,
  type TrainingRecord,
} from "../lib/mod.ts";
import { fastEngine } from "../lib/engines/fast/trainer.ts";
import { countNonZeros, encodeColumns, encodeSparse } from "../lib/engines/fast/sparse.ts";
import { buildKernels, KERNELS_WASM } from "../tools/build-wasm.ts";

const trainSet = await loadMnist("train");
const testSet = await loadMnist("test");

/**
 * The fast engine computes in float32 (unit roundoff 2⁻²⁴ ≈ 6e-8) and sums each shard's
 * gradients over ~1,500 samples in another order than the float64 reference; after a few
 * steps the parameters (of size ~1) differ by ~1e-6 (measured: at most 1e-6 for these
 * runs). 2e-5 leaves a 20× margin, yet a wrong formula (a missed 1/m, 1/255, ReLU′ or
 * bias term) moves them by far more than that.
 */
const TOLERANCE = 2e-5;

interface Run {
  records: TrainingRecord[];
  network: Network;
}

async function run(
  engine: EngineName,
  data: Dataset,
  {
    hidden = 10,
    iterations = 5,
    learningRate = 0.5,
    batchSize = undefined as number | undefined,
    network = undefined as Network | undefined,
  } = {},
): Promise<Run> {
  const e = await createEngine({
    engine,
    network: network ?? initNetwork(createRng(7), hidden),
    data,
    batchSize,
    seed: 3,
  });
  try {
    const records: TrainingRecord[] = [];
    for (let iteration = 1; iteration <= iterations; iteration++) {
      records.push({ iteration, ...await e.iterate(learningRate) });
    }
    return { records, network: e.network() };
  } finally {
    e.dispose();
  }
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

function assertClose(fast: Run, reference: Run) {
  assert.equal(fast.records.length, reference.records.length);
  fast.records.forEach((f, i) => {
    const r = reference.records[i];
    assert.ok(Math.abs(f.loss - r.loss) <= TOLERANCE * r.loss, `loss ${f.loss} vs ${r.loss}`);
    // Same predictions barring a float32 near-tie: at most one sample in 1,000 may differ.
    assert.ok(Math.abs(f.accuracy - r.accuracy) <= 1e-3, `accuracy ${f.accuracy} vs ${r.accuracy}`);
  });
  for (const p of PARAMETERS) {
    const d = maxDifference(fast.network[p].data, reference.network[p].data);
    assert.ok(d <= TOLERANCE, `${p} differs by ${d}`);
  }
}

for (const hidden of [10, 32]) {
  Deno.test(`fast ≡ reference, full batch, hidden ${hidden}: losses, accuracies, parameters`, async () => {
    const data = take(trainSet, 3000);
    const fast = await run("fast", data, { hidden });
    const reference = await run("reference", data, { hidden });
    assertClose(fast, reference);
    // and the run did learn something: the check is not comparing two frozen networks
    assert.ok(fast.records[4].loss < fast.records[0].loss);
  });
}

Deno.test("fast ≡ reference with mini-batches of 100 (same shuffled order), into the 2nd epoch", async () => {
  const data = take(trainSet, 1050);
  const options = { hidden: 16, iterations: 14, learningRate: 0.1, batchSize: 100 };
  const fast = await run("fast", data, options);
  const reference = await run("reference", data, options);
  assertClose(fast, reference);
  // the last batch of an epoch holds the remaining 50 samples: accuracies are multiples of 1/50
  assert.ok(Number.isInteger(Math.round(fast.records[10].accuracy * 50 * 1e6) / 1e6));
});

Deno.test("the fast engine is deterministic: identical runs, with one or two threads", async () => {
  const data = take(trainSet, 2001);
  const net = initNetwork(createRng(11), 12);
  const runWith = async (threads: 1 | 2) => {
    const e = await fastEngine(net, data, { threads, batchSize: 500, seed: 5 });
    const losses: number[] = [];
    for (let i = 0; i < 6; i++) losses.push((await e.iterate(0.3)).loss);
    const out = { losses, network: e.network() };
    e.dispose();
    return out;
  };
  const a = await runWith(2);
  assert.deepEqual(await runWith(2), a);
  assert.deepEqual(await runWith(1), a);
});

Deno.test("full batch: the column-wise backward pass equals the scattered one, with one or two threads", async () => {
  const data = take(trainSet, 3001);
  const net = initNetwork(createRng(13), 100); // hp 100: blocks of 491 samples, 3 per shard
  const runWith = async (backward: "columns" | "scatter", threads: 1 | 2) => {
    const e = await fastEngine(net, data, { threads, backward });
    const records: TrainingRecord[] = [];
    for (let i = 1; i <= 4; i++) records.push({ iteration: i, ...await e.iterate(0.5) });
    const out = { records, network: e.network() };
    e.dispose();
    return out;
  };
  const columns = await runWith("columns", 2);
  assert.deepEqual(await runWith("columns", 1), columns);
  // the same sums in another order: equal to float32 rounding, not bit for bit
  const scatter = await runWith("scatter", 2);
  assertClose(columns, scatter);
  assert.notDeepEqual(columns.network.W_h.data, scatter.network.W_h.data);
});

Deno.test("mini-batches: dW_h by the batch's columns equals the scattered one bit for bit, with one or two threads", async () => {
  const data = take(trainSet, 1000);
  const net = initNetwork(createRng(17), 36); // hp 36: tiles of 4 + 4 + 1 vectors
  const runWith = async (backward: "columns" | "scatter", threads: 1 | 2, batchSize: number) => {
    const e = await fastEngine(net, data, { threads, backward, batchSize, seed: 4 });
    const records: TrainingRecord[] = [];
    for (let i = 1; i <= 12; i++) records.push({ iteration: i, ...await e.iterate(0.3) });
    const out = { records, network: e.network() };
    e.dispose();
    return out;
  };
  for (const batchSize of [1, 64, 333]) {
    const scatter = await runWith("scatter", 2, batchSize);
    assert.deepEqual(await runWith("columns", 2, batchSize), scatter);
    assert.deepEqual(await runWith("columns", 1, batchSize), scatter);
  }
});

for (const engine of ["fast", "reference"] as const) {
  for (const batchSize of [undefined, 300]) {
    Deno.test(`${engine} engine, batch ${batchSize ?? "full"}: reset(network) runs as a fresh engine does`, async () => {
      const data = take(trainSet, 1000);
      const first = initNetwork(createRng(21), 12), second = initNetwork(createRng(22), 12);
      const fresh = await run(engine, data, { network: second, batchSize, iterations: 4 });
      const e = await createEngine({ engine, network: first, data, batchSize, seed: 3 });
      try {
        for (let i = 0; i < 5; i++) await e.iterate(0.5); // mid-epoch, parameters moved
        e.reset(second);
        const records: TrainingRecord[] = [];
        for (let iteration = 1; iteration <= 4; iteration++) {
          records.push({ iteration, ...await e.iterate(0.5) });
        }
        assert.deepEqual({ records, network: e.network() }, fresh);
        assert.throws(() => e.reset(initNetwork(createRng(1), 10)), /shape/);
      } finally {
        e.dispose();
      }
    });
  }
}

Deno.test("dispose stops the worker and the engine", async () => {
  const e = await createEngine({
    engine: "fast",
    network: initNetwork(createRng(2)),
    data: take(trainSet, 500),
  });
  await e.iterate(0.1);
  e.dispose();
  await assert.rejects(async () => await e.iterate(0.1), /disposed/);
});

Deno.test("batchSchedule: every epoch is a fresh permutation cut into batches; a full batch is not shuffled", () => {
  const s = batchSchedule(10, { batchSize: 4, seed: 9 });
  const epochs: number[][] = [];
  for (let epoch = 0; epoch < 2; epoch++) {
    const seen: number[] = [];
    for (const size of [4, 4, 2]) {
      const { from, to } = s.next();
      assert.equal(to - from, size);
      seen.push(...s.order.subarray(from, to));
    }
    assert.deepEqual([...seen].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    epochs.push(seen);
  }
  assert.notDeepEqual(epochs[0], epochs[1]);
  assert.notDeepEqual(epochs[0], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const full = batchSchedule(10);
  assert.deepEqual(full.next(), { from: 0, to: 10 });
  assert.deepEqual(full.next(), { from: 0, to: 10 });
  assert.deepEqual([...full.order], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.throws(() => batchSchedule(10, { batchSize: 0 }), /positive integer/);
});

Deno.test("the sparse encoding lists exactly the non-zero pixels of each image, by rows and by columns", () => {
  const data = take(trainSet, 50);
  const rowBytes = 48;
  // the same bytes at an offset of 1: not readable as 32-bit words
  const unaligned = new Uint8Array(data.images.length + 1).fill(7).subarray(1);
  unaligned.set(data.images);
  for (const images of [data.images, unaligned]) {
    const pixels = new Uint16Array(countNonZeros(images, data.count));
    const rows = encodeSparse(images, data.count, rowBytes, undefined, pixels);
    const { entries, starts } = rows;
    assert.equal(starts[data.count], pixels.length);
    const rebuilt = new Uint8Array(data.count * INPUTS);
    for (let s = 0; s < data.count; s++) {
      for (let k = starts[s]; k < starts[s + 1]; k++) {
        assert.ok((entries[k] & 0xff) > 0 && entries[k] >>> 8 === pixels[k] * rowBytes);
        rebuilt[s * INPUTS + pixels[k]] = entries[k] & 0xff;
      }
    }
    assert.deepEqual(rebuilt, data.images);

    const blocks = [0, 20, 25, 50];
    const columns = new Uint32Array(entries.length);
    const columnStarts = new Uint32Array(3 * INPUTS + 1);
    encodeColumns(rows, pixels, rowBytes, blocks, columns, columnStarts);
    const byColumns = new Uint8Array(data.count * INPUTS);
    for (let k = 0; k < 3; k++) {
      for (let p = 0; p < INPUTS; p++) {
        let previous = -1;
        for (
          let q = columnStarts[k * INPUTS + p];
          q < columnStarts[k * INPUTS + p + 1];
          q++
        ) {
          const s = blocks[k] + (columns[q] >>> 8) / rowBytes;
          assert.ok(s > previous && s < blocks[k + 1]);
          previous = s;
          byColumns[s * INPUTS + p] = columns[q] & 0xff;
        }
      }
    }
    assert.deepEqual(byColumns, data.images);
  }
});

Deno.test("fastPredict equals evaluate.ts predict on the 10,000 test digits", async () => {
  for (const hidden of [10, 33]) {
    const net = initNetwork(createRng(hidden), hidden);
    assert.deepEqual(await fastPredict(net, testSet), predict(net, toMatrix(testSet)));
  }
});

Deno.test("fastPredict gives the same digits with one thread or two (the worker predicts every other window)", async () => {
  for (const hidden of [10, 40]) {
    const net = initNetwork(createRng(hidden + 1), hidden);
    const one = await fastPredict(net, testSet, { threads: 1 });
    assert.deepEqual(one, predict(net, toMatrix(testSet)));
    assert.deepEqual(await fastPredict(net, testSet, { threads: 2 }), one);
    const few = take(testSet, 1500); // one window and a half
    assert.deepEqual(await fastPredict(net, few, { threads: 2 }), one.subarray(0, 1500));
  }
});

async function trained(network: Network, data: Dataset, iterations: number): Promise<Network> {
  const engine = await createEngine({ engine: "fast", network, data });
  try {
    for (let i = 0; i < iterations; i++) await engine.iterate(0.5);
    return engine.network();
  } finally {
    engine.dispose();
  }
}

Deno.test("fastPredict after a worker of a narrower network: stopping it writes nothing into the wider one", async () => {
  // A worker started for hidden 10 is stopped through its control words, which must not lie
  // where the hidden-128 layout keeps W_h: a moved weight would flip the prediction of a
  // near-tie (test digit 4738).
  const wide = await trained(initHe(createRng(1), 128), take(trainSet, 1000), 25);
  const narrow = initNetwork(createRng(10), 10);
  await fastPredict(narrow, testSet, { threads: 2 }); // a worker for hidden 10
  assert.deepEqual(
    await fastPredict(wide, testSet, { threads: 2 }),
    predict(wide, toMatrix(testSet)),
  );
  assert.deepEqual(
    await fastPredict(narrow, testSet, { threads: 2 }),
    predict(narrow, toMatrix(testSet)),
  );
});

Deno.test("kernels.wasm is what `deno task wasm:build` builds from kernels.as, byte for byte", async () => {
  const committed = await Deno.readFile(KERNELS_WASM);
  assert.deepEqual(await buildKernels(), committed);
});
