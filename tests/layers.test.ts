/**
 * The folder tree is the layer diagram, checked against the real imports: `deno info --json`
 * from every entry point gives the import graph, and each edge must run down the layers.
 * Modules that a browser page or its workers reach must not touch Deno or `node:` APIs.
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "./helpers.ts";

/** lib/'s layers, from the bottom up: a module imports only from its own layer or lower. */
export const LIB_LAYERS = [
  "lib/errors.ts",
  "lib/maths/",
  "lib/data/",
  "lib/engines/",
  "lib/training/",
  "lib/io/",
  "lib/pictures/",
  "lib/notebook/",
  "lib/mod.ts",
] as const;

/**
 * The programs around lib/, from the bottom up, and what each may import besides lib/ and
 * itself: each only from programs listed before it, so the order has no loop. lib/ imports none
 * of them.
 */
export const APPS: Record<string, readonly string[]> = {
  "tools/": [],
  "bench/": [],
  "notebooks/": [],
  "playground/": ["tools/"],
  "book/": ["tools/"],
  "site/": ["book/", "playground/", "tools/"],
  "cli/": ["site/", "book/", "playground/", "tools/"],
};

/**
 * The modules a page may import: none of them reaches Deno or a `node:` module. The rest of
 * lib/ (files, the embedded MNIST's location, pictures saved to disk) is for Deno only.
 */
export const BROWSER_SAFE = [
  "lib/errors.ts",
  "lib/maths/",
  "lib/data/",
  "lib/engines/",
  "lib/training/",
  "lib/io/model_json.ts",
  "lib/io/report.ts",
  "lib/pictures/plot.ts",
  "lib/pictures/charts.ts",
  "lib/pictures/images.ts",
  "lib/pictures/graph.ts",
  "lib/pictures/weightmaps.ts",
  "lib/pictures/reliability.ts",
  "lib/pictures/firing_grid.ts",
  "lib/notebook/",
] as const;

/** What runs in a browser: the pages and the workers they start. */
export const BROWSER_ENTRIES = [
  "playground/main.ts",
  "playground/trainer.ts",
  "lib/engines/fast/worker.ts",
  // the book's page and its kernel worker (whose build-time entry adds the browser-safe
  // modules of lib/ that book/modules.ts finds, checked the same way in book_units.test.ts)
  "book/page.ts",
  "book/kernel.ts",
  "book/adapters.ts",
  "book/assert.ts",
] as const;

interface Module {
  path: string;
  /** Local modules imported for their code (type-only imports excluded). */
  code: string[];
  /** Local modules imported for their types only. */
  types: string[];
  /** Bare and `node:` specifiers (npm packages, Node built-ins). */
  external: string[];
}

async function graph(entries: readonly string[]): Promise<Map<string, Module>> {
  // `deno info` takes one root: a temporary module imports every entry point.
  const root = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(
    root,
    entries.map((e) => `import ${JSON.stringify(pathToFileURL(join(ROOT, e)).href)};\n`).join(""),
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "--config", join(ROOT, "deno.json"), root],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output().finally(() => Deno.remove(root));
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout));
  const local = (specifier: string) =>
    specifier.startsWith("file://")
      ? relative(ROOT, decodeURIComponent(new URL(specifier).pathname))
      : undefined;
  const modules = new Map<string, Module>();
  for (const m of info.modules) {
    const path = local(m.specifier);
    if (path === undefined) continue;
    const module: Module = { path, code: [], types: [], external: [] };
    for (const d of m.dependencies ?? []) {
      const target = d.code?.specifier ?? d.type?.specifier ?? d.specifier;
      const file = local(target);
      if (file === undefined) module.external.push(d.specifier);
      else if (d.code) module.code.push(file);
      else module.types.push(file);
    }
    modules.set(path, module);
  }
  return modules;
}

async function allEntries(): Promise<string[]> {
  const entries: string[] = ["lib/mod.ts", ...BROWSER_ENTRIES];
  for (const dir of Object.keys(APPS)) {
    for await (const e of Deno.readDir(join(ROOT, dir))) {
      if (e.isFile && e.name.endsWith(".ts")) entries.push(dir + e.name);
    }
  }
  for await (const e of Deno.readDir(join(ROOT, "lib"))) {
    if (!e.isDirectory) continue;
    for await (const f of Deno.readDir(join(ROOT, "lib", e.name))) {
      if (f.isFile && f.name.endsWith(".ts")) entries.push(`lib/${e.name}/${f.name}`);
    }
  }
  return [...new Set(entries)];
}

function layerOf(path: string): number {
  const i = LIB_LAYERS.findIndex((l) => l.endsWith("/") ? path.startsWith(l) : path === l);
  return i;
}

const appOf = (path: string) => Object.keys(APPS).find((a) => path.startsWith(a));
const within = (path: string, prefixes: readonly string[]) =>
  prefixes.some((p) => p.endsWith("/") ? path.startsWith(p) : path === p);

