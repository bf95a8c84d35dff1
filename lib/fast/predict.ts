/**
 * Fast batch prediction: the forward pass of the fast engine's kernels over dense image
 * bytes (all-zero 16-byte blocks skipped), on the calling thread. Same result as
 * evaluate.ts `predict(net, toMatrix(data))`, up to float32 rounding of near-ties.
 *
 * Images go through a small window of one memory kept between calls: touching fresh
 * pages costs more than the prediction itself (~20 ms for a 7.8 MB copy here).
 */
import type { Dataset } from "../data/dataset.ts";
import { IMAGE_SIZE } from "../data/dataset.ts";
import type { Network } from "../network.ts";
import { createMemory, instantiate, type Kernels } from "./kernels.ts";
import { layout, writeNetwork } from "./layout.ts";

/** Images per kernel call: 784 KiB of pixels, which stay in cache. */
const CHUNK = 1024;
const PAGE = 65536;

let predictor: Promise<{ memory: WebAssembly.Memory; kernels: Kernels }> | undefined;

/** The predicted digit (argmax of the output) of every sample of `data`. */
export async function fastPredict(net: Network, data: Dataset): Promise<Uint8Array> {
  predictor ??= (async () => {
    const memory = createMemory(layout(10, { count: CHUNK, dense: true }).bytes);
    return { memory, kernels: await instantiate(memory) };
  })();
  const { memory, kernels } = await predictor;
  const at = layout(net.W_h.rows, { count: CHUNK, dense: true });
  const missing = Math.ceil(at.bytes / PAGE) - memory.buffer.byteLength / PAGE;
  if (missing > 0) memory.grow(missing);
  writeNetwork(memory.buffer, at, net);
  const images = new Uint8Array(memory.buffer, at.images, CHUNK * IMAGE_SIZE);
  const predictions = new Uint8Array(memory.buffer, at.predictions, CHUNK);
  const out = new Uint8Array(data.count);
  for (let from = 0; from < data.count; from += CHUNK) {
    const n = Math.min(CHUNK, data.count - from);
    images.set(data.images.subarray(from * IMAGE_SIZE, (from + n) * IMAGE_SIZE));
    kernels.predict(at.hp, at.params, at.scratch[0], at.images, n, at.predictions);
    out.set(predictions.subarray(0, n), from);
  }
  return out;
}
