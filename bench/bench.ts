/**
 * `deno task bench`: how fast is the fast engine? Against the reference engine, a numpy peer
 * (bench/numpy_peer.py, same formulas in float32) and a PyTorch peer
 * (bench/torch_peer.py: the same formulas with CPU tensors, and the autograd version),
 * alternating the contenders (rounds of five engine iterations, one numpy, one torch, one
 * torch autograd, one reference) so that a busy machine slows them alike. Then the scaling
 * of full batches with m and hidden (engine and numpy), a mini-batch epoch (engine and
 * PyTorch, alternated), prediction, loading, and a summary of the headline ratios.
 * bench/README.md says more, with a run's full output.
 *
 *   deno task bench            the tables
 *   deno task bench --json     the same figures, machine-readable
 *   deno task bench --quick    fewer iterations, no 60k numpy scaling runs (a smoke run)
 *
 * The Python peers time themselves inside Python (process round trips excluded); the engines
 * are timed around iterate(). Figures are wall-clock on a shared machine: re-run when noisy.
 */
import process from "node:process";
import { take, toMatrix } from "../lib/data/dataset.ts";
import { loadMnist } from "../lib/io/mnist.ts";
import { fastEngine } from "../lib/engines/fast/trainer.ts";
import { fastPredict } from "../lib/engines/fast/predict.ts";
import { predict } from "../lib/maths/network.ts";
import { initNetwork } from "../lib/maths/init.ts";
import { accuracy } from "../lib/maths/loss.ts";
import { createRng } from "../lib/maths/random.ts";
import type { TrainingEngine } from "../lib/engines/engine.ts";
import { referenceEngine } from "../lib/engines/reference.ts";

const JSON_OUTPUT = Deno.args.includes("--json");
const QUICK = Deno.args.includes("--quick");
const ITERATIONS = QUICK ? 5 : 15;
const LEARNING_RATE = 0.5;
const log = (...a: unknown[]) => JSON_OUTPUT || console.log(...a);

interface Stats {
  median: number;
  min: number;
  max: number;
  n: number;
}

function stats(ms: number[]): Stats {
  const s = [...ms].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], n: s.length };
}

const fmt = (x: number) => x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0);
const row = (cells: (string | number)[], widths: number[]) =>
  cells.map((c, i) => String(c).padStart(widths[i])).join("  ");

