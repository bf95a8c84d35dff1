/**
 * The book's parts that need no browser: Deno's inspect as the page's kernel reproduces it,
 * the cell transform (Jupyter's semantics, run here on Deno against lib itself), the module
 * plan (every name the notebooks import runs in the page), the markdown (every formula
 * typesets) and the site's server, hardened.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ADAPTED } from "../book/adapters.ts";
import { inspect } from "../book/inspect.ts";
import { format, jupyterNamespace, shown } from "../book/jupyter.ts";
import { moduleKey, spreadMath } from "../book/kernel.ts";
import { markdownRenderer } from "../book/markdown.ts";
import { planModules } from "../book/modules.ts";
import {
  cellSource,
  comparable,
  type Notebook,
  sameDrawing,
  sameOutputs,
} from "../book/notebook.ts";
import {
  CELL_DENO,
  CELL_IMPORT,
  CELL_MATH,
  CellSyntaxError,
  stripTypes,
  transformCell,
  VALUE,
} from "../book/transform.ts";
import { CONTENT_SECURITY_POLICY, isLoopback, serveSite } from "../site/server.ts";
import { ROOT } from "./helpers.ts";

function notebooks(): { name: string; notebook: Notebook }[] {
  return [...Deno.readDirSync(join(ROOT, "notebooks"))]
    .filter((e) => e.name.endsWith(".ipynb"))
    .map((e) => e.name)
    .sort()
    .map((name) => ({
      name,
      notebook: JSON.parse(Deno.readTextFileSync(join(ROOT, "notebooks", name))),
    }));
}

// ---- inspect

class Point {
  x = 1;
  y = [1, 2];
}
const circular: Record<string, unknown> = { a: 1 };
circular.self = circular;

Deno.test("inspect gives Deno.inspect's text for the kinds of values cells show", () => {
  const values: unknown[] = [
    "hello",
    "it's",
    'say "hi"',
    "a\nb",
    42,
    -0,
    NaN,
    1e21,
    true,
    undefined,
    null,
    Symbol("s"),
    10n,
    [],
    {},
    [1, , 3],
    new Array(5),
    [undefined, null, -0, NaN],
    { a: 1, b: "x", c: [1, 2, 3] },
    {
      "a-b": 1,
      get g() {
        return 1;
      },
    },
    { f() {}, g: () => 1, [Symbol("k")]: 2 },
    new Point(),
    Object.create(null),
    class Foo {},
    async function af() {},
    new Date(0),
    /x+/g,
    new Map([["a", 1]]),
    new Map(),
    new Set([1, 2]),
    new Float64Array([1, 2.5, 3]),
    new Float32Array(0),
    new Uint8Array(300),
    Array.from({ length: 30 }, (_, i) => i * 1000),
    Array.from({ length: 120 }, (_, i) => i),
    Array.from({ length: 26 }, (_, i) => String.fromCharCode(97 + i)),
    [..."abcdefghij"].map((c) => c.repeat(10)),
    [1.5, -2.25, 3e-7, 1e21],
    { nested: { a: { b: { c: { d: { e: 1 } } } } } },
    [[1, [2, [3, [4, [5, [6]]]]]]],
    circular,
    { rows: 10, cols: 784, data: new Float64Array(7840) },
    Array.from({ length: 10 }, (_, i) => ({ iteration: i, loss: 1 / (i + 1) })),
    { a: "x".repeat(100) },
    { iteration: 1, loss: 2.302585092994046, accuracy: 0.0987 },
  ];
  for (const [i, value] of values.entries()) {
    assert.equal(inspect(value), Deno.inspect(value, { colors: false }), `value ${i}`);
  }
});

// ---- what Deno's kernel displays

Deno.test("format: a display bundle, PNG bytes, elements, or the text form", async () => {
  const bundle = { "text/markdown": "**x**" };
  assert.deepEqual(await format({ [Symbol.for("Jupyter.display")]: () => bundle }), bundle);
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 0, 0]);
  assert.deepEqual(await format(png), { "image/png": btoa(String.fromCharCode(...png)) });
  assert.deepEqual(
    await format({ outerHTML: "<svg></svg>", namespaceURI: "http://www.w3.org/2000/svg" }),
    {
      "image/svg+xml": "<svg></svg>",
    },
  );
  assert.deepEqual(await format("hello"), { "text/plain": '"hello"' });
  assert.deepEqual(await format(Promise.resolve(5)), { "text/plain": "Promise { 5 }" });
  assert.deepEqual(await format(new Promise(() => {})), { "text/plain": "Promise { <pending> }" });
  assert.deepEqual([undefined, null, 1n, 0, ""].map(shown), [false, false, false, true, true]);
  const sent: unknown[] = [];
  const jupyter = jupyterNamespace({ display: (...args) => sent.push(args) });
  assert.deepEqual(await format(jupyter.md`# ${1 + 1}`), { "text/markdown": "# 2" });
  await jupyter.display({ "text/plain": "v" }, { raw: true, display_id: "d", update: true });
  await jupyter.display(jupyter.svg`<svg/>`);
  assert.deepEqual(sent, [[{ "text/plain": "v" }, "d", true], [
    { "image/svg+xml": "<svg/>" },
    undefined,
    false,
  ]]);
});

Deno.test("the kernel's Math.min/max over arrays agree with Math's own", () => {
  const cases = [[], [3, 1, 2], [0, -0], [-0, 0], [1, NaN, 2], ["4", 7], [-Infinity]];
  for (const c of cases) {
    assert.ok(Object.is(spreadMath.min(c), Math.min(...(c as number[]))), `min ${c}`);
    assert.ok(Object.is(spreadMath.max(c), Math.max(...(c as number[]))), `max ${c}`);
  }
});

// ---- the cell transform, run on Deno with lib itself

const scope = globalThis as Record<string | symbol, unknown>;

/** Runs cells as the page's kernel does, on Deno (data: modules instead of blob: ones). */
async function runCells(...sources: string[]): Promise<unknown[]> {
  scope[Symbol.for(CELL_DENO)] = { jupyter: jupyterNamespace({ display() {} }) };
  scope[Symbol.for(CELL_IMPORT)] = (specifier: string) => {
    const key = moduleKey(specifier);
    if (key === "node:assert/strict") return import("node:assert/strict");
    return import(new URL(`../${key}`, import.meta.url).href);
  };
  scope[Symbol.for(CELL_MATH)] = spreadMath;
  const values: unknown[] = [];
  for (const source of sources) {
    const cell = transformCell(source);
    for (const name of cell.declared) {
      if (!Object.hasOwn(globalThis, name)) scope[name] = undefined;
    }
    const url = `data:text/javascript;base64,${btoa(unescape(encodeURIComponent(cell.code)))}`;
    values.push((await import(url))[VALUE]);
  }
  return values;
}

