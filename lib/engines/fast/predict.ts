/**
 * Fast batch prediction: the forward pass of the fast engine's kernels over dense image
 * bytes (all-zero 16-byte blocks skipped). Same result as evaluate.ts
 * `predict(net, toMatrix(data))`, up to float32 rounding of near-ties.
 *
 * Images go through two windows of one memory kept between calls: touching fresh pages
 * costs more than the prediction itself (~20 ms for a 7.8 MB copy here). This thread
 * predicts the first window while a worker predicts the second. The worker starts at the
 * second call that fills both windows (a single call, as a task makes, would only wait for
 * it to close) and, until it is ready, this thread predicts both. Each image's prediction is
 * its own, so who computes it does not change the result.
 */
import type { Dataset } from "../../data/dataset.ts";
import { INPUTS, type Network } from "../../maths/network.ts";
import { createMemory, instantiate, type Kernels, twoThreadsPossible } from "./kernels.ts";
import { type Layout, layout, writeNetwork } from "./layout.ts";
import { predictRange } from "./adapters.ts";
import { Helper } from "./helper.ts";

/** Images per window: 784 KiB of pixels, which stay in cache. */
const CHUNK = 1024;
const PAGE = 65536;
/**
 * The worker closes itself after this long without work: long enough to serve a run of
 * calls, short enough not to hold a finished process open (a worker keeps it alive).
 */
const PREDICTION_IDLE_MS = 200;

let predictor: Promise<{ memory: WebAssembly.Memory; kernels: Kernels }> | undefined;
let helper: Helper | undefined;
/** Calls so far that filled both windows. */
let calls = 0;

export interface PredictOptions {
  /**
   * 1: this thread only; 2: wait for the worker if it is not ready; by default (on two
   * cores) the worker takes the second window whenever it is ready.
   */
  threads?: 1 | 2;
}

/** The predicted digit (argmax of the output) of every sample of `data`. */
export async function fastPredict(
  net: Network,
  data: Dataset,
  { threads }: PredictOptions = {},
): Promise<Uint8Array> {
  predictor ??= (async () => {
    const memory = createMemory(layout(10, { count: 2 * CHUNK, dense: true }).bytes);
    return { memory, kernels: await instantiate(memory) };
  })();
  const { memory, kernels } = await predictor;
  const at = layout(net.W_h.rows, { count: 2 * CHUNK, dense: true });
  // A worker of another layout stops before this layout's data overwrites what it reads.
  if (helper && helper.at.hp !== at.hp) {
    helper.dispose();
    helper = undefined;
  }
  const missing = Math.ceil(at.bytes / PAGE) - memory.buffer.byteLength / PAGE;
  if (missing > 0) memory.grow(missing);
  writeNetwork(memory.buffer, at, net);
  const images = new Uint8Array(memory.buffer, at.images, 2 * CHUNK * INPUTS);
  const predictions = new Uint8Array(memory.buffer, at.predictions, 2 * CHUNK);
  const out = new Uint8Array(data.count);
  const wide = data.count > CHUNK;
  if (wide) calls++;
  const two = wide &&
      (threads === 2 || threads === undefined && calls > 1 && twoThreadsPossible())
    ? worker(memory, at)
    : undefined;
  if (two && threads === 2 && !two.ready) await two.start();
  for (let from = 0; from < data.count; from += 2 * CHUNK) {
    const n = Math.min(2 * CHUNK, data.count - from), first = Math.min(CHUNK, n);
    images.set(data.images.subarray(from * INPUTS, (from + n) * INPUTS));
    const here = () => predictRange(kernels, at, 0, first, 0);
    if (!(n > first && two?.ready && two.handOff({ from: CHUNK, to: n }, here))) {
      predictRange(kernels, at, 0, n, 0);
      if (two && !two.ready) two.start().catch(() => {}); // for the next windows or calls
    }
    out.set(predictions.subarray(0, n), from);
  }
  return out;
}

/** The worker for this layout, starting (or restarting) in the background. */
function worker(memory: WebAssembly.Memory, at: Layout): Helper {
  if (!helper) {
    helper = new Helper(memory, at, "predict", PREDICTION_IDLE_MS);
    helper.start().catch(() => {}); // until it is ready, this thread predicts both windows
  }
  return helper;
}