/** Why `from` may not import `to`, or undefined when the edge runs down the layers. */
export function wrongEdge(from: string, to: string): string | undefined {
  if (from.startsWith("lib/")) {
    if (!to.startsWith("lib/")) return "lib/ imports nothing from outside lib/";
    const [a, b] = [layerOf(from), layerOf(to)];
    if (a < 0) return `${from} is in no layer of LIB_LAYERS`;
    if (b < 0) return `${to} is in no layer of LIB_LAYERS`;
    if (b > a) return `${LIB_LAYERS[a]} sits below ${LIB_LAYERS[b]}`;
    return undefined;
  }
  const app = appOf(from);
  if (app === undefined || to.startsWith("lib/") || to.startsWith(app)) return undefined;
  return APPS[app].some((other) => to.startsWith(other))
    ? undefined
    : `${app} may import only lib/${APPS[app].map((o) => `, ${o}`).join("")} and itself`;
}

/** The Deno or Node APIs a module's code uses: `Deno.` outside comments, `node:` imports. */
async function platformUses(module: Module): Promise<string[]> {
  const text = await Deno.readTextFile(join(ROOT, module.path));
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
  const uses = [...new Set(code.match(/\bDeno\.[A-Za-z]+/g) ?? [])];
  return [...uses, ...module.external.filter((s) => s.startsWith("node:"))];
}

/** Every local module reachable from `entry` through code imports. */
function reachable(modules: Map<string, Module>, entry: string): string[] {
  const seen = new Set<string>([entry]);
  const queue = [entry];
  while (queue.length) {
    for (const next of modules.get(queue.pop()!)?.code ?? []) {
      if (!seen.has(next)) seen.add(next), queue.push(next);
    }
  }
  return [...seen];
}

const modules = await graph(await allEntries());

Deno.test("layers: every import runs down lib/'s layers, and lib/ imports no program around it", () => {
  const wrong: string[] = [];
  for (const m of modules.values()) {
    for (const to of [...m.code, ...m.types]) {
      const why = wrongEdge(m.path, to);
      if (why) wrong.push(`${m.path} → ${to}: ${why}`);
    }
  }
  assert.deepEqual(wrong, []);
  // The graph is the real one: it holds every layer and the edges between them.
  for (const layer of LIB_LAYERS) {
    assert.ok([...modules.keys()].some((p) => within(p, [layer])), `no module in ${layer}`);
  }
});

Deno.test("layers: the check refuses an edge that runs up, out of lib/, or between programs", () => {
  assert.match(wrongEdge("lib/maths/network.ts", "lib/training/train.ts")!, /sits below/);
  assert.match(wrongEdge("lib/data/csv.ts", "lib/io/files.ts")!, /lib\/data\/ sits below/);
  assert.match(wrongEdge("lib/io/mnist.ts", "playground/build.ts")!, /outside lib/);
  assert.match(wrongEdge("playground/main.ts", "cli/common.ts")!, /may import only/);
  assert.equal(wrongEdge("cli/book.ts", "site/build.ts"), undefined);
  assert.match(wrongEdge("playground/build.ts", "site/server.ts")!, /may import only/);
  assert.equal(wrongEdge("lib/training/sweep.ts", "lib/engines/choose.ts"), undefined);
  assert.match(wrongEdge("book/build.ts", "site/build.ts")!, /may import only/);
  assert.match(wrongEdge("playground/build.ts", "book/build.ts")!, /may import only/);
  assert.match(wrongEdge("tools/bundle.ts", "playground/build.ts")!, /may import only/);
  assert.equal(wrongEdge("cli/book_measure.ts", "book/page.ts"), undefined);
});

Deno.test("layers: the programs' order has no loop: each imports only programs before it", () => {
  const order = Object.keys(APPS);
  const later = Object.entries(APPS).flatMap(([app, allowed]) =>
    allowed.filter((other) => order.indexOf(other) >= order.indexOf(app)).map((o) =>
      `${app} → ${o}`
    )
  );
  assert.deepEqual(later, []);
  assert.ok(order.every((app) => !APPS[app].includes(app)));
});

Deno.test("layers: no Deno or node: API is reachable from a browser entry point or a browser-safe module", async () => {
  const found: string[] = [];
  const safe = [...modules.keys()].filter((p) => within(p, BROWSER_SAFE));
  for (const start of [...BROWSER_ENTRIES, ...safe]) {
    for (const path of reachable(modules, start)) {
      const uses = await platformUses(modules.get(path)!);
      if (uses.length) found.push(`${start} reaches ${path}: ${uses.join(", ")}`);
    }
  }
  assert.deepEqual(found, []);
  // The scan sees real uses: lib/io/files.ts is full of them.
  assert.ok((await platformUses(modules.get("lib/io/files.ts")!)).includes("node:path"));
  assert.ok(safe.length >= 20, `only ${safe.length} browser-safe modules found`);
});

Deno.test("layers: a browser entry reaches lib/ only through its browser-safe modules", () => {
  const outside: string[] = [];
  for (const entry of BROWSER_ENTRIES) {
    for (const path of reachable(modules, entry)) {
      if (path.startsWith("lib/") && !within(path, BROWSER_SAFE)) {
        outside.push(`${entry} reaches ${path}`);
      }
    }
  }
  assert.deepEqual(outside, []);
});