Deno.test("cells share declarations, run again, await at the top and show their last value", async () => {
  const values = await runCells(
    `import { fromRows, type Matrix } from "../lib/mod.ts";
     const bookA: number = 2, { rows: bookRows } = fromRows([[1], [2]]);
     let bookB;
     function bookTwice(x: number): number { return 2 * x; }
     class BookBox { constructor(readonly v: number) {} }`,
    "bookTwice(bookA) + bookRows",
    "const bookA = 10; bookA",
    "const bookA = 11;",
    "bookB = await Promise.resolve(new BookBox(bookA).v); bookB",
    "if (bookA > 5) { 'big'; } else { 'small'; }",
    "for (const x of []) x; ",
    "'before'; if (false) 1;",
    "let bookS = 0; for (let i = 0; i < 3; i++) { bookS += i; } bookS",
    "for (let i = 0; i < 3; i++) if (i > 0) bookS += 10 * i; bookS",
    "Math.max(...Array.from({ length: 200000 }, (_, i) => i))",
    "import assert from 'node:assert/strict'; assert.equal(bookTwice(2), 4); typeof assert.deepEqual",
  );
  assert.deepEqual(values, [
    undefined,
    6,
    10,
    undefined,
    11,
    "big",
    undefined,
    undefined,
    3,
    33,
    199999,
    "function",
  ]);
  for (
    const name of [
      "bookA",
      "bookB",
      "bookRows",
      "bookTwice",
      "BookBox",
      "bookS",
      "fromRows",
      "assert",
    ]
  ) {
    delete scope[name];
  }
});

Deno.test("a cell's syntax errors name its line; lines are kept by the transform", () => {
  assert.throws(() => transformCell("const a = 1;\nconst b = ;\n"), (e) => {
    assert.ok(e instanceof CellSyntaxError);
    assert.equal(e.line, 2);
    return true;
  });
  assert.throws(() => transformCell("export const a = 1;"), CellSyntaxError);
});

Deno.test("every code cell of every notebook transforms, line for line", () => {
  let cells = 0;
  for (const { name, notebook } of notebooks()) {
    for (const [index, cell] of notebook.cells.entries()) {
      if (cell.cell_type !== "code") continue;
      const source = cellSource(cell);
      const lines = source.split("\n").length;
      assert.equal(stripTypes(source).split("\n").length, lines, `${name} cell ${index}`);
      const { code } = transformCell(source);
      // the prologue sits on the first line; the export comes after the last one
      assert.equal(code.split("\n").length, lines + 2, `${name} cell ${index}`);
      cells++;
    }
  }
  assert.ok(cells > 0);
});

