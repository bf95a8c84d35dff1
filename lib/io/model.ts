/**
 * Model files in the original project's JSON format (model_json.ts): reading and writing them.
 * A model is read within the limit of data files (500 MB of text), whatever the file.
 */
import { readInput } from "./files.ts";
import { writeFileAtomic } from "./write.ts";
import { decodeText } from "../data/text.ts";
import type { Network } from "../maths/network.ts";
import { parseModel, toModelJson } from "./model_json.ts";
import type { Note } from "./write.ts";

export { fromModelJson, type ModelJson, parseModel, toModelJson } from "./model_json.ts";

/** Reads and checks a model file. */
export async function loadModel(path: string): Promise<Network> {
  return parseModel(decodeText(await readInput(path), path), path);
}

/** Writes a model file atomically; returns what the user should be told (write.ts Note). */
export async function saveModel(
  path: string,
  net: Network,
  metadata?: Record<string, unknown>,
): Promise<Note[]> {
  return await writeFileAtomic(path, JSON.stringify(toModelJson(net, metadata)) + "\n");
}
