/**
 * The notebooks are part of the test suite: each one is type-checked (the kernel does not
 * check types) and executed top to bottom through Deno's Jupyter kernel, and its fresh
 * outputs must equal the committed ones (`deno task notebooks:run` regenerates them).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { hasJupyter, PYTHON, ROOT } from "../helpers.ts";

const jupyter = await hasJupyter();
if (!jupyter) {
  const how =
    "apt-get install -y --no-install-recommends jupyter-nbconvert python3-nbclient jupyter-client";
  if (Deno.env.get("CI")) throw new Error(`CI needs Jupyter to execute the notebooks: ${how}`);
  console.log(`skipping the notebook runs: ${PYTHON} has no nbclient (install it with: ${how})`);
}

const notebooks: string[] = [];
for (const e of Deno.readDirSync(join(ROOT, "notebooks"))) {
  if (e.name.endsWith(".ipynb")) notebooks.push(e.name);
}
notebooks.sort();

async function run(cmd: string, args: string[]) {
  const out = await new Deno.Command(cmd, { args, cwd: ROOT, stdout: "piped", stderr: "piped" })
    .output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

Deno.test("there are notebooks to run", () => {
  assert.ok(notebooks.length > 0, "notebooks/ holds no .ipynb");
});

Deno.test("the notebooks' code type-checks", async () => {
  const r = await run(Deno.execPath(), ["run", "-A", "tools/nbcheck.ts"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
});

for (const name of notebooks) {
  Deno.test(
    { name: `notebook ${name} runs and its stored outputs are current`, ignore: !jupyter },
    async () => {
      const r = await run(PYTHON, ["tools/nbrun.py", "--check", join("notebooks", name)]);
      // Notebooks that read generated resources go stale when those are regenerated.
      const hint = name.startsWith("07_")
        ? "\nThis notebook reads resources/hyper-tune.jsonl: after `deno task tune` with other flags, restore it (git checkout resources/) or re-run `deno task notebooks:run`."
        : "\nIf lib/ changed on purpose, re-run `deno task notebooks:run` and commit the new outputs.";
      assert.equal(r.code, 0, r.stdout + r.stderr + hint);
    },
  );
}
