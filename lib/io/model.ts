/**
 * Model files in the original project's JSON format (model_json.ts): reading and writing them.
 */
import { readInput, writeFileAtomic } from "./files.ts";
import type { Network } from "../maths/network.ts";
import { parseModel, toModelJson } from "./model_json.ts";

export { fromModelJson, type ModelJson, parseModel, toModelJson } from "./model_json.ts";

/** Reads and checks a model file. */
export async function loadModel(path: string): Promise<Network> {
  return parseModel(new TextDecoder().decode(await readInput(path)), path);
}

/** Writes a model file atomically. */
export async function saveModel(
  path: string,
  net: Network,
  metadata?: Record<string, unknown>,
): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(toModelJson(net, metadata)) + "\n");
}
