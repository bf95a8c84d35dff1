/**
 * The bank (lib/engines/fast/bank.ts): K networks trained side by side give, network by
 * network, the bits of training each alone with the fast engine; a network that leaves does
 * not change the others' bits; the limits are checked before any work. The sweep trains its
 * rates (and seeds) as one bank, with the report of training them one after another.
 */
import assert from "node:assert/strict";
import {
  bankCapacity,
  createRng,
  type Dataset,
  fastBank,
  initNetwork,
  loadMnist,
  type Network,
  sweep,
  sweepSeeds,
  take,
  toJsonl,
  trainBank,
} from "../lib/mod.ts";
import { fastEngine } from "../lib/engines/fast/trainer.ts";

const trainSet = await loadMnist("train");

interface Run {
  /** loss, accuracy of every iteration. */
  metrics: number[];
  network: Network;
}

interface Setting {
  batchSize?: number;
  threads: 1 | 2;
  iterations: number;
}

async function alone(net: Network, rate: number, data: Dataset, s: Setting): Promise<Run> {
  const e = await fastEngine(net, data, { batchSize: s.batchSize, threads: s.threads, seed: 9 });
  try {
    const metrics: number[] = [];
    for (let i = 0; i < s.iterations; i++) {
      const m = await e.iterate(rate);
      metrics.push(m.loss, m.accuracy);
    }
    return { metrics, network: e.network() };
  } finally {
    e.dispose();
  }
}

async function banked(
  nets: Network[],
  rates: number[],
  data: Dataset,
  s: Setting,
): Promise<Run[]> {
  const bank = await fastBank(nets, data, {
    batchSize: s.batchSize,
    threads: s.threads,
    seed: 9,
  });
  try {
    const metrics: number[][] = nets.map(() => []);
    for (let i = 0; i < s.iterations; i++) {
      (await bank.iterate(rates)).forEach((m, k) => metrics[k].push(m!.loss, m!.accuracy));
    }
    return nets.map((_, k) => ({ metrics: metrics[k], network: bank.network(k) }));
  } finally {
    bank.dispose();
  }
}

const starts = (hidden: number, n: number) =>
  Array.from({ length: n }, (_, k) => initNetwork(createRng(40 + k), hidden));
const ratesOf = (n: number) => Array.from({ length: n }, (_, k) => 0.6 / (k + 1));

// hidden 10: one tile of 3 vectors (summed in 4 chains); hidden 22: a tile of 4 vectors
// (2 chains) and one of 2 (4 chains), neither a multiple of 4.
for (const hidden of [10, 22]) {
  for (const batchSize of [undefined, 128]) {
    for (const threads of [1, 2] as const) {
      const name = `hidden ${hidden}, batch ${batchSize ?? "full"}, ${threads} thread${
        threads === 2 ? "s" : ""
      }`;
      Deno.test(`bank of K = 1…8 ≡ each network alone, bit for bit: ${name}`, async () => {
        const data = take(trainSet, 1001);
        const setting = { batchSize, threads, iterations: batchSize ? 10 : 4 }; // 10: a 2nd epoch
        const nets = starts(hidden, 8), rates = ratesOf(8);
        const want: Run[] = [];
        for (let k = 0; k < 8; k++) want.push(await alone(nets[k], rates[k], data, setting));
        for (let K = 1; K <= 8; K++) {
          const got = await banked(nets.slice(0, K), rates.slice(0, K), data, setting);
          got.forEach((run, k) => assert.deepEqual(run, want[k], `K = ${K}, network ${k}`));
        }
        // and they learnt: the check is not comparing frozen networks
        assert.ok(want[0].metrics.at(-2)! < want[0].metrics[0]);
      });
    }
  }
}

