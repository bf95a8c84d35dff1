/**
 * The benchmark's sections, each a function that measures and returns a typed result (no
 * printing: bench/report.ts turns results into the tables). The contenders of a section
 * alternate, so that a busy spell on the shared machine slows them alike; the Python peers
 * time themselves inside Python, the engines are timed around iterate().
 */
import { type Dataset, take, toMatrix } from "../lib/data/dataset.ts";
import { loadMnist } from "../lib/io/mnist.ts";
import { fastEngine } from "../lib/engines/fast/trainer.ts";
import { fastPredict } from "../lib/engines/fast/predict.ts";
import { predict } from "../lib/maths/network.ts";
import { initNetwork } from "../lib/maths/init.ts";
import { accuracy } from "../lib/maths/loss.ts";
import { createRng } from "../lib/maths/random.ts";
import type { TrainingEngine } from "../lib/engines/engine.ts";
import { referenceEngine } from "../lib/engines/reference.ts";
import { collectGarbage, Cores, type Stats, stats, time } from "./timing.ts";
import { type Peers, PythonPeer } from "./python.ts";

/** What every section is given. */
export interface BenchContext {
  train: Dataset;
  test: Dataset;
  /** Which Python peers can run here. */
  peers: Peers;
  /** Fewer iterations and rounds (a smoke run). */
  quick: boolean;
}

/** The full-batch learning rate of the timed iterations (as `deno task train`'s neighbours). */
const LEARNING_RATE = 0.5;

/** Rounds of the alternated sections. */
const rounds = (ctx: BenchContext) => ctx.quick ? 5 : 15;

function timeIterate(engine: TrainingEngine, cores = new Cores()): Promise<number> {
  return cores.time(() => engine.iterate(LEARNING_RATE));
}

export interface MachineResult {
  cores: number;
  deno: string;
  v8: string;
}

export function machine(): MachineResult {
  return { cores: navigator.hardwareConcurrency, deno: Deno.version.deno, v8: Deno.version.v8 };
}

// ---- loading

export interface LoadResult {
  /** Reading and checking the IDX files, ms. */
  train: Stats;
  test: Stats;
}

/** Reads the training and the test files three times each. */
export async function measureLoad(): Promise<LoadResult> {
  const loads = { train: [] as number[], test: [] as number[] };
  for (let i = 0; i < 3; i++) {
    for (const split of ["train", "test"] as const) {
      loads[split].push(await time(() => loadMnist(split)));
    }
  }
  return { train: stats(loads.train), test: stats(loads.test) };
}

// ---- full batch, 60,000 samples, 784 → 10 → 10

export interface TorchInfo {
  version: string;
  threads: number;
  /** The thread count torch starts with here. */
  defaultThreads: number;
}

export interface FullBatchResult {
  m: number;
  hidden: number;
  /** ms per iteration, alternated with the others. */
  fast: Stats;
  numpy?: Stats;
  torch?: Stats;
  torchAutograd?: Stats;
  reference: Stats;
  torchInfo?: TorchInfo;
  /** The engine alone, back to back, before the peers start (as `tune` runs it). */
  fastBackToBack: Stats;
  /** Cores the engine had (CPU time / wall time), alternated and back to back. */
  fastCores: number;
  fastBackToBackCores: number;
  setupMs: number;
  resetMs: number;
}

/**
 * The original network and `tune`'s workload: rounds of five engine iterations, then one
 * numpy, one torch (formulas written out), one torch autograd and (five times) one
 * reference iteration.
 */
