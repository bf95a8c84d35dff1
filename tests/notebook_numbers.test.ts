/**
 * A notebook that reuses another's measurement writes it down as a constant instead of
 * training again (09c's long run would double 09d's time). Each such constant must be the
 * number the other notebook's stored outputs print; `deno task notebooks:run --check`
 * keeps those outputs fresh, so a change of lib/ that moves the measurement fails here.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT } from "./helpers.ts";

interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: { text?: string | string[]; data?: Record<string, string | string[]> }[];
}

const joined = (s: string | string[] | undefined) => Array.isArray(s) ? s.join("") : s ?? "";

function cells(notebook: string): Cell[] {
  const path = join(ROOT, "notebooks", `${notebook}.ipynb`);
  return JSON.parse(Deno.readTextFileSync(path)).cells;
}

/** Everything the notebook's code cells printed or displayed as text. */
function printed(notebook: string): string {
  return cells(notebook).flatMap((c) =>
    (c.outputs ?? []).map((o) =>
      joined(o.text) + joined(o.data?.["text/plain"]) + joined(o.data?.["text/markdown"])
    )
  ).join("\n");
}

/** The value a code cell of `notebook` gives the constant `name` (`NAME = 0.1234`). */
function constant(notebook: string, name: string): string {
  const code = cells(notebook).filter((c) => c.cell_type === "code").map((c) => joined(c.source))
    .join("\n");
  const match = code.match(new RegExp(`\\b${name} = ([0-9.]+)`));
  assert.ok(match, `${notebook} defines no constant ${name}`);
  return match[1];
}

/** [the notebook that copies, its constant, the notebook that measures, what that one prints] */
const COPIES: [string, string, string, RegExp][] = [
  [
    "09c_original_run",
    "OURS_TEST_ACCURACY",
    "08_evaluation",
    /test accuracy: \d+ of \d+ = ([0-9.]+)/,
  ],
  [
    "09c_original_run",
    "ORIGINAL_TEST_ACCURACY",
    "08_evaluation",
    /original model: .*test accuracy ([0-9.]+)/,
  ],
  [
    "09d_original_run_starts",
    "ORIGINAL_TEST_ACCURACY",
    "08_evaluation",
    /original model: .*test accuracy ([0-9.]+)/,
  ],
  [
    "09d_original_run_starts",
    "RUN_TEST_ACCURACY",
    "09c_original_run",
    /test accuracy after 3,000 iterations: ([0-9.]+)/,
  ],
  [
    "09d_original_run_starts",
    "RUN_TRAINING_ACCURACY",
    "09c_original_run",
    /training loss [0-9.]+, training accuracy ([0-9.]+)/,
  ],
];

for (const [copier, name, measurer, pattern] of COPIES) {
  Deno.test(`${copier}'s ${name} is what ${measurer} prints`, () => {
    const match = printed(measurer).match(pattern);
    assert.ok(match, `${measurer}'s stored outputs print nothing like ${pattern}`);
    assert.equal(constant(copier, name), match[1], `${copier}: ${name} differs from ${measurer}`);
  });
}

Deno.test("notebook 10 counts the notebooks before it and names the last", () => {
  const names = [...Deno.readDirSync(join(ROOT, "notebooks"))]
    .filter((e) => e.isFile && e.name.endsWith(".ipynb")).map((e) => e.name).sort();
  const exercises = names.findIndex((n) => n.startsWith("10_"));
  const before = names.slice(0, exercises);
  const words = ("- One Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve Thirteen " +
    "Fourteen Fifteen").split(" ");
  const intro = joined(cells(names[exercises].replace(/\.ipynb$/, ""))[0].source);
  const last = before.at(-1)!.split("_")[0];
  assert.match(intro, new RegExp(`${words[before.length]} notebooks \\(01 to ${last}\\)`));
});