Deno.test("bank ≡ alone over several blocks of the full batch's column pass, one thread and two", async () => {
  // hidden 100: blocks of 491 samples, 3 per shard; tiles of 4 vectors (6 of them) and 1
  const data = take(trainSet, 3001);
  const nets = starts(100, 3), rates = ratesOf(3);
  for (const threads of [1, 2] as const) {
    const setting = { threads, iterations: 3 };
    const got = await banked(nets, rates, data, setting);
    for (let k = 0; k < 3; k++) {
      assert.deepEqual(got[k], await alone(nets[k], rates[k], data, setting));
    }
  }
});

Deno.test("bank: mini-batches too wide for the batch's dZ_h rows take the scatter, with the same bits", async () => {
  // 900 × 4 bytes × 1300 units (one network) fit the 24-bit offsets; × 4 networks do not
  const data = take(trainSet, 1800);
  const setting = { batchSize: 900, threads: 2 as const, iterations: 3 };
  const nets = starts(1300, 4), rates = ratesOf(4);
  const got = await banked(nets, rates, data, setting);
  for (let k = 0; k < 4; k++) {
    assert.deepEqual(got[k], await alone(nets[k], rates[k], data, setting));
  }
});

Deno.test("bank: a network that diverges leaves, the others keep their bits", async () => {
  const data = take(trainSet, 600);
  const setting = { batchSize: 200, threads: 2 as const, iterations: 12 };
  const nets = starts(10, 3), rates = [0.5, 1000, 0.1];
  const bank = await fastBank(nets, data, { batchSize: 200, threads: 2, seed: 9 });
  const metrics: number[][] = [[], [], []];
  const diverged: { index: number; iteration: number }[] = [];
  let left: Network | undefined;
  for await (const step of trainBank(bank, { iterations: 12, learningRates: rates })) {
    step.records.forEach((r, k) => r && metrics[k].push(r.loss, r.accuracy));
    for (const d of step.diverged) {
      diverged.push({ index: d.index, iteration: d.error.iteration });
      left = bank.network(d.index);
    }
  }
  try {
    assert.equal(diverged.length, 1);
    assert.equal(diverged[0].index, 1);
    assert.ok(!bank.active(1) && bank.active(0) && bank.active(2));
    assert.deepEqual(bank.network(1), left, "a network that left is not stepped any more");
    for (const k of [0, 2]) {
      assert.deepEqual(
        { metrics: metrics[k], network: bank.network(k) },
        await alone(nets[k], rates[k], data, setting),
      );
    }
    assert.equal(metrics[1].length, 2 * (diverged[0].iteration - 1));
  } finally {
    bank.dispose();
  }
});

Deno.test("bank: reset(networks) runs as a fresh bank does, the networks that left back in", async () => {
  const data = take(trainSet, 700);
  const nets = starts(12, 3), rates = ratesOf(3);
  const setting = { batchSize: 300, threads: 1 as const, iterations: 4 };
  const fresh = await banked(nets, rates, data, setting);
  const bank = await fastBank(starts(12, 3).reverse(), data, {
    batchSize: 300,
    threads: 1,
    seed: 9,
  });
  try {
    for (let i = 0; i < 5; i++) await bank.iterate(rates);
    bank.remove(2);
    bank.reset(nets);
    const metrics: number[][] = [[], [], []];
    for (let i = 0; i < 4; i++) {
      (await bank.iterate(rates)).forEach((m, k) => metrics[k].push(m!.loss, m!.accuracy));
    }
    assert.deepEqual(
      nets.map((_, k) => ({ metrics: metrics[k], network: bank.network(k) })),
      fresh,
    );
  } finally {
    bank.dispose();
  }
});