/** A Python peer process (numpy_peer.py, torch_peer.py), driven line by line. */
class PythonPeer {
  #process: Deno.ChildProcess;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #lines: AsyncIterator<string>;
  #buffer = "";
  constructor(readonly script: string) {
    this.#process = new Deno.Command("/usr/bin/python3", {
      args: [new URL(script, import.meta.url).pathname],
      // OpenBLAS threads spin for a while after each call; alternating contenders would pay
      // for the previous one's spinning. 2^4 cycles makes them sleep at once.
      env: { OPENBLAS_THREAD_TIMEOUT: "4" },
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    this.#writer = this.#process.stdin.getWriter();
    this.#lines = this.#read();
  }
  async *#read(): AsyncGenerator<string> {
    const decoder = new TextDecoder();
    for await (const chunk of this.#process.stdout) {
      this.#buffer += decoder.decode(chunk, { stream: true });
      let nl;
      while ((nl = this.#buffer.indexOf("\n")) >= 0) {
        yield this.#buffer.slice(0, nl);
        this.#buffer = this.#buffer.slice(nl + 1);
      }
    }
  }
  async #ask(command: string): Promise<string> {
    await this.#writer.write(new TextEncoder().encode(command + "\n"));
    const { value, done } = await this.#lines.next();
    if (done) throw new Error(`the peer ${this.script} exited`);
    return value;
  }
  /** Returns the peer's "ready …" line (the torch peer names its version and threads there). */
  setup(m: number, hidden: number): Promise<string> {
    return this.#ask(`setup ${m} ${hidden}`);
  }
  /** One iteration ("iterate", or the torch peer's "autograd"); its time in ms as measured inside Python. */
  async iterate(command = "iterate"): Promise<number> {
    return Number((await this.#ask(command)).split(" ")[0]);
  }
  async close(): Promise<void> {
    await this.#writer.write(new TextEncoder().encode("quit\n"));
    await this.#writer.close();
    await this.#process.status;
  }
}

async function importable(module: string): Promise<boolean> {
  try {
    const { success } = await new Deno.Command("/usr/bin/python3", {
      args: ["-c", `import ${module}`],
      stdout: "null",
      stderr: "null",
    }).output();
    return success;
  } catch {
    return false;
  }
}

/** A full GC when the task exposes it (--v8-flags=--expose-gc), so one contender's garbage is not collected on another's time. */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** CPU time of this process (all its threads: the engine's worker too), ms. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Wall and CPU time summed over timed spans: CPU / wall is how many cores the engine had on
 * average (2 when both threads ran side by side; 1 when the machine left it one core).
 */
class Cores {
  wall = 0;
  cpu = 0;
  /** Runs f, adds its times; returns its wall time, ms. */
  async time(f: () => unknown): Promise<number> {
    const w = performance.now(), c = cpuMs();
    await f();
    const wall = performance.now() - w;
    this.wall += wall;
    this.cpu += cpuMs() - c;
    return wall;
  }
  get average(): number {
    return this.cpu / this.wall;
  }
}

function timeIterate(engine: TrainingEngine, cores = new Cores()): Promise<number> {
  return cores.time(() => engine.iterate(LEARNING_RATE));
}

const results: Record<string, unknown> = {
  machine: { cores: navigator.hardwareConcurrency, deno: Deno.version.deno, v8: Deno.version.v8 },
};

// ---- IDX load time
const loads = { train: [] as number[], test: [] as number[] };
for (let i = 0; i < 3; i++) {
  for (const split of ["train", "test"] as const) {
    const t0 = performance.now();
    await loadMnist(split);
    loads[split].push(performance.now() - t0);
  }
}
const train = await loadMnist("train");
const test = await loadMnist("test");
results.idxLoad = { train: stats(loads.train), test: stats(loads.test) };

// The Python peers start (and import numpy/torch, seconds of CPU) only after the engine
// has been timed alone.
let numpy: PythonPeer | undefined;
let torch: PythonPeer | undefined;
async function startPeers(): Promise<void> {
  numpy = (await importable("numpy")) ? new PythonPeer("./numpy_peer.py") : undefined;
  if (!numpy) {
    log(
      "numpy peer skipped: /usr/bin/python3 with numpy is not available (apt-get install python3-numpy)",
    );
  }
  // Only for the full-batch section: the scaling table stays numpy's.
  torch = numpy && (await importable("torch")) ? new PythonPeer("./torch_peer.py") : undefined;
  if (!torch) {
    log(
      "torch peer skipped: /usr/bin/python3 cannot import torch (apt-get install --no-install-recommends python3-torch)",
    );
  }
}

// ---- full batch, 60,000 samples, 784 → 10 → 10: the contenders, alternated
{
  const m = 60000, hidden = 10;
  const net = initNetwork(createRng(1), hidden);
  const t0 = performance.now();
  const fast = await fastEngine(net, take(train, m));
  const setupMs = performance.now() - t0;
  // First the engine alone, back to back, as `tune` runs it: before the other contenders
  // exist (the reference's 376 MB X and its garbage, the Python processes).
  for (let i = 0; i < 2; i++) await timeIterate(fast);
  const backToBack: number[] = [], backToBackCores = new Cores(), fastCores = new Cores();
  for (let i = 0; i < 2 * ITERATIONS; i++) {
    backToBack.push(await timeIterate(fast, backToBackCores));
  }
  await startPeers();
  const reference = referenceEngine(net, toMatrix(take(train, m)), train.labels.subarray(0, m));
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
  const referenceIterations = QUICK ? 2 : 5;
  // Rounds of FAST_RUN back-to-back engine iterations (as `tune` runs them), then one numpy,
  // one torch, one torch autograd and one reference iteration: a busy spell slows every contender, and the engine is not
  // timed only on its first iteration after a half-second pause (cold caches, a worker to wake).
  const FAST_RUN = 5;
  for (let i = 0; i < ITERATIONS; i++) {
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
  await torch?.close(); // its copy of X is not needed in the sections below
  const t1 = performance.now();
  fast.reset(net); // what `tune` does between learning rates
  const resetMs = performance.now() - t1;
  fast.dispose();
  const s = {
    fast: stats(times.fast),
    numpy: numpy ? stats(times.numpy) : undefined,
    torch: torch ? stats(times.torch) : undefined,
    "torch autograd": torch ? stats(times.torchAutograd) : undefined,
    reference: stats(times.reference),
  };
  results.fullBatch = {
    m,
    hidden,
    ...s,
    torchInfo,
    engineOverNumpy: s.numpy ? s.fast.median / s.numpy.median : undefined,
    engineOverTorch: s.torch ? s.fast.median / s.torch.median : undefined,
    engineOverTorchAutograd: s["torch autograd"]
      ? s.fast.median / s["torch autograd"].median
      : undefined,
    engineOverReference: s.fast.median / s.reference.median,
    fastBackToBack: stats(backToBack),
    fastCores: fastCores.average,
    fastBackToBackCores: backToBackCores.average,
    setupMs,
    resetMs,
  };
  const w = [34, 9, 8, 8, 4];
  log(`\nFull-batch iteration, m = ${m}, 784 → ${hidden} → 10 (ms; forward + backward + update)`);
  log(row(["contender", "median", "min", "max", "n"], w));
  for (const [name, x] of Object.entries(s)) {
    if (x) log(row([name, fmt(x.median), fmt(x.min), fmt(x.max), x.n], w));
  }
  const b = stats(backToBack);
  log(row(["fast, back to back (as tune runs)", fmt(b.median), fmt(b.min), fmt(b.max), b.n], w));
  for (const name of ["numpy", "torch", "torch autograd", "reference"] as const) {
    const x = s[name];
    if (x) {
      log(
        `fast / ${name} = ${(s.fast.median / x.median).toFixed(4)} (${name} is ${
          (x.median / s.fast.median).toFixed(1)
        }× slower)`,
      );
    }
  }
  log(
    `cores the engine had (its CPU time / wall time): ${fastCores.average.toFixed(2)} alternated, ${
      backToBackCores.average.toFixed(2)
    } back to back`,
  );
  if (torchInfo) {
    log(
      `torch ${torchInfo.version}, float32 CPU, ${torchInfo.threads} threads (its default here: ${torchInfo.defaultThreads})`,
    );
  }
  log(
    `fast engine setup (sparse rows and columns, memory, worker): ${fmt(setupMs)} ms; reset: ${
      fmt(resetMs)
    } ms`,
  );
}

// ---- scaling: m × hidden, fast engine (and numpy), median ms/iteration
{
  const table: Record<string, unknown>[] = [];
  const w = [7, 7, 10, 10, 10, 8, 6];
  log(
    `\nScaling, full batch (median ms/iteration: fast over ${
      3 * ITERATIONS
    }, numpy over ${ITERATIONS}; min in the JSON)`,
  );
  log(row(["m", "hidden", "fast", "numpy", "numpy/fast", "fast/m µs", "cores"], w));
  for (const hidden of [10, 32, 128]) {
    for (const m of [1000, 10000, 60000]) {
      const fast = await fastEngine(initNetwork(createRng(1), hidden), take(train, m));
      const peer = QUICK && m === 60000 ? undefined : numpy;
      if (peer) {
        await peer.setup(m, hidden);
        await peer.iterate();
      }
      for (let i = 0; i < 2; i++) await timeIterate(fast);
      const f: number[] = [], n: number[] = [], cores = new Cores();
      for (let i = 0; i < ITERATIONS; i++) {
        for (let k = 0; k < 3; k++) f.push(await timeIterate(fast, cores));
        if (peer) n.push(await peer.iterate());
      }
      fast.dispose();
      const sf = stats(f), sn = peer ? stats(n) : undefined;
      table.push({ m, hidden, fast: sf, numpy: sn, fastCores: cores.average });
      log(row([
        m,
        hidden,
        fmt(sf.median),
        sn ? fmt(sn.median) : "-",
        sn ? (sn.median / sf.median).toFixed(1) : "-",
        (1000 * sf.median / m).toFixed(3),
        cores.average.toFixed(2),
      ], w));
    }
  }
  results.scaling = table;
}

// ---- one epoch of 784 → 128 → 10, mini-batches of 64, and its test accuracy; PyTorch's
// epoch (the same formulas on the same data, rows gathered per batch) on its best thread
// setting, alternated with the engine's
{
  const hidden = 128, batchSize = 64, learningRate = 0.1;
  const t0 = performance.now();
  const engine = await fastEngine(initNetwork(createRng(1), hidden), train, { batchSize, seed: 1 });
  const setup = performance.now() - t0;
  const steps = Math.ceil(train.count / batchSize);
  const torchPeer = numpy && (await importable("torch"))
    ? new PythonPeer("./torch_peer.py")
    : undefined;
  await torchPeer?.setup(train.count, hidden);
  // PyTorch's best thread setting, from 100 steps with each (two threads can be many times
  // slower on a busy machine: a whole epoch of it would only measure the contention)
  const PROBE_STEPS = 100;
  const probe: Partial<Record<1 | 2, number>> = {};
  for (const threads of [1, 2] as const) {
    if (torchPeer) {
      probe[threads] = await torchPeer.iterate(`epoch ${batchSize} ${threads} ${PROBE_STEPS}`);
    }
  }
  const torchBest = torchPeer ? (probe[1]! <= probe[2]! ? 1 : 2) : undefined;
  const epochs: { ms: number; testAccuracy: number }[] = [];
  const torchEpochs: number[] = [];
  const epochCores = new Cores();
  for (let round = 0; round < (QUICK ? 1 : 3); round++) {
    const ms = await epochCores.time(async () => {
      for (let s = 0; s < steps; s++) await engine.iterate(learningRate);
    });
    const predictions = await fastPredict(engine.network(), test);
    epochs.push({ ms, testAccuracy: accuracy(predictions, test.labels) });
    if (torchPeer) torchEpochs.push(await torchPeer.iterate(`epoch ${batchSize} ${torchBest}`));
  }
  await torchPeer?.close();
  const trained = engine.network();
  engine.dispose();
  const engineEpoch = stats(epochs.map((e) => e.ms));
  const torchEpoch = torchPeer ? stats(torchEpochs) : undefined;
  results.miniBatchEpoch = {
    hidden,
    batchSize,
    learningRate,
    steps,
    setupMs: setup,
    epochs,
    engine: engineEpoch,
    engineCores: epochCores.average,
    torchProbeMs: { steps: PROBE_STEPS, ...probe },
    torch: torchEpoch,
    torchBestThreads: torchBest,
    torchOverEngine: torchEpoch && torchEpoch.median / engineEpoch.median,
  };
  log(`\nMini-batch training, 784 → ${hidden} → 10, batch ${batchSize}, η = ${learningRate}`);
  log(`engine setup (sparse encoding, memory, worker): ${fmt(setup)} ms`);
  epochs.forEach((e, i) =>
    log(
      `epoch ${i + 1}: ${fmt(e.ms)} ms (${steps} steps, ${
        fmt(1000 * e.ms / steps)
      } µs/step), test accuracy ${(100 * e.testAccuracy).toFixed(2)} %`,
    )
  );
  log(`cores the engine had: ${epochCores.average.toFixed(2)} (one thread below batches of 256)`);
  if (torchEpoch && torchBest) {
    log(
      `torch, first ${PROBE_STEPS} steps: ${fmt(probe[1]!)} ms on 1 thread, ${
        fmt(probe[2]!)
      } ms on 2: epochs on ${torchBest}`,
    );
    log(
      `torch epoch, ${torchBest} thread${torchBest > 1 ? "s" : ""}: median ${
        fmt(torchEpoch.median)
      } ms, min ${fmt(torchEpoch.min)}, max ${fmt(torchEpoch.max)}`,
    );
    log(
      `torch / fast = ${
        (torchEpoch.median / engineEpoch.median).toFixed(2)
      } (medians of ${engineEpoch.n} epochs each, alternated)`,
    );
  }

  // ---- evaluating the 10,000 test digits: both threads (the default) and one, alternated
  const evalTimes: number[] = [], evalOneThread: number[] = [], evalCores = new Cores();
  await fastPredict(trained, test, { threads: 2 }); // starts the worker
  for (let i = 0; i < (QUICK ? 3 : 10); i++) {
    evalTimes.push(await evalCores.time(() => fastPredict(trained, test)));
    const t = performance.now();
    await fastPredict(trained, test, { threads: 1 });
    evalOneThread.push(performance.now() - t);
  }
  const small = initNetwork(createRng(1), 10);
  const smallTimes: number[] = [];
  for (let i = 0; i < (QUICK ? 3 : 10); i++) {
    const t = performance.now();
    await fastPredict(small, test);
    smallTimes.push(performance.now() - t);
  }
  const t1 = performance.now();
  predict(small, toMatrix(test));
  const referenceEval = performance.now() - t1;
  results.evaluation = {
    fastPredict128: stats(evalTimes),
    fastPredict128Cores: evalCores.average,
    fastPredict128OneThread: stats(evalOneThread),
    fastPredict10: stats(smallTimes),
    referencePredict10Ms: referenceEval,
  };
  const e128 = stats(evalTimes), e128one = stats(evalOneThread), e10 = stats(smallTimes);
  log(`\nEvaluating the 10,000 test digits (ms)`);
  const line = (label: string, x: Stats) =>
    log(`${label} median ${fmt(x.median)}, min ${fmt(x.min)}, max ${fmt(x.max)}`);
  line("fastPredict, hidden 128, two threads:", e128);
  log(`  (cores it had: ${evalCores.average.toFixed(2)})`);
  line("fastPredict, hidden 128, one thread: ", e128one);
  line("fastPredict, hidden 10, two threads: ", e10);
  log(`evaluate.ts predict (reference), hidden 10, once: ${fmt(referenceEval)}`);
}

await numpy?.close();
const load = results.idxLoad as { train: Stats; test: Stats };
log(
  `\nIDX load (median of 3): train ${fmt(load.train.median)} ms, test ${fmt(load.test.median)} ms`,
);
summary();
if (JSON_OUTPUT) console.log(JSON.stringify(results, null, 2));

/** The headline ratios of this run (medians), as the README's results table shows them. */
function summary(): void {
  const full = results.fullBatch as { fast: Stats; numpy?: Stats; torch?: Stats };
  const wide = (results.scaling as { m: number; hidden: number; fast: Stats; numpy?: Stats }[])
    .find((r) => r.m === 60000 && r.hidden === 128);
  const mini = results.miniBatchEpoch as {
    engine: Stats;
    torch?: Stats;
    torchBestThreads?: 1 | 2;
  };
  const evaluation = results.evaluation as Record<string, Stats>;
  const rows: (string | number)[][] = [];
  const add = (workload: string, fast: Stats, peer: string, other?: Stats) =>
    rows.push([
      workload,
      `${fmt(fast.median)} ms`,
      other ? `${peer} ${fmt(other.median)} ms` : `${peer} -`,
      other ? `${(other.median / fast.median).toFixed(1)}×` : "-",
    ]);
  add("full batch 784 → 10 → 10, 60,000 digits", full.fast, "numpy", full.numpy);
  add("the same", full.fast, "PyTorch", full.torch);
  if (wide) add("full batch 784 → 128 → 10, 60,000 digits", wide.fast, "numpy", wide.numpy);
  add(
    "mini-batch epoch 784 → 128 → 10, batch 64",
    mini.engine,
    `PyTorch (${mini.torchBestThreads ?? "-"} thr.)`,
    mini.torch,
  );
  add(
    "predict 10,000 digits, hidden 128",
    evaluation.fastPredict128,
    "one thread",
    evaluation.fastPredict128OneThread,
  );
  const line = ([workload, ...rest]: (string | number)[]) =>
    log(String(workload).padEnd(42) + row(rest, [10, 24, 7]));
  log(`\nSummary (medians of this run; ratio = other / fast)`);
  line(["workload", "fast", "other", "ratio"]);
  for (const r of rows) line(r);
}
