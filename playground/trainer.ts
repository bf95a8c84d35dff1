/**
 * The page's training worker: it loads MNIST from the site's data/ folder and trains it
 * with the fast engine (lib/engines/fast), off the page's main thread. The engine itself waits
 * on its second thread with Atomics.wait, which a page's main thread may not do.
 */
import type { Dataset } from "../lib/data/dataset.ts";
import { parseIdx } from "../lib/data/idx.ts";
import { evaluation } from "../lib/training/evaluate.ts";
import { fastEngine } from "../lib/engines/fast/trainer.ts";
import { fastPredict } from "../lib/engines/fast/predict.ts";
import { initNetwork } from "../lib/maths/init.ts";
import { cloneNetwork, type Network } from "../lib/maths/network.ts";
import { accuracy } from "../lib/maths/loss.ts";
import { createRng } from "../lib/maths/random.ts";
import type { TrainingEngine } from "../lib/engines/engine.ts";
import { DIVERGENCE_LOSS, type TrainingRecord } from "../lib/training/train.ts";
import {
  NOT_STARTED,
  type Reply,
  type Request,
  type Stall,
  type Status,
  type TestRecord,
} from "./protocol.ts";
import type { Settings } from "./settings.ts";
import { predictDigits, takeDigits, trainingSet } from "./trainer_digits.ts";
import { createWorkerRace } from "./trainer_race.ts";

/** Test accuracy every this many iterations while playing. */
const TEST_EVERY = 10;
/** The weights go to the page at most this often while playing (ms). */
const NETWORK_EVERY_MS = 150;

const FILES = [
  "train-images-idx3-ubyte",
  "train-labels-idx1-ubyte",
  "t10k-images-idx3-ubyte",
  "t10k-labels-idx1-ubyte",
];

// deno-lint-ignore no-explicit-any
const scope = globalThis as any;
const post = (reply: Reply, transfer: Transferable[] = []) => scope.postMessage(reply, transfer);

let train: Dataset, test: Dataset;
let threads: 1 | 2 = 1;
let settings: Settings;
let engine: TrainingEngine | undefined;
let start: Network;
let status: Status = { ...NOT_STARTED };
let records: TrainingRecord[] = [];
let tests: TestRecord[] = [];
/** The iteration whose test accuracy status.testAccuracy is (−1: none yet). */
let testedAt = -1;
let lastNetworkAt = 0;
/** The loss and accuracy of the start (iteration 0), measured once per start. */
let startMetrics = { loss: NaN, accuracy: NaN };
/** W_h after the last iteration whose loss sat near ln 10 (to tell a stalled network). */
let stuckW_h: Float64Array | undefined;
/** Iterations in a row with the loss near ln 10, and whether the page was told of the stall. */
let stuckFor = 0, stallSaid = false;
/** A stall to tell the page at the next update. */
let stall: Stall | undefined;
/**
 * Pauses and resets received so far: a step(n) stops after the iteration during which one
 * arrived (they are counted when they arrive, before their turn in the queue).
 */
let interruptions = 0;

/**
 * Fetches the site's four IDX files (gzip-compressed: 11 MB instead of 55), reporting the
 * bytes received, and decompresses them with the platform's DecompressionStream.
 */
async function loadData(): Promise<void> {
  const base = new URL("../data/", scope.location.href);
  const responses = await Promise.all(FILES.map(async (name) => {
    const response = await fetch(new URL(`${name}.gz`, base));
    if (!response.ok) throw new Error(`data/${name}.gz: ${response.status} ${response.statusText}`);
    return response;
  }));
  const total = responses.reduce((t, r) => t + Number(r.headers.get("content-length") ?? 0), 0);
  let loaded = 0, reported = 0;
  const bytes = await Promise.all(responses.map(async (response) => {
    const chunks: Uint8Array[] = [];
    const reader = response.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.length;
      if (loaded - reported > total / 100) {
        reported = loaded;
        post({ type: "progress", loaded, total });
      }
    }
    const gunzipped = new Blob(chunks as BlobPart[]).stream().pipeThrough(
      new DecompressionStream("gzip"),
    );
    return new Uint8Array(await new Response(gunzipped).arrayBuffer());
  }));
  post({ type: "progress", loaded: total, total });
  train = parseIdx(bytes[0], bytes[1], FILES[0], FILES[1]);
  test = parseIdx(bytes[2], bytes[3], FILES[2], FILES[3]);
}