Deno.test("bank: its limits are checked before any work, with one-line errors", async () => {
  const data = take(trainSet, 100);
  await assert.rejects(
    () => fastBank(starts(1300, 5), data),
    /at most 5348 hidden units side by side \(networks × hidden rounded up to 4\), got 5 × 1300 = 6500/,
  );
  await assert.rejects(
    () => fastBank([initNetwork(createRng(1), 10), initNetwork(createRng(1), 12)], data),
    /shape/,
  );
  await assert.rejects(() => fastBank([], data), /at least one network/);
  const bank = await fastBank(starts(10, 2), data, { threads: 1 });
  try {
    await assert.rejects(() => bank.iterate([0.1]), /one learning rate per network \(2\), got 1/);
    assert.throws(() => bank.network(2), /networks 0 to 1, got 2/);
  } finally {
    bank.dispose();
  }
  await assert.rejects(() => bank.iterate([0.1, 0.1]), /disposed/);
});

/** A sweep's outcomes without their seconds (runs trained at once share them). */
const timeless = <O extends { seconds: number }>(outcomes: O[]) =>
  outcomes.map(({ seconds: _, ...rest }) => rest);

Deno.test("sweep: the rates trained at once in a bank give the report and outcomes of training them one after another", async () => {
  const options = {
    engine: "fast" as const,
    network: initNetwork(createRng(1)),
    data: take(trainSet, 500),
    learningRates: [0.5, 1000, 0.1, 0.05], // 1000 diverges at its 2nd iteration
    iterations: 25,
    every: 5,
  };
  const events: string[] = [];
  const together = await sweep(options, {
    start: (rate, run) => events.push(`start ${rate} ${run}`),
    iteration: (rate, r, run) => r.iteration === 25 && events.push(`25 ${rate} ${run}`),
    end: (o, error, run) => events.push(`end ${o.learningRate} ${run}${error ? " diverged" : ""}`),
  });
  const apart = await sweep({ ...options, together: false });
  assert.equal(toJsonl(together.records), toJsonl(apart.records));
  assert.deepEqual(timeless(together.outcomes), timeless(apart.outcomes));
  assert.match(together.outcomes[1].diverged!, /^training diverged at iteration 2: /);
  assert.equal(together.records.length, 3 * 5);
  assert.deepEqual(events, [
    "start 0.5 0",
    "start 1000 1",
    "start 0.1 2",
    "start 0.05 3",
    "end 1000 1 diverged",
    "25 0.5 0",
    "25 0.1 2",
    "25 0.05 3",
    "end 0.5 0",
    "end 0.1 2",
    "end 0.05 3",
  ]);
});

Deno.test("sweepSeeds: seeds × rates as one bank, the records of sweep() once per seed", async () => {
  const data = take(trainSet, 400);
  const base = {
    engine: "fast" as const,
    data,
    learningRates: [0.5, 0.1],
    iterations: 12,
    every: 1,
  };
  const seeds = [1, 2, 3];
  const { records, outcomes } = await sweepSeeds({
    ...base,
    seeds,
    network: (seed) => initNetwork(createRng(seed)),
  });
  const want = [];
  for (const seed of seeds) {
    const own = await sweep({ ...base, network: initNetwork(createRng(seed)), together: false });
    want.push(...own.records.map((r) => ({ ...r, seed })));
  }
  assert.deepEqual(records, want);
  assert.deepEqual(outcomes.map((o) => [o.seed, o.learningRate]), [
    [1, 0.5],
    [1, 0.1],
    [2, 0.5],
    [2, 0.1],
    [3, 0.5],
    [3, 0.1],
  ]);
});

Deno.test("sweep: networks too wide for one bank train in banks of as many as fit", async () => {
  assert.equal(bankCapacity(3000), 1);
  assert.equal(bankCapacity(10), 85); // a full batch's blocks of dZ_h rows: 85 × 192 KiB < 16 MiB
  const options = {
    engine: "fast" as const,
    network: initNetwork(createRng(4), 3000),
    data: take(trainSet, 200),
    learningRates: [0.3, 0.1],
    iterations: 3,
    every: 1,
  };
  const together = await sweep(options);
  const apart = await sweep({ ...options, together: false });
  assert.deepEqual(together.records, apart.records);
});