// ---- which modules the page bundles

Deno.test("every name the notebooks import from lib runs in the page", async () => {
  const plan = await planModules(ADAPTED);
  const imported = /import\s*(type\s+)?\{([^}]*)\}\s*from\s*"(\.\.\/lib\/[^"]+)"/g;
  // and `import * as lib from "../lib/mod.ts"`, whose names are the cells' `lib.name`s
  const namespace = /import\s*\*\s*as\s+(\w+)\s+from\s*"(\.\.\/lib\/[^"]+)"/g;
  let names = 0;
  const check = (name: string, key: string, exported: string) => {
    names++;
    if (plan.safe.includes(key)) return;
    const how = plan.mapped[key]?.[exported];
    assert.ok(how, `${name}: ${exported} is not exported by ${key}`);
    assert.ok(!("unavailable" in how), `${name}: ${exported} (${key}) does not run in the page`);
  };
  for (const { name, notebook } of notebooks()) {
    const sources = notebook.cells.filter((c) => c.cell_type === "code").map(cellSource);
    for (const source of sources) {
      for (const m of source.matchAll(imported)) {
        if (m[1]) continue;
        for (const spec of m[2].split(",").map((s) => s.trim()).filter(Boolean)) {
          if (!spec.startsWith("type ")) check(name, moduleKey(m[3]), spec.split(/\s+as\s+/)[0]);
        }
      }
      for (const [, alias, path] of source.matchAll(namespace)) {
        const used = new RegExp(`\\b${alias}\\.(\\w+)`, "g");
        const all = new Set(sources.flatMap((s) => [...s.matchAll(used)].map((u) => u[1])));
        // a name the module does not export at run time is a type (the cells' type check sees it)
        const values = await import(`../${path.slice(3)}`);
        for (const exported of all) if (exported in values) check(name, moduleKey(path), exported);
      }
    }
  }
  assert.ok(names > 100, `only ${names} names imported from lib found`);
  // and the plan is honest: what it maps is the same function the module exports
  const mod = await import("../lib/mod.ts");
  for (const [name, how] of Object.entries(plan.mapped["lib/mod.ts"])) {
    if ("from" in how) {
      const from = await import(`../${how.from}`);
      assert.equal(from[name], (mod as Record<string, unknown>)[name], name);
    }
  }
});

// ---- markdown

Deno.test("every formula of every notebook typesets (no KaTeX error, no $ left)", () => {
  let formulas = 0;
  for (const { name, notebook } of notebooks()) {
    const md = markdownRenderer();
    for (const [index, cell] of notebook.cells.entries()) {
      if (cell.cell_type !== "markdown") continue;
      const html = md.render(cellSource(cell));
      assert.ok(!html.includes("katex-error"), `${name} cell ${index}: ${html}`);
      formulas += html.split('class="katex"').length - 1;
      const text = html
        .replace(/<span class="katex">[\s\S]*?<\/annotation>/g, "")
        .replace(/<code>[\s\S]*?<\/code>/g, "");
      assert.ok(!/\$/.test(text.replace(/<[^>]+>/g, "")), `${name} cell ${index}: a $ is left`);
    }
  }
  assert.ok(formulas > 100, `${formulas} formulas`);
});

Deno.test("comparable joins streams as tools/nbrun.py stores them and ignores PNGs", () => {
  const a = comparable([
    { output_type: "stream", name: "stdout", text: "a\n" },
    { output_type: "stream", name: "stdout", text: "b\n" },
    { output_type: "display_data", data: { "image/png": "xx", "text/plain": "p" }, metadata: {} },
  ]);
  assert.deepEqual(a, [
    { output_type: "stream", name: "stdout", text: "a\nb\n" },
    { output_type: "display_data", data: { "text/plain": "p" } },
  ]);
});