export async function measureFullBatch(ctx: BenchContext): Promise<FullBatchResult> {
  const m = 60000, hidden = 10, iterations = rounds(ctx);
  const net = initNetwork(createRng(1), hidden);
  const t0 = performance.now();
  const fast = await fastEngine(net, take(ctx.train, m));
  const setupMs = performance.now() - t0;
  // First the engine alone, back to back, as `tune` runs it: before the other contenders
  // exist (the reference's 376 MB X and its garbage, the Python processes).
  for (let i = 0; i < 2; i++) await timeIterate(fast);
  const backToBack: number[] = [], backToBackCores = new Cores(), fastCores = new Cores();
  for (let i = 0; i < 2 * iterations; i++) {
    backToBack.push(await timeIterate(fast, backToBackCores));
  }
  const numpy = ctx.peers.numpy ? new PythonPeer("./numpy_peer.py") : undefined;
  const torch = ctx.peers.torch ? new PythonPeer("./torch_peer.py") : undefined;
  const reference = referenceEngine(
    net,
    toMatrix(take(ctx.train, m)),
    ctx.train.labels.subarray(0, m),
  );
  await numpy?.setup(m, hidden);
  // "ready torch <version> threads <n> default <n>"
  const torchReady = (await torch?.setup(m, hidden))?.split(" ");
  const torchInfo = torchReady && {
    version: torchReady[2],
    threads: Number(torchReady[4]),
    defaultThreads: Number(torchReady[6]),
  };
  for (let i = 0; i < 2; i++) await timeIterate(fast); // warm-up: JIT tiers, worker start
  await numpy?.iterate();
  await torch?.iterate();
  await torch?.iterate("autograd");
  const times = {
    fast: [] as number[],
    numpy: [] as number[],
    torch: [] as number[],
    torchAutograd: [] as number[],
    reference: [] as number[],
  };
  const referenceIterations = ctx.quick ? 2 : 5;
  // Rounds of FAST_RUN back-to-back engine iterations (as `tune` runs them), then the
  // others: the engine is not timed only on its first iteration after a half-second pause
  // (cold caches, a worker to wake).
  const FAST_RUN = 5;
  for (let i = 0; i < iterations; i++) {
    for (let k = 0; k < FAST_RUN; k++) times.fast.push(await timeIterate(fast, fastCores));
    if (numpy) times.numpy.push(await numpy.iterate());
    if (torch) {
      times.torch.push(await torch.iterate());
      times.torchAutograd.push(await torch.iterate("autograd"));
    }
    if (i < referenceIterations) {
      times.reference.push(await timeIterate(reference));
      collectGarbage(); // the reference's ~0.5 GB of temporaries, not on the next contender's clock
    }
  }
  await torch?.close();
  await numpy?.close();
  const resetMs = await time(() => fast.reset(net)); // what `tune` does between learning rates
  fast.dispose();
  return {
    m,
    hidden,
    fast: stats(times.fast),
    numpy: numpy && stats(times.numpy),
    torch: torch && stats(times.torch),
    torchAutograd: torch && stats(times.torchAutograd),
    reference: stats(times.reference),
    torchInfo,
    fastBackToBack: stats(backToBack),
    fastCores: fastCores.average,
    fastBackToBackCores: backToBackCores.average,
    setupMs,
    resetMs,
  };
}

// ---- scaling: m × hidden, full batch

export interface ScalingRow {
  m: number;
  hidden: number;
  /** ms per iteration. */
  fast: Stats;
  numpy?: Stats;
  fastCores: number;
}

/** The engine (three iterations a round) and numpy (one), for m × hidden. */
export async function measureScaling(ctx: BenchContext): Promise<ScalingRow[]> {
  const table: ScalingRow[] = [];
  const numpy = ctx.peers.numpy ? new PythonPeer("./numpy_peer.py") : undefined;
  for (const hidden of [10, 32, 128]) {
    for (const m of [1000, 10000, 60000]) {
      const fast = await fastEngine(initNetwork(createRng(1), hidden), take(ctx.train, m));
      const peer = ctx.quick && m === 60000 ? undefined : numpy;
      if (peer) {
        await peer.setup(m, hidden);
        await peer.iterate();
      }
      for (let i = 0; i < 2; i++) await timeIterate(fast);
      const f: number[] = [], n: number[] = [], cores = new Cores();
      for (let i = 0; i < rounds(ctx); i++) {
        for (let k = 0; k < 3; k++) f.push(await timeIterate(fast, cores));
        if (peer) n.push(await peer.iterate());
      }
      fast.dispose();
      table.push({
        m,
        hidden,
        fast: stats(f),
        numpy: peer && stats(n),
        fastCores: cores.average,
      });
    }
  }
  await numpy?.close();
  return table;
}

// ---- one epoch of 784 → 128 → 10, mini-batches of 64

/** A PyTorch peer of the epoch, on its better thread count. */
export interface TorchEpoch {
  /** ms of its first PROBE_STEPS steps on one thread and on two (the better of two tries each). */
  probeMs: { 1: number; 2: number };
  threads: 1 | 2;
  /** ms per epoch on `threads`. */
  epoch: Stats;
}

export interface MiniBatchResult {
  hidden: number;
  batchSize: number;
  learningRate: number;
  steps: number;
  setupMs: number;
  /** Each engine epoch's time and the test accuracy after it. */
  epochs: { ms: number; testAccuracy: number }[];
  engine: Stats;
  engineCores: number;
  probeSteps: number;
  /** nn.Sequential, CrossEntropyLoss, optim.SGD, randperm slices of samples as rows. */
  torchIdiomatic?: TorchEpoch;
  /** The formulas written out over samples as columns, rows gathered per batch. */
  torchWrittenOut?: TorchEpoch;
}

const PROBE_STEPS = 100;

