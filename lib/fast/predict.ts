/**
 * Fast batch prediction: the forward pass of the fast engine's kernels over dense image
 * bytes (all-zero 16-byte blocks skipped), on the calling thread. Same result as
 * evaluate.ts `predict(net, toMatrix(data))`, up to float32 rounding of near-ties.
 */
import type { Dataset } from "../data/dataset.ts";
import { IMAGE_SIZE } from "../data/dataset.ts";
import type { Network } from "../network.ts";
import { createMemory, instantiate } from "./kernels.ts";
import { layout, writeNetwork } from "./layout.ts";

/** The predicted digit (argmax of the output) of every sample of `data`. */
export async function fastPredict(net: Network, data: Dataset): Promise<Uint8Array> {
  const count = data.count;
  const L = layout(net.W_h.rows, { count, dense: true });
  const memory = createMemory(L.bytes);
  const k = await instantiate(memory);
  writeNetwork(memory.buffer, L, net);
  new Uint8Array(memory.buffer, L.images, count * IMAGE_SIZE).set(
    data.images.subarray(0, count * IMAGE_SIZE),
  );
  k.predict(L.hp, L.params, L.scratch[0], L.images, count, L.predictions);
  return new Uint8Array(memory.buffer, L.predictions, count).slice();
}
