/**
 * The training worker's side of the learner's own digits (my_digits.ts): it keeps them, trains
 * on MNIST followed by them when they are mixed in, and predicts them with the fast engine, as
 * `deno task evaluate --data my-digits.csv` does.
 */
import { concat, type Dataset } from "../lib/data/dataset.ts";
import { fastPredict } from "../lib/engines/fast/predict.ts";
import type { Network } from "../lib/maths/network.ts";
import type { Request } from "./protocol.ts";

let digits: Dataset | undefined;
let mix = false;
let version = 0;

const sameDigits = (a: Dataset | undefined, b: Dataset) =>
  a !== undefined && a.count === b.count && a.labels.every((l, i) => l === b.labels[i]) &&
  a.images.every((p, i) => p === b.images[i]);

/** Takes the page's digits; true when the training set changed (the run starts over). */
export function takeDigits(request: Extract<Request, { type: "digits" }>): boolean {
  const next: Dataset = { ...request.digits, source: "my digits" };
  const changed = request.mix !== mix || (request.mix && !sameDigits(digits, next));
  digits = next;
  mix = request.mix;
  version = request.version;
  return changed;
}

/** What the engine trains on: MNIST's training set, followed by the learner's digits if mixed. */
export function trainingSet(train: Dataset): Dataset {
  return mix && digits?.count ? concat(train, digits, `${train.source} + my digits`) : train;
}

/** The learner's digits as `network` predicts them (none when there are none). */
export async function predictDigits(
  network: Network,
): Promise<{ version: number; predictions: Uint8Array } | undefined> {
  if (!digits?.count) return undefined;
  return { version, predictions: await fastPredict(network, digits) };
}
