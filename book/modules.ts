/**
 * Which of lib/'s modules the book's kernel can bundle, and what a cell gets when it imports
 * one (build time, under Deno). The import graph (`deno info --json`) says which modules reach
 * a Deno or `node:` API; those cannot run in a page. A cell may still import them: each of their
 * exports is taken from a browser-safe module that exports the same value under the same name
 * (mod.ts re-exports most of lib that way), else from the book's adapters (browser versions of
 * loadMnist and loadModel that read the site's files), else it is a function that throws a
 * one-line error saying that the book cannot do it. Nothing here is hand-listed, so the kernel
 * follows whatever lib/ and the notebooks become.
 */
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";

const toFileUrl = (path: string) => pathToFileURL(path);

export const ROOT = join(import.meta.dirname!, "..");

interface InfoModule {
  specifier: string;
  local?: string;
  kind?: string;
  dependencies?: { specifier: string; code?: { specifier: string } }[];
}

/** lib/'s modules (the tasks' folders excluded), as paths relative to the root. */
export async function libModules(): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(join(ROOT, dir))) {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory && e.name !== "cli") await walk(path);
      else if (e.isFile && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.push(path);
    }
  };
  await walk("lib");
  return out.sort();
}

/** A module's own use of a Deno API (its comments and strings aside, roughly). */
const DENO_API = /(^|[^.\w])Deno\.[a-zA-Z]/m;

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1");
}

/**
 * The modules under `paths` that reach a Deno or node: API through their code imports, and
 * why (the first offending module on the way).
 */
export async function denoReaching(paths: string[]): Promise<Map<string, string>> {
  const entry = join(ROOT, "book", ".all-lib.ts");
  await Deno.writeTextFile(
    entry,
    paths.map((p) => `import ${JSON.stringify(toFileUrl(join(ROOT, p)).href)};`).join("\n") +
      "\n",
  );
  let info: { modules: InfoModule[] };
  try {
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", entry],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (code !== 0) throw new Error(`deno info failed: ${new TextDecoder().decode(stderr)}`);
    info = JSON.parse(new TextDecoder().decode(stdout));
  } finally {
    await Deno.remove(entry);
  }
  const byUrl = new Map(info.modules.map((m) => [m.specifier, m]));
  const reason = new Map<string, string | null>();
  const visit = (url: string): string | null => {
    if (reason.has(url)) return reason.get(url)!;
    reason.set(url, null); // cycles: assume safe while visiting
    let why: string | null = null;
    if (url.startsWith("node:")) why = url;
    const m = byUrl.get(url);
    if (!why && m?.local && url.startsWith("file:") && m.local.endsWith(".ts")) {
      const source = stripComments(Deno.readTextFileSync(m.local));
      if (DENO_API.test(source)) why = `${relative(ROOT, m.local)} calls Deno`;
    }
    for (const d of m?.dependencies ?? []) {
      if (why) break;
      const target = d.code?.specifier;
      if (!target) continue;
      const sub = visit(target);
      if (sub) why = sub;
    }
    reason.set(url, why);
    return why;
  };
  const out = new Map<string, string>();
  for (const p of paths) {
    const why = visit(toFileUrl(join(ROOT, p)).href);
    if (why) out.set(p, why);
  }
  return out;
}

export interface ModulePlan {
  /** Browser-safe modules, bundled as they are. */
  safe: string[];
  /** Modules that reach Deno: each export → where the kernel takes it from. */
  mapped: Record<
    string,
    Record<string, { from: string } | { adapter: string } | { unavailable: string }>
  >;
}

/** The plan for every lib module (see the module comment); `adapters` are the book's names. */
export async function planModules(adapters: readonly string[]): Promise<ModulePlan> {
  const paths = await libModules();
  const reaching = await denoReaching(paths);
  const safe = paths.filter((p) => !reaching.has(p));
  const namespaces = new Map<string, Record<string, unknown>>();
  for (const p of paths) namespaces.set(p, await import(toFileUrl(join(ROOT, p)).href));
  const mapped: ModulePlan["mapped"] = {};
  for (const [p, why] of reaching) {
    const plan: ModulePlan["mapped"][string] = {};
    for (const [name, value] of Object.entries(namespaces.get(p)!)) {
      const from = safe.find((s) =>
        name in namespaces.get(s)! && namespaces.get(s)![name] === value
      );
      if (from) plan[name] = { from };
      else if (adapters.includes(name)) plan[name] = { adapter: name };
      else plan[name] = { unavailable: why };
    }
    mapped[p] = plan;
  }
  return { safe, mapped };
}

/** The kernel worker's entry: the modules as the plan says, then startKernel. */
export function kernelEntry(plan: ModulePlan, bookDir: string): string {
  const rel = (p: string) => {
    const r = relative(bookDir, join(ROOT, p));
    return JSON.stringify(r.startsWith(".") ? r : `./${r}`);
  };
  const lines = [
    "// Generated by book/modules.ts at build time: the kernel with lib's modules bundled in.",
    `import { Lazy, startKernel } from ${rel("book/kernel.ts")};`,
    `import { adapters, unavailable } from ${rel("book/adapters.ts")};`,
    `import { assert, strict } from ${rel("book/assert.ts")};`,
  ];
  plan.safe.forEach((p, i) => lines.push(`import * as m${i} from ${rel(p)};`));
  const index = new Map(plan.safe.map((p, i) => [p, i]));
  lines.push(
    "const scope = globalThis as unknown as { location: { href: string }; crossOriginIsolated: boolean };",
    'const files = new URL("../files/", scope.location.href);',
    'const a = adapters({ data: new URL("../data/", scope.location.href), files });',
    "startKernel({",
    "  files,",
    "  threads: scope.crossOriginIsolated ? 2 : 1,",
    "  modules: {",
    '    "node:assert/strict": strict,',
    '    "node:assert": assert,',
  );
  plan.safe.forEach((p, i) => lines.push(`    ${JSON.stringify(p)}: m${i},`));
  for (const [p, names] of Object.entries(plan.mapped)) {
    lines.push(`    ${JSON.stringify(p)}: new Lazy(() => ({`);
    for (const [name, how] of Object.entries(names)) {
      const key = JSON.stringify(name);
      if ("from" in how) lines.push(`      ${key}: m${index.get(how.from)}[${key}],`);
      else if ("adapter" in how) lines.push(`      ${key}: a[${key}],`);
      else {
        lines.push(
          `      ${key}: unavailable(${key}, ${JSON.stringify(p)}, ${
            JSON.stringify(how.unavailable)
          }),`,
        );
      }
    }
    lines.push("    })),");
  }
  lines.push("  },", "});", "");
  return lines.join("\n");
}