Deno.test("an SVG is the same drawing when only the last bits of its numbers differ", () => {
  const stored = '<svg><line y1="346.6262961469125" x2="640"/><text>η = 0.5</text></svg>';
  const browser = '<svg><line y1="346.62629614691247" x2="640"/><text>η = 0.5</text></svg>';
  assert.ok(sameDrawing(browser, stored));
  assert.ok(!sameDrawing(browser.replace("346.62629614691247", "346.6263"), stored));
  assert.ok(!sameDrawing(browser.replace("0.5", "0.25"), stored));
  assert.ok(!sameDrawing(browser.replace("<text>", "<text x='1'>"), stored));
  assert.ok(!sameDrawing(browser.replace('x2="640"', 'x2="640" x1="4"'), stored));
  const svg = (text: string) => [{
    output_type: "display_data" as const,
    data: { "image/svg+xml": text, "text/plain": "a plot" },
    metadata: {},
  }];
  assert.ok(sameOutputs(svg(browser), svg(stored)));
  assert.ok(!sameOutputs(svg(browser.replace("640", "641")), svg(stored)));
  assert.ok(!sameOutputs([...svg(browser), ...svg(browser)], svg(stored)));
  const plain = svg(stored);
  plain[0].data["text/plain"] = "another plot";
  assert.ok(!sameOutputs(svg(stored), plain));
});

// ---- the server

/** A request sent as it is written (fetch would normalise the path first). */
async function raw(port: number, path: string): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(
    new TextEncoder().encode(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
  );
  let text = "";
  for await (const chunk of conn.readable) text += new TextDecoder().decode(chunk);
  return text;
}

Deno.test("the site's server is hardened", async () => {
  const root = await Deno.makeTempDir({ prefix: "book-server-" });
  const outside = await Deno.makeTempDir({ prefix: "book-outside-" });
  try {
    await Deno.mkdir(join(root, "sub"));
    await Deno.writeTextFile(join(root, "index.html"), "<p>home</p>");
    await Deno.writeTextFile(join(root, "sub", "index.html"), "<p>sub</p>");
    await Deno.writeTextFile(join(outside, "secret.txt"), "secret");
    await Deno.symlink(join(outside, "secret.txt"), join(root, "link.txt"));
    await Deno.symlink(outside, join(root, "out"));
    await Deno.symlink(join(root, "index.html"), join(root, "inside.html"));
    const server = serveSite(root, { hostname: "127.0.0.1", port: 0, isolated: true });
    const base = `http://127.0.0.1:${server.addr.port}`;
    try {
      const get = async (path: string, init?: RequestInit) => {
        const r = await fetch(base + path, { redirect: "manual", ...init });
        const body = await r.text();
        for (
          const [header, value] of [
            ["x-content-type-options", "nosniff"],
            ["content-security-policy", CONTENT_SECURITY_POLICY],
            ["referrer-policy", "no-referrer"],
            ["cross-origin-opener-policy", "same-origin"],
            ["cross-origin-embedder-policy", "require-corp"],
          ]
        ) {
          assert.equal(r.headers.get(header), value, `${path}: ${header}`);
        }
        return { status: r.status, body, headers: r.headers };
      };
      assert.equal((await get("/")).body, "<p>home</p>");
      assert.equal((await get("/%")).status, 400);
      assert.equal((await get("/%E0%A4%A")).status, 400);
      // dot segments, even percent-encoded, resolve inside the site (the URL parser drops them)
      for (const path of ["/%2e%2e/secret.txt", "/a/../../secret.txt", "/sub/%2E%2E/%2E%2E/x"]) {
        assert.match(await raw(server.addr.port, path), /^HTTP\/1\.1 404 /, path);
      }
      assert.equal((await get("/%00")).status, 400);
      for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
        const r = await get("/", { method });
        assert.equal(r.status, 405, method);
        assert.equal(r.headers.get("allow"), "GET, HEAD");
      }
      assert.equal((await get("/link.txt")).status, 404);
      assert.equal((await get("/out/secret.txt")).status, 404);
      assert.equal((await get("/inside.html")).body, "<p>home</p>");
      assert.equal((await get("/missing")).status, 404);
      const folder = await get("/sub");
      assert.equal(folder.status, 301);
      assert.equal(folder.headers.get("location"), "/sub/");
      const head = await get("/", { method: "HEAD" });
      assert.equal(head.status, 200);
      assert.equal(head.body, "");
      const etag = head.headers.get("etag")!;
      assert.equal((await get("/", { headers: { "If-None-Match": etag } })).status, 304);
    } finally {
      await server.shutdown();
    }
  } finally {
    await Deno.remove(root, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("`deno task book --host` other than loopback warns", async () => {
  assert.deepEqual(
    ["127.0.0.1", "127.1.2.3", "localhost", "::1", "0.0.0.0", "192.168.1.2", "::"].map(isLoopback),
    [true, true, true, true, false, false, false],
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "cli/book.ts", "--host", "0.0.0.0", "--port", "0"],
    cwd: ROOT,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { done, value } = await reader.read();
    if (done) break;
    text += value;
  }
  child.kill("SIGTERM");
  await reader.cancel();
  await child.status;
  assert.match(text, /^warning: --host 0\.0\.0\.0 is not this machine's loopback/);
});
