/**
 * Browser versions of the lib functions that read files under Deno, for cells run by the
 * book's kernel: MNIST from the site's gzip-compressed IDX files (decompressed with the
 * platform's DecompressionStream, parsed by lib's own parser), models from the site's files.
 * Every other Deno-only export becomes a function that says, in one line, why the book
 * cannot run it.
 */
import type { Dataset } from "../lib/data/dataset.ts";
import { parseIdx } from "../lib/data/idx.ts";
import { parseModel } from "../lib/io/model_json.ts";
import type { Network } from "../lib/maths/network.ts";
import { SiteFiles } from "./files.ts";

const SPLITS = {
  train: ["train-images-idx3-ubyte", "train-labels-idx1-ubyte"],
  test: ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"],
} as const;

/** An IDX file of the site's data/ folder, gunzipped as it arrives. */
async function fetchGunzipped(url: URL): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok || !response.body) {
    throw new Error(`${url.pathname}: ${response.status} ${response.statusText}`);
  }
  const stream = response.body.pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export interface AdapterOptions {
  /** The site's data/ folder (the MNIST IDX files, .gz). */
  data: URL;
  /** The site's files/ folder. */
  files: URL;
}

export function adapters(options: AdapterOptions) {
  const bytes = new Map<string, Promise<[Uint8Array, Uint8Array]>>();
  let files: Promise<SiteFiles> | undefined;
  return {
    /** MNIST's `split`, from the site's copy of the embedded files (a fresh copy per call). */
    async loadMnist(split: "train" | "test", path?: string): Promise<Dataset> {
      if (path !== undefined) {
        throw new Error(
          `loadMnist("${split}", "${path}"): the book reads only its own copy of MNIST`,
        );
      }
      const names = SPLITS[split];
      if (!names) throw new RangeError(`loadMnist: unknown split ${JSON.stringify(split)}`);
      let pair = bytes.get(split);
      if (!pair) {
        pair = Promise.all(
          names.map((n) => fetchGunzipped(new URL(`${n}.gz`, options.data))),
        ) as Promise<[Uint8Array, Uint8Array]>;
        bytes.set(split, pair);
        pair.catch(() => bytes.delete(split));
      }
      const [images, labels] = await pair;
      return parseIdx(images.slice(), labels.slice(), names[0], names[1]);
    },
    /** A model file in the original JSON format, from the site's files. */
    async loadModel(path: string): Promise<Network> {
      files ??= SiteFiles.load(options.files);
      return parseModel(await (await files).readTextFile(path), path);
    },
  };
}

/** A stand-in for a lib export that needs Deno: calling it throws one clear line. */
export function unavailable(name: string, module: string, why: string) {
  return () => {
    throw new Error(`${name} (${module}) does not run in the browser book: ${why}`);
  };
}

/** The names adapters() provides. */
export const ADAPTED = ["loadMnist", "loadModel"] as const;
