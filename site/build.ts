/**
 * The site: the book (book/build.ts: a contents page, a page per notebook and the kernel) at
 * its root and the playground (playground/build.ts) in playground/, linked both ways, sharing
 * one copy of MNIST in data/: the embedded IDX files, gzip-compressed here (about 11 MB
 * instead of 55) and decompressed in the pages with the platform's DecompressionStream.
 */
import { join } from "node:path";
import { buildBook } from "../book/build.ts";
import { EMBEDDED_DATA_DIR } from "../lib/io/mnist.ts";
import { buildPlayground } from "../playground/build.ts";

export const DATA_FILES = [
  "train-images-idx3-ubyte",
  "train-labels-idx1-ubyte",
  "t10k-images-idx3-ubyte",
  "t10k-labels-idx1-ubyte",
];

/** `name`.gz in `dir`, compressed from the embedded copy. */
async function gzipped(name: string, dir: string): Promise<void> {
  const source = await Deno.open(join(EMBEDDED_DATA_DIR, name));
  const target = await Deno.open(join(dir, `${name}.gz`), {
    write: true,
    create: true,
    truncate: true,
  });
  await source.readable.pipeThrough(new CompressionStream("gzip")).pipeTo(target.writable);
}

/** Writes the whole site into `out` (created if needed; the files it writes are replaced). */
export async function buildSite(out: string): Promise<void> {
  await Deno.mkdir(join(out, "data"), { recursive: true });
  // One `deno bundle` after the other at first: on a cold cache the first installs esbuild.
  await buildBook(out);
  await Promise.all([
    buildPlayground(join(out, "playground")),
    ...DATA_FILES.map((name) => gzipped(name, join(out, "data"))),
  ]);
}
