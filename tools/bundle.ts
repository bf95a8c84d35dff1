/**
 * What the site's two builds (book/build.ts, playground/build.ts) share: `deno bundle` for the
 * browser, KaTeX's CSS and fonts, and the fast engine's files beside a bundle that runs it (its
 * second thread's worker and the WebAssembly kernels, shared and not).
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Bundles `entry` for the browser, npm packages inside, minified, into `output`. */
export async function bundle(entry: string, output: string): Promise<void> {
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

export async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (entry.isFile) await Deno.copyFile(join(from, entry.name), join(to, entry.name));
  }
}

/** KaTeX's CSS and fonts into `dir`/katex/. */
export async function copyKatex(dir: string): Promise<void> {
  const katex = join(ROOT, "node_modules/katex/dist");
  await Deno.mkdir(join(dir, "katex"), { recursive: true });
  await Deno.copyFile(join(katex, "katex.min.css"), join(dir, "katex/katex.min.css"));
  await copyDir(join(katex, "fonts"), join(dir, "katex/fonts"));
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

/**
 * The fast engine beside `bundleFile` (a bundle that runs it): its second thread as
 * fast-worker.js, the name the engine's helper.ts starts from a bundle (WORKER_FILE), and its
 * kernels.
 */
export async function addFastEngine(bundleFile: string): Promise<void> {
  const dir = dirname(bundleFile);
  await bundle(join(ROOT, "lib/engines/fast/worker.ts"), join(dir, "fast-worker.js"));
  const kernels = await Deno.readFile(join(ROOT, "lib/engines/fast/kernels.wasm"));
  await Deno.writeFile(join(dir, "kernels.wasm"), kernels);
  await Deno.writeFile(join(dir, "kernels-unshared.wasm"), unsharedKernels(kernels));
}