/** A new engine for the setting, starting from `network` (default: the seeded initialisation). */
async function restart(network?: Network): Promise<void> {
  engine?.dispose();
  engine = undefined;
  start = network ? cloneNetwork(network) : initNetwork(createRng(settings.seed), settings.hidden);
  engine = await fastEngine(start, trainingSet(train), {
    batchSize: settings.batchSize || undefined,
    seed: settings.seed,
    threads,
  });
  // η = 0 measures the start without moving it; reset also rewinds the batch order
  startMetrics = await engine.iterate(0);
  engine.reset(start);
  atStart();
}

/** Status and curves at iteration 0 of the current start. */
function atStart(): void {
  status = {
    ...NOT_STARTED,
    loss: startMetrics.loss,
    trainAccuracy: startMetrics.accuracy,
    running: status.running,
  };
  records = [{ iteration: 0, ...startMetrics }];
  tests = [];
  testedAt = -1;
  stuckW_h = undefined;
  stuckFor = 0;
  stallSaid = false;
  stall = undefined;
}

async function testAccuracy(): Promise<{ accuracy: number; predictions: Uint8Array }> {
  const predictions = await fastPredict(engine!.network(), test);
  return { accuracy: accuracy(predictions, test.labels), predictions };
}

/** Measures the test accuracy now, unless it was at this iteration already. */
async function measureTest(): Promise<Uint8Array | undefined> {
  if (testedAt === status.iteration) return;
  const { accuracy, predictions } = await testAccuracy();
  status.testAccuracy = accuracy;
  testedAt = status.iteration;
  tests.push({ iteration: status.iteration, accuracy });
  return predictions;
}

/** Sends what changed; with `full`, also the test accuracy and the network. */
async function update(
  full: boolean,
  extra: Partial<Extract<Reply, { type: "update" }>> = {},
): Promise<void> {
  if (full) await measureTest();
  const now = performance.now();
  const network = full || now - lastNetworkAt > NETWORK_EVERY_MS ? engine!.network() : undefined;
  if (network) lastNetworkAt = now;
  const mine = network && await predictDigits(network);
  post({
    type: "update",
    status: { ...status },
    records,
    tests,
    network,
    mine,
    stalled: stall,
    ...extra,
  });
  stall = undefined;
  records = [];
  tests = [];
}

/** How an iteration ended: "diverged" when the loss blew up. */
type Outcome = "ok" | "diverged";

/** Within this of ln 10, the loss is about that of a network that ignores its input. */
const STUCK_LOSS = 0.01;
/** After this many iterations in a row there, with most hidden neurons dead, it has stalled. */
const STUCK_ITERATIONS = 10;

async function iterate(): Promise<Outcome> {
  const { loss, accuracy } = await engine!.iterate(settings.learningRate);
  status.iteration++;
  status.loss = loss;
  status.trainAccuracy = accuracy;
  records.push({ iteration: status.iteration, loss, accuracy });
  if (status.iteration % TEST_EVERY === 0) await measureTest();
  if (!(loss <= DIVERGENCE_LOSS)) return "diverged";
  if (Math.abs(loss - Math.LN10) < STUCK_LOSS && !stallSaid) watchStall();
  else {
    stuckW_h = undefined;
    stuckFor = 0;
  }
  return "ok";
}

/**
 * Counts the hidden neurons whose weights did not move in this iteration (dead: ReLU′ = 0 for
 * every digit of the batch, so no gradient reaches them); a loss stuck near ln 10 with most of
 * them dead is a stall, told once per start.
 */
function watchStall(): void {
  const W_h = engine!.network().W_h.data;
  stuckFor++;
  if (stuckW_h && stuckFor >= STUCK_ITERATIONS) {
    let dead = 0;
    for (let n = 0; n < settings.hidden; n++) {
      let same = true;
      for (let p = n * 784; p < (n + 1) * 784 && same; p++) same = W_h[p] === stuckW_h[p];
      if (same) dead++;
    }
    if (dead * 2 > settings.hidden) {
      stallSaid = true;
      stall = {
        iteration: status.iteration,
        learningRate: settings.learningRate,
        loss: status.loss,
        dead,
        hidden: settings.hidden,
      };
    }
  }
  stuckW_h = W_h;
}

/** What the page says when an iteration ended training by itself. */
function ended(outcome: Outcome): Partial<Extract<Reply, { type: "update" }>> {
  if (outcome !== "diverged") return {};
  return {
    diverged: {
      iteration: status.iteration,
      learningRate: settings.learningRate,
      loss: status.loss,
    },
  };
}

