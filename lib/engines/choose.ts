/**
 * Choosing a training engine. "reference" is the readable implementation of
 * network.ts that the notebooks teach with; "fast" is the optimised engine (same
 * maths in float32, same interface, lib/engines/fast/) that the tasks use by default.
 */
import { type Dataset, toMatrix } from "../data/dataset.ts";
import type { Network } from "../maths/network.ts";
import type { TrainingEngine } from "./engine.ts";
import { fastEngine } from "./fast/trainer.ts";
import { fastPredict } from "./fast/predict.ts";
import { predictDataset, referenceEngine } from "./reference.ts";

export { fastPredict };

export const ENGINES = ["fast", "reference"] as const;
export type EngineName = typeof ENGINES[number];

export interface EngineOptions {
  engine: EngineName;
  /** The initial parameters (copied, not modified). */
  network: Network;
  /** The training samples. */
  data: Dataset;
  /** Samples per gradient step (default: all of them, full-batch gradient descent). */
  batchSize?: number;
  /** Seeds the per-epoch shuffle of mini-batches (default 1); both engines shuffle alike. */
  seed?: number;
}

/** An engine over `data`; call `dispose()` when done (the fast engine runs a worker). */
export async function createEngine(options: EngineOptions): Promise<TrainingEngine> {
  const { batchSize, seed } = options;
  switch (options.engine) {
    case "reference":
      return referenceEngine(options.network, toMatrix(options.data), options.data.labels, {
        batchSize,
        seed,
      });
    case "fast":
      return await fastEngine(options.network, options.data, { batchSize, seed });
  }
}

/** Every sample's predicted digit, computed by the chosen engine. */
export async function predictWith(
  engine: EngineName,
  net: Network,
  ds: Dataset,
): Promise<Uint8Array> {
  return engine === "fast" ? await fastPredict(net, ds) : predictDataset(net, ds);
}
