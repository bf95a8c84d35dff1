/**
 * Type-checks the notebooks' code, which Deno's kernel runs without checking, and
 * checks that they are formatted.
 *
 *   deno run -A tools/nbcheck.ts [NOTEBOOK ...]
 *
 * The code cells of each notebook are joined in order into a sibling
 * `<name>.nbcheck.ts` (so that `../lib/...` imports resolve as in the kernel),
 * checked with `deno check`, and removed again.
 *
 * Formatting: Deno 2.9's `deno fmt --check` reports every .ipynb as unformatted on a
 * cold cache even when `deno fmt` leaves its bytes unchanged (the same kind of bug as
 * denoland/deno#25840). So each notebook is formatted as a sibling copy and compared
 * byte for byte instead; CI runs `deno fmt --check` with notebooks ignored.
 */
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

interface Cell {
  cell_type: string;
  source: string | string[];
}

async function notebooks(args: string[]): Promise<string[]> {
  if (args.length) return args;
  const dir = join(ROOT, "notebooks");
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.name.endsWith(".ipynb")) out.push(join(dir, e.name));
  }
  return out.sort();
}

/** The notebooks whose bytes `deno fmt` would change. */
async function unformatted(paths: string[]): Promise<string[]> {
  const copies = paths.map((p) => join(dirname(p), `${basename(p, ".ipynb")}.fmtcheck.ipynb`));
  try {
    for (const [i, p] of paths.entries()) await Deno.copyFile(p, copies[i]);
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["fmt", "--quiet", ...copies],
      cwd: ROOT,
      stderr: "piped",
    }).output();
    if (code !== 0) throw new Error(`deno fmt failed: ${new TextDecoder().decode(stderr)}`);
    const out: string[] = [];
    for (const [i, p] of paths.entries()) {
      const [a, b] = [await Deno.readFile(p), await Deno.readFile(copies[i])];
      if (a.length !== b.length || a.some((v, k) => v !== b[k])) out.push(p);
    }
    return out;
  } finally {
    for (const c of copies) await Deno.remove(c).catch(() => {});
  }
}

const paths = await notebooks(Deno.args);
const badlyFormatted = await unformatted(paths);
for (const p of badlyFormatted) {
  console.error(`not formatted: ${relative(ROOT, p)} (run \`deno fmt ${relative(ROOT, p)}\`)`);
}
if (badlyFormatted.length) Deno.exitCode = 1;
const written: string[] = [];
try {
  for (const path of paths) {
    const nb = JSON.parse(await Deno.readTextFile(path)) as { cells: Cell[] };
    const code = nb.cells
      .filter((c) => c.cell_type === "code")
      .map((c, i) =>
        `// ---- cell ${i + 1} ----\n${Array.isArray(c.source) ? c.source.join("") : c.source}`
      )
      .join("\n\n");
    const out = join(dirname(path), `${basename(path, ".ipynb")}.nbcheck.ts`);
    // `export {}` makes the file a module, so top-level await type-checks.
    await Deno.writeTextFile(out, `${code}\n\nexport {};\n`);
    written.push(out);
  }
  if (written.length === 0) {
    console.log("no notebooks to check");
  } else {
    const { code } = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--quiet", ...written],
      cwd: ROOT,
    }).spawn().status;
    if (code !== 0) Deno.exitCode = 1;
    else console.log(`type-checked ${written.length} notebook(s)`);
    if (!badlyFormatted.length) console.log(`${paths.length} notebook(s) formatted`);
  }
} finally {
  for (const f of written) await Deno.remove(f).catch(() => {});
}