/** Which of one and two threads a torch epoch command runs faster, from two short tries each. */
async function bestThreads(
  peer: PythonPeer,
  command: string,
  batchSize: number,
): Promise<Pick<TorchEpoch, "probeMs" | "threads">> {
  const tries: Record<1 | 2, number[]> = { 1: [], 2: [] };
  for (let i = 0; i < 2; i++) {
    for (const threads of [1, 2] as const) {
      tries[threads].push(await peer.iterate(`${command} ${batchSize} ${threads} ${PROBE_STEPS}`));
    }
  }
  const probeMs = { 1: Math.min(...tries[1]), 2: Math.min(...tries[2]) };
  return { probeMs, threads: probeMs[1] <= probeMs[2] ? 1 : 2 };
}

/**
 * Epochs of the engine (each followed by its test accuracy), alternated with an epoch of
 * the idiomatic PyTorch peer and one of the written-out peer, each on its better thread
 * count (chosen from PROBE_STEPS steps: two threads can be many times slower on a busy
 * machine, and a whole epoch of it would only measure the contention).
 */
export async function measureMiniBatch(ctx: BenchContext): Promise<MiniBatchResult> {
  const hidden = 128, batchSize = 64, learningRate = 0.1;
  const t0 = performance.now();
  const engine = await fastEngine(initNetwork(createRng(1), hidden), ctx.train, {
    batchSize,
    seed: 1,
  });
  const setupMs = performance.now() - t0;
  const steps = Math.ceil(ctx.train.count / batchSize);
  const torch = ctx.peers.torch ? new PythonPeer("./torch_peer.py") : undefined;
  await torch?.setup(ctx.train.count, hidden);
  const idiomatic = torch && await bestThreads(torch, "idiomatic", batchSize);
  const writtenOut = torch && await bestThreads(torch, "epoch", batchSize);
  const epochs: { ms: number; testAccuracy: number }[] = [];
  const idiomaticEpochs: number[] = [], writtenOutEpochs: number[] = [];
  const cores = new Cores();
  for (let round = 0; round < (ctx.quick ? 1 : 3); round++) {
    const ms = await cores.time(async () => {
      for (let s = 0; s < steps; s++) await engine.iterate(learningRate);
    });
    const predictions = await fastPredict(engine.network(), ctx.test);
    epochs.push({ ms, testAccuracy: accuracy(predictions, ctx.test.labels) });
    if (torch) {
      idiomaticEpochs.push(await torch.iterate(`idiomatic ${batchSize} ${idiomatic!.threads}`));
      writtenOutEpochs.push(await torch.iterate(`epoch ${batchSize} ${writtenOut!.threads}`));
    }
  }
  await torch?.close();
  engine.dispose();
  return {
    hidden,
    batchSize,
    learningRate,
    steps,
    setupMs,
    epochs,
    engine: stats(epochs.map((e) => e.ms)),
    engineCores: cores.average,
    probeSteps: PROBE_STEPS,
    torchIdiomatic: idiomatic && { ...idiomatic, epoch: stats(idiomaticEpochs) },
    torchWrittenOut: writtenOut && { ...writtenOut, epoch: stats(writtenOutEpochs) },
  };
}

// ---- evaluating the 10,000 test digits

export interface EvaluationResult {
  /** fastPredict at hidden 128 with both threads (its default), ms. */
  fastPredict128: Stats;
  fastPredict128Cores: number;
  fastPredict128OneThread: Stats;
  fastPredict10: Stats;
  /** The reference predict at hidden 10, once, ms. */
  referencePredict10Ms: number;
}

/**
 * fastPredict on both threads and on one, alternated, at hidden 128; at hidden 10; the
 * reference predict once. Its time does not depend on the weights' values: seeded
 * initial networks.
 */
export async function measureEvaluation(ctx: BenchContext): Promise<EvaluationResult> {
  const { test } = ctx;
  const wide = initNetwork(createRng(1), 128);
  const two: number[] = [], one: number[] = [], cores = new Cores();
  await fastPredict(wide, test, { threads: 2 }); // starts the worker
  for (let i = 0; i < (ctx.quick ? 3 : 10); i++) {
    two.push(await cores.time(() => fastPredict(wide, test)));
    one.push(await time(() => fastPredict(wide, test, { threads: 1 })));
  }
  const small = initNetwork(createRng(1), 10);
  const smallTimes: number[] = [];
  for (let i = 0; i < (ctx.quick ? 3 : 10); i++) {
    smallTimes.push(await time(() => fastPredict(small, test)));
  }
  const X = toMatrix(test);
  return {
    fastPredict128: stats(two),
    fastPredict128Cores: cores.average,
    fastPredict128OneThread: stats(one),
    fastPredict10: stats(smallTimes),
    referencePredict10Ms: await time(() => predict(small, X)),
  };
}
