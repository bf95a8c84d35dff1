/**
 * The README and docs/ promise what the repository holds: every `deno task` is listed, the
 * README stays short enough to read to the end, and every relative link points at a file.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { ROOT } from "./helpers.ts";

const README = Deno.readTextFileSync(join(ROOT, "README.md"));
const MAX_README_LINES = 200;

Deno.test("the README lists every deno task in its task table", () => {
  const config = JSON.parse(Deno.readTextFileSync(join(ROOT, "deno.json")));
  const listed = new Set(
    [...README.matchAll(/^\| `deno task ([\w:-]+)`/gm)].map((m) => m[1]),
  );
  const missing = Object.keys(config.tasks).filter((name) => !listed.has(name));
  assert.deepEqual(missing, [], `tasks missing from README.md's table: ${missing.join(", ")}`);
  const unknown = [...listed].filter((name) => !(name in config.tasks));
  assert.deepEqual(unknown, [], `README.md lists tasks deno.json lacks: ${unknown.join(", ")}`);
});

Deno.test(`the README has at most ${MAX_README_LINES} lines`, () => {
  const lines = README.trimEnd().split("\n").length;
  assert.ok(lines <= MAX_README_LINES, `README.md has ${lines} lines`);
});

Deno.test("every relative link of the README and docs/ points at a file that exists", () => {
  const pages = ["README.md", "bench/README.md", "lib/README.md"];
  for (const e of Deno.readDirSync(join(ROOT, "docs"))) {
    if (e.name.endsWith(".md")) pages.push(join("docs", e.name));
  }
  const broken: string[] = [];
  for (const page of pages) {
    const text = Deno.readTextFileSync(join(ROOT, page));
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target) || target.startsWith("#")) continue;
      const path = join(ROOT, dirname(page), target.split("#")[0]);
      try {
        Deno.statSync(path);
      } catch {
        broken.push(`${page}: ${target}`);
      }
    }
  }
  assert.deepEqual(broken, []);
});
