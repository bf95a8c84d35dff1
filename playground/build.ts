/**
 * Builds the playground's part of the site (site/build.ts): the page (main.js), its training
 * worker (trainer.js) and the fast engine's second thread (fast-worker.js), bundled for the
 * browser with npm packages inside; kernels.wasm, KaTeX's CSS and fonts copied beside them.
 * The MNIST files are the site's (../data/, gzip-compressed). Nothing is fetched from
 * elsewhere at run time.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..");

/** The bundles: output name → entry point. */
const ENTRIES: [string, string][] = [
  ["main.js", join(HERE, "main.ts")],
  ["trainer.js", join(HERE, "trainer.ts")],
  ["fast-worker.js", join(ROOT, "lib/engines/fast/worker.ts")],
];

async function bundle(entry: string, output: string): Promise<void> {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--platform", "browser", "--minify", "--output", output, entry],
    cwd: ROOT,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(`deno bundle ${entry} failed:\n${new TextDecoder().decode(stderr)}`);
  }
}

/** Reads an unsigned LEB128 at `at`: [value, next position]. */
function leb(bytes: Uint8Array, at: number): [number, number] {
  let value = 0, shift = 0, byte;
  do {
    byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, at];
}

/**
 * The kernels with their imported memory declared not shared (limits flag 0x03 → 0x01), for
 * pages that are not cross-origin isolated (lib/engines/fast/kernels.ts loads it there). The code
 * itself is the same; it uses no atomic instructions.
 */
export function unsharedKernels(wasm: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = wasm.slice();
  let at = 8; // magic and version
  while (at < out.length) {
    const id = out[at];
    const [size, body] = leb(out, at + 1);
    if (id === 2) {
      let [count, p] = leb(out, body);
      while (count-- > 0) {
        for (let name = 0; name < 2; name++) {
          const [length, text] = leb(out, p);
          p = text + length;
        }
        // the kernels import nothing but their memory (kind 0x02, then its limits flag)
        if (out[p] !== 0x02) throw new Error(`kernels.wasm: an import other than the memory`);
        if (out[p + 1] !== 0x03) throw new Error(`kernels.wasm: its memory import is not shared`);
        out[p + 1] = 0x01;
        return out;
      }
    }
    at = body + size;
  }
  throw new Error("kernels.wasm: no memory import found");
}

async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (entry.isFile) await Deno.copyFile(join(from, entry.name), join(to, entry.name));
  }
}

/** Writes the playground into `out` (created if needed; the files it writes are replaced). */
export async function buildPlayground(out: string): Promise<void> {
  await Deno.mkdir(out, { recursive: true });
  // The first `deno bundle` on a cold cache installs esbuild; bundles started beside it would
  // race to install it too (and fail), so the rest start once it is done.
  const [[firstName, firstEntry], ...rest] = ENTRIES;
  await bundle(firstEntry, join(out, firstName));
  await Promise.all(rest.map(([name, entry]) => bundle(entry, join(out, name))));
  // The engine starts its second thread from new URL("./worker.ts", import.meta.url): in the
  // bundle that is a file beside trainer.js, and a static host serves ".js" as JavaScript.
  const trainer = join(out, "trainer.js");
  const code = await Deno.readTextFile(trainer);
  const renamed = code.replaceAll(`"./worker.ts"`, `"./fast-worker.js"`);
  if (renamed === code) throw new Error(`trainer.js: the engine's worker URL was not found`);
  await Deno.writeTextFile(trainer, renamed);
  const kernels = await Deno.readFile(join(ROOT, "lib/engines/fast/kernels.wasm"));
  await Deno.writeFile(join(out, "kernels.wasm"), kernels);
  await Deno.writeFile(join(out, "kernels-unshared.wasm"), unsharedKernels(kernels));
  for (const name of ["index.html", "style.css"]) {
    await Deno.copyFile(join(HERE, name), join(out, name));
  }
  const katex = join(ROOT, "node_modules/katex/dist");
  await Deno.mkdir(join(out, "katex"), { recursive: true });
  await Deno.copyFile(join(katex, "katex.min.css"), join(out, "katex/katex.min.css"));
  await copyDir(join(katex, "fonts"), join(out, "katex/fonts"));
}
