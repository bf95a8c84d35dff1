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
import { NOT_STARTED, type Reply, type Request, type Status, type TestRecord } from "./protocol.ts";
import type { Settings } from "./settings.ts";

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
  engine = await fastEngine(start, train, {
    batchSize: settings.batchSize || undefined,
    seed: settings.seed,
    threads,
  });
  status = { ...NOT_STARTED, running: status.running };
  records = [];
  tests = [];
  testedAt = -1;
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
  post({ type: "update", status: { ...status }, records, tests, network, ...extra });
  records = [];
  tests = [];
}

/** One iteration; false when training diverged. */
async function iterate(): Promise<boolean> {
  const { loss, accuracy } = await engine!.iterate(settings.learningRate);
  status.iteration++;
  status.loss = loss;
  status.trainAccuracy = accuracy;
  records.push({ iteration: status.iteration, loss, accuracy });
  if (status.iteration % TEST_EVERY === 0) await measureTest();
  return loss <= DIVERGENCE_LOSS;
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
const nextTurn = () =>
  new Promise<void>((resolve) => {
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(0);
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
          if (!await iterate()) {
            status.running = false;
            await update(true, { diverged: divergence() });
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

/** What the page needs to throw lib's DivergenceError. */
function divergence() {
  return { iteration: status.iteration, learningRate: settings.learningRate, loss: status.loss };
}

async function handle(request: Request): Promise<void> {
  switch (request.type) {
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
      let ok = true;
      for (let i = 0; i < request.n && ok; i++) ok = await iterate();
      return update(true, { id: request.id, diverged: ok ? undefined : divergence() });
    }
    case "reset":
      engine!.reset(start);
      status = { ...NOT_STARTED, running: status.running };
      records = [];
      tests = [];
      testedAt = -1;
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
  }
}

// Assigned (not added) so that it replaces the handler lib/engines/fast/worker.ts installs when it
// is bundled in here: that one serves the engine's own second thread, a separate worker.
scope.onmessage = (event: MessageEvent<Request>) => {
  const request = event.data;
  if (request.type === "play") return void handle(request);
  exclusive(() => handle(request), "id" in request ? request.id : undefined);
};
