/**
 * Type-checks the notebooks' code, which Deno's kernel runs without checking.
 *
 *   deno run -A tools/nbcheck.ts [NOTEBOOK ...]
 *
 * The code cells of each notebook are joined in order into a sibling
 * `<name>.nbcheck.ts` (so that `../lib/...` imports resolve as in the kernel),
 * checked with `deno check`, and removed again.
 */
import { basename, dirname, join } from "node:path";
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

const paths = await notebooks(Deno.args);
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
  }
} finally {
  for (const f of written) await Deno.remove(f).catch(() => {});
}