// Requests run one at a time, in order; playing interleaves with them between iterations.
let queue: Promise<void> = Promise.resolve();
function exclusive(task: () => Promise<void>, id?: number): void {
  queue = queue.then(task).catch((e) =>
    post({ type: "error", message: String(e?.message ?? e), id })
  );
}

/** Lets the worker's messages in between two iterations (no timer clamping). */
const channel = new MessageChannel();
const turns: (() => void)[] = [];
channel.port1.onmessage = () => turns.shift()?.();
const nextTurn = () =>
  new Promise<void>((resolve) => {
    turns.push(resolve);
    channel.port2.postMessage(0);
  });

/** The race (trainer_race.ts): its bank is trained between the other requests, in the same queue. */
const race = createWorkerRace({
  data: () => train,
  threads: () => threads,
  post,
  exclusive,
  nextTurn,
});

/** Each play() loop has its own number: a loop whose number is not the latest stops. */
let loops = 0;

async function play(): Promise<void> {
  const loop = ++loops;
  const going = () => status.running && loop === loops;
  while (going()) {
    await new Promise<void>((resolve) =>
      exclusive(async () => {
        try {
          if (!going()) return;
          const outcome = await iterate();
          if (outcome !== "ok") {
            status.running = false;
            await update(true, ended(outcome));
          } else {
            await update(false);
          }
        } catch (e) {
          status.running = false;
          throw e;
        } finally {
          resolve();
        }
      })
    );
    await nextTurn();
  }
}

/** `seen`: the interruptions (of the race for its requests) counted when the request arrived. */
async function handle(request: Request, seen = interruptions): Promise<void> {
  switch (request.type) {
    case "race":
    case "race-pause":
    case "race-step":
      return race.handle(request, seen);
    case "race-play":
      return race.play();
    case "init": {
      settings = request.settings;
      threads = request.threads;
      await loadData();
      await restart();
      const copy = { images: test.images.slice(), labels: test.labels.slice(), count: test.count };
      post({ type: "ready", test: copy, trainCount: train.count }, [
        copy.images.buffer,
        copy.labels.buffer,
      ]);
      await update(true, { restarted: true });
      return;
    }
    case "set": {
      const old = settings;
      settings = request.settings;
      const same = old.hidden === settings.hidden && old.seed === settings.seed &&
        old.batchSize === settings.batchSize;
      if (same) {
        return update(false, { id: request.id });
      }
      // a new start: the curves begin again, and keep going if they were
      await restart();
      await update(true, { restarted: true, id: request.id });
      if (status.running) void play();
      return;
    }
    case "play":
      if (!status.running) {
        status.running = true;
        void play();
      }
      return;
    case "pause":
      status.running = false;
      return update(true, { id: request.id });
    case "step": {
      // between iterations, a pause or reset is heard (onmessage counts it)
      let outcome: Outcome = "ok";
      for (let i = 0; i < request.n && outcome === "ok" && interruptions === seen; i++) {
        outcome = await iterate();
        if (i + 1 < request.n) await nextTurn();
      }
      return update(true, { id: request.id, ...ended(outcome) });
    }
    case "reset":
      engine!.reset(start);
      atStart();
      return update(true, { restarted: true, id: request.id });
    case "load":
      status.running = false;
      settings = { ...settings, hidden: request.network.W_h.rows };
      await restart(request.network);
      return update(true, { restarted: true, id: request.id });
    case "evaluate": {
      const predictions = await measureTest() ?? (await testAccuracy()).predictions;
      const confusion = evaluation(test.labels, predictions).confusion;
      return update(true, { id: request.id, confusion });
    }
    case "digits":
      if (!takeDigits(request)) return update(true, { id: request.id });
      await restart(start);
      await update(true, { restarted: true, id: request.id });
      if (status.running) void play();
      return;
  }
}

// Assigned (not added) so that it replaces the handler lib/engines/fast/worker.ts installs when it
// is bundled in here: that one serves the engine's own second thread, a separate worker.
scope.onmessage = (event: MessageEvent<Request>) => {
  const request = event.data;
  if (request.type === "play") return void handle(request);
  if (request.type === "race-play") return race.play();
  if (request.type === "pause" || request.type === "reset") interruptions++;
  if (request.type === "race-pause" || request.type === "race") race.interrupt();
  const seen = request.type.startsWith("race") ? race.interruptions() : interruptions;
  exclusive(() => handle(request, seen), "id" in request ? request.id : undefined);
};
