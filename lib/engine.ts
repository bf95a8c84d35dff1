/**
 * Choosing a training engine. "reference" is the readable implementation of
 * network.ts that the notebooks teach with; "fast" is the optimised engine (same
 * maths, same interface) that the tasks use by default.
 */
import { type Dataset, toMatrix } from "./data/dataset.ts";
import type { Network } from "./network.ts";
import { referenceEngine, type TrainingEngine } from "./train.ts";

export const ENGINES = ["fast", "reference"] as const;
export type EngineName = typeof ENGINES[number];

export interface EngineOptions {
  engine: EngineName;
  /** The initial parameters (copied, not modified). */
  network: Network;
  /** The training samples. */
  data: Dataset;
}

export async function createEngine(options: EngineOptions): Promise<TrainingEngine> {
  switch (options.engine) {
    case "reference":
      return referenceEngine(options.network, toMatrix(options.data), options.data.labels);
    case "fast":
      // Until the optimised engine lands, "fast" is the reference engine.
      return await Promise.resolve(
        referenceEngine(options.network, toMatrix(options.data), options.data.labels),
      );
  }
}
