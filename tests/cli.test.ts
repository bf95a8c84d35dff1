/**
 * The command-line tasks, run as a user runs them (a subprocess per call): what they
 * write and print, and that every bad input gives one `error: …` line naming the file or
 * flag, exit status 1, no stack trace, and no partial or clobbered output.
 */
import assert from "node:assert/strict";
import { zipSync } from "fflate";
import { join } from "node:path";
import {
  createEngine,
  createRng,
  evaluation,
  fromModelJson,
  image,
  initHe,
  initNetwork,
  loadMnist,
  loadModel,
  predictDataset,
  predictWith,
  take,
  train,
} from "../lib/mod.ts";
import { EMBEDDED, exists, hasOriginal, ORIGINAL_WEIGHTS } from "./helpers.ts";
import { assertUserError, failsCleanly, snapshot, task } from "./cli_run.ts";

const tmp = await Deno.makeTempDir({ prefix: "mnist-cli-" });
const test = await loadMnist("test");

Deno.test("every task answers --help with its flags and defaults", async () => {
  const expected: Record<string, string[]> = {
    train: [
      "--iterations N",
      "(default: 1000)",
      "--learning-rate",
      "(default: 0.25)",
      "--limit",
      "--start NAME",
    ],
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

Deno.test("train --start he starts from initHe's weights for the seed (the playground's race)", async () => {
  const data = take(await loadMnist("train"), 300);
  const args = ["--iterations", "3", "--limit", "300", "--seed", "7", "--json", "--out"];
  const he = await task("train", ...args, join(tmp, "he.json"), "--start", "he");
  assert.equal(he.code, 0, he.stderr);
  const uniform = await task("train", ...args, join(tmp, "uniform.json"), "--start", "uniform");
  const [h, u] = [JSON.parse(he.stdout), JSON.parse(uniform.stdout)];
  assert.deepEqual([h.start, u.start], ["he", "uniform"]);
  const expected = async (init: typeof initHe) => {
    const engine = await createEngine({
      engine: "fast",
      network: init(createRng(7)),
      data,
      seed: 7,
    });
    let last;
    for await (const r of train(engine, { iterations: 3, learningRate: 0.25 })) last = r;
    engine.dispose();
    return last!.loss;
  };
  assert.equal(h.loss, await expected(initHe));
  assert.equal(u.loss, await expected(initNetwork));
  assert.notEqual(h.loss, u.loss);
});

Deno.test("train --batch-size --epochs takes shuffled mini-batch steps; both engines agree", async () => {
  // 1,050 samples in batches of 100: the last batch of an epoch holds 50, so an accuracy
  // measured on it (k/50) is not the whole set's, which the written model must reproduce.
  const args = [
    "--batch-size",
    "100",
    "--epochs",
    "2",
    "--limit",
    "1050",
    "--learning-rate",
    "0.1",
  ];
  const samples = take(await loadMnist("train"), 1050);
  const runs = [];
  for (const engine of ["fast", "reference"] as const) {
    const out = join(tmp, `mb-${engine}.json`);
    const r = await task("train", ...args, "--engine", engine, "--out", out, "--json");
    assert.equal(r.code, 0, r.stderr);
    const run = JSON.parse(r.stdout);
    runs.push(run);
    assert.equal(run.iterations, 22, "2 epochs of 11 batches");
    assert.equal(run.batch_size, 100);
    assert.equal(run.epochs, 2);
    // The reported training accuracy is the written model's over all 1,050 samples.
    const all = evaluation(
      samples.labels,
      await predictWith(engine, await loadModel(out), samples),
    );
    assert.equal(run.accuracy, all.accuracy);
    assert.equal(all.total, 1050);
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
  assert.match(summary.learning_rates[0].diverged, /^training diverged at iteration \d+: /);
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
  // The JSON keeps the snake_case names of the original project's reports.
  assert.deepEqual(JSON.parse(json.stdout), {
    accuracy: expected.accuracy,
    correct: expected.correct,
    total: expected.total,
    confusion_matrix: expected.confusion,
    binary_confusion_matrix: expected.binaryConfusion,
  });
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
    ["train", ["--start", "xavier"], /--start xavier: expected one of uniform, he/],
    ["train", ["--batch-size", "0"], /--batch-size 0: expected a whole number ≥ 1/],
    ["evaluate", ["--engine", "slow"], /--engine slow: expected one of fast, reference/],
    ["train", ["extra"], /unexpected argument extra/],
    ["tune", ["--learning-rates", "0.5,,0.1"], /--learning-rates 0.5,,0.1: expected numbers/],
    ["tune", ["--learning-rates", "0.5,abc"], /--learning-rates abc: expected a number > 0/],
    ["tune", ["--every", "0"], /--every 0: expected a whole number ≥ 1/],
    ["view", ["--split", "validation"], /--split validation: expected train or test/],
    ["train", ["--out", tmp], /--out .*: is a folder/],
    ["evaluate", ["--data", ""], /--data '': expected a file or folder path$/],
    ["evaluate", ["--weights", ""], /--weights '': expected a file path$/],
    ["view", ["--out", ""], /--out '': expected a file path$/],
  ];
  for (const [name, args, pattern] of cases) assertUserError(await task(name, ...args), pattern);
});

/** A folder holding train and t10k IDX files with these bytes. */
async function idxFolder(
  dir: string,
  images: Uint8Array,
  labels: Uint8Array,
  splits = ["train", "t10k"],
) {
  await Deno.mkdir(dir, { recursive: true });
  for (const split of splits) {
    await Deno.writeFile(join(dir, `${split}-images-idx3-ubyte`), images);
    await Deno.writeFile(join(dir, `${split}-labels-idx1-ubyte`), labels);
  }
  return dir;
}

const IDX_IMAGES = await Deno.readFile(join(EMBEDDED, "t10k-images-idx3-ubyte"));
const IDX_LABELS = await Deno.readFile(join(EMBEDDED, "t10k-labels-idx1-ubyte"));

/** The first n test digits as IDX bytes. */
function idxOf(n: number): [Uint8Array, Uint8Array] {
  const images = IDX_IMAGES.slice(0, 16 + n * 784), labels = IDX_LABELS.slice(0, 8 + n);
  new DataView(images.buffer).setUint32(4, n);
  new DataView(labels.buffer).setUint32(4, n);
  return [images, labels];
}

const row = (label: string, pixels: string[]) => [label, ...pixels].join(",");
const zeros = (n: number) => new Array<string>(n).fill("0");

// One case per family; data.test.ts holds every detail of each family.
Deno.test("bad data files give one line naming the file, and write nothing", async () => {
  const dir = await Deno.makeTempDir({ dir: tmp });
  const at = (name: string) => join(dir, name);
  const wrongMagic = IDX_IMAGES.slice();
  wrongMagic[3] = 1;
  await Deno.writeTextFile(
    at("short.csv"),
    row("3", zeros(784)) + "\n" + row("4", zeros(780)) + "\n",
  );
  await Deno.writeFile(
    at("mnist_test.zip"),
    zipSync({ "mnist_test.csv": new TextEncoder().encode(row("1", zeros(10))) }),
  );
  const magic = await idxFolder(at("magic"), wrongMagic, IDX_LABELS);
  const cases: [string[], RegExp][] = [
    [["--data", at("missing.csv")], /^error: --data .*missing\.csv: no such file or folder$/],
    [
      ["--data", magic],
      /-images-idx3-ubyte: not an IDX images file \(magic number 2049, expected 2051\)/,
    ],
    [["--data", at("short.csv")], /^error: --data .*short\.csv: line 2: 781 columns/],
    [["--data", at("mnist_test.zip")], /mnist_test\.zip:mnist_test\.csv: line 1/],
  ];
  const weights = await model();
  for (const [args, pattern] of cases) {
    await failsCleanly("evaluate", [...args, "--weights", weights], pattern, { dir });
    await failsCleanly("train", [...args, "--out", at("never.json")], pattern, { dir });
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

// One case per family (not there, not JSON, wrong shape); model_training.test.ts holds the rest.
Deno.test("bad model files give one line naming the file", async () => {
  const dir = await Deno.makeTempDir({ dir: tmp });
  const good = JSON.parse(await Deno.readTextFile(await model()));
  const write = async (name: string, text: string) => {
    const p = join(dir, name);
    await Deno.writeTextFile(p, text);
    return p;
  };
  const short = structuredClone(good);
  short.hidden_layer.weights[0].pop();
  const cases: [string, RegExp][] = [
    [join(dir, "absent.json"), /--weights .*absent\.json: file not found/],
    [await write("broken.json", '{"hidden_layer": {'), /--weights .*broken\.json: not valid JSON/],
    [await write("short.json", JSON.stringify(short)), /short\.json: hidden_layer\.weights.*783/],
  ];
  for (const [path, pattern] of cases) {
    await failsCleanly("evaluate", ["--weights", path], pattern, { dir });
    await failsCleanly("weights", ["--weights", path, "--out", join(dir, "x.svg")], pattern, {
      dir,
    });
  }
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
    /bad\.jsonl: line 2: "accuracy" is missing or not a finite number/,
  );
  await Deno.writeTextFile(report, "");
  assertUserError(await task("plot", "--report", report), /bad\.jsonl: no records/);
  assert.equal(await exists(join(tmp, "never.svg")), false);
});

Deno.test("evaluate names a model file that is not there", async () => {
  const r = await task("evaluate", "--weights", join(tmp, "nothing-here.json"));
  assertUserError(r, /nothing-here\.json: file not found/);
});

// Nothing lost. Each refused run below is checked by failsCleanly: exit 1, one error line,
// nothing on disk changed, and a quick failure although the settings given (all 60,000
// digits, long runs) would train for minutes if the check came after the work.

/** A small labelled CSV (the first n test digits, no header). */
function csvOf(n: number): string {
  const rows = [];
  for (let j = 0; j < n; j++) {
    rows.push([test.labels[j], ...test.images.subarray(j * 784, (j + 1) * 784)].join(","));
  }
  return rows.join("\n") + "\n";
}

const LONG = ["--iterations", "100000"];

Deno.test("an output that is an input is refused before any work, however it is spelled", async () => {
  const dir = await Deno.makeTempDir({ dir: tmp });
  const at = (name: string) => join(dir, name);
  await Deno.writeTextFile(at("v.csv"), csvOf(30));
  await Deno.copyFile(await model(), at("m.json"));
  await Deno.symlink(dir, at("alias"));
  await Deno.link(at("v.csv"), at("hard.json"));
  await Deno.symlink(at("m.json"), at("m.svg"));
  const isInput = /is the input .*: writing it would destroy it; nothing was written$/;
  // train --data v.csv --out v.csv would replace the training CSV with the model.
  await failsCleanly("train", ["--data", at("v.csv"), "--out", at("v.csv"), ...LONG], isInput, {
    dir,
  });
  // The same file under other names: through a linked folder, and a hard link.
  for (const out of [at("alias/v.csv"), at("hard.json")]) {
    await failsCleanly(
      "train",
      ["--data", at("v.csv"), "--out", out, ...LONG],
      /^error: --out .* is the input --data .*v\.csv/,
      { dir },
    );
  }
  // evaluate --plot m.json and weights --out m.json would write an SVG over the model: the
  // name is not a picture's, and a picture name that is the model (a symlink) is the same file.
  await failsCleanly(
    "evaluate",
    ["--weights", at("m.json"), "--plot", at("m.json")],
    /--plot .*m\.json: unsupported picture format/,
    { dir },
  );
  await failsCleanly(
    "evaluate",
    ["--weights", at("m.json"), "--plot", at("m.svg")],
    /^error: --plot .*m\.svg is the input --weights .*m\.json/,
    { dir },
  );
  await failsCleanly(
    "weights",
    ["--weights", at("m.json"), "--out", at("m.json")],
    /--out .*m\.json: unsupported picture format/,
    { dir },
  );
  await failsCleanly("weights", ["--weights", at("m.svg"), "--out", at("m.svg")], isInput, { dir });
  // The files a --data folder is read from are inputs too, the test split's included.
  const [images, labels] = idxOf(30);
  const folder = await idxFolder(at("idx"), images, labels);
  for (const file of ["train-labels-idx1-ubyte", "t10k-images-idx3-ubyte"]) {
    await failsCleanly(
      "train",
      ["--data", folder, "--out", join(folder, file), ...LONG],
      new RegExp(`--out .*${file} is the input --data .*${file}`),
      { dir },
    );
  }
});

Deno.test("two outputs that are one file are refused before any work", async () => {
  const dir = await Deno.makeTempDir({ dir: tmp });
  const at = (name: string) => join(dir, name);
  await Deno.writeTextFile(at("r.png"), "old report\n");
  await Deno.writeTextFile(at("r.svg"), "old picture\n");
  // tune --report r.png --plot r.svg would lose the report under the PNG written beside the SVG.
  await failsCleanly(
    "tune",
    ["--report", at("r.png"), "--plot", at("r.svg")],
    /--report .*r\.png and .*r\.png \(the PNG beside --plot .*r\.svg\) are the same file: nothing was written$/,
    { dir },
  );
  // The same path for --report and --plot, spelled two ways.
  await failsCleanly(
    "tune",
    ["--report", at("r.svg"), "--plot", join(dir, ".", "r.svg")],
    /--report .*r\.svg and --plot .*r\.svg are the same file/,
    { dir },
  );
});

Deno.test("a FIFO is written through, /dev/stdout gets the report like -, another device is refused", async () => {
  const dir = await Deno.makeTempDir({ dir: tmp });
  const at = (name: string) => join(dir, name);
  const small = ["--learning-rates", "0.5", "--iterations", "4", "--every", "2", "--limit", "200"];
  // A FIFO with a reader: the reader gets the report, the FIFO stays a FIFO.
  const fifo = at("pipe");
  assert.equal((await new Deno.Command("mkfifo", { args: [fifo] }).output()).code, 0);
  const reader = new Deno.Command("cat", { args: [fifo], stdout: "piped" }).spawn();
  const r = await task("tune", ...small, "--report", fifo, "--plot", at("a.svg"));
  if (!(await Deno.lstat(fifo)).isFifo) {
    reader.kill(); // it waits on the FIFO that is no longer there
    await reader.status;
    assert.fail("the FIFO was replaced by a file");
  }
  assert.equal(r.code, 0, r.stderr);
  const received = new TextDecoder().decode((await reader.output()).stdout);
  assert.deepEqual(received.trimEnd().split("\n").map((l) => JSON.parse(l).iteration), [2, 4]);
  assert.ok((await Deno.lstat(fifo)).isFifo);
  // /dev/stdout: the report is on stdout, as with --report -.
  const out = await task("tune", ...small, "--report", "/dev/stdout", "--plot", at("b.svg"));
  assert.equal(out.code, 0, out.stderr);
  const dash = await task("tune", ...small, "--report", "-", "--plot", at("c.svg"));
  assert.equal(out.stdout, dash.stdout, "the report alone on stdout, the summary on stderr");
  assert.match(out.stderr, /swept 1 learning rates/);
  // A device other than /dev/null or a terminal (like /dev/full, made here so that nothing
  // of the machine's is at stake) is refused before the work, the device still a device.
  const full = at("full");
  const made = await new Deno.Command("mknod", { args: [full, "c", "1", "7"], stderr: "null" })
    .output();
  if (made.code !== 0) {
    console.log("skipped the device case: mknod is not allowed here");
    return;
  }
  await failsCleanly(
    "tune",
    [...small, "--report", full, "--plot", at("d.svg")],
    /^error: --report .*full: is a device \(character device 1:7\): outputs are written to files, pipes, \/dev\/null or a terminal$/,
    { dir },
  );
  assert.ok((await Deno.lstat(full)).isCharDevice);
});

Deno.test("a symlink at an output keeps pointing where it pointed; its target gets the model", async () => {
  const dir = await Deno.makeTempDir({ dir: tmp });
  const at = (name: string) => join(dir, name);
  await Deno.mkdir(at("models"));
  await Deno.writeTextFile(at("models/real.json"), "old model\n");
  await Deno.symlink("models/real.json", at("link.json"));
  await Deno.symlink("models/new.json", at("dangling.json"));
  for (const link of ["link.json", "dangling.json"]) {
    const r = await task("train", "--iterations", "2", "--limit", "100", "--out", at(link));
    assert.equal(r.code, 0, r.stderr);
    assert.ok((await Deno.lstat(at(link))).isSymlink);
  }
  assert.equal(await Deno.readLink(at("link.json")), "models/real.json");
  assert.equal((await loadModel(at("models/real.json"))).W_h.rows, 10);
  assert.equal((await loadModel(at("models/new.json"))).W_h.rows, 10);
  assert.deepEqual((await Array.fromAsync(Deno.readDir(at("models")))).map((e) => e.name).sort(), [
    "new.json",
    "real.json",
  ], "no temporary file is left");
});

Deno.test("outputs are checked before the data is read: unwritable places, '' and formats", async () => {
  const dir = await Deno.makeTempDir({ dir: tmp });
  const at = (name: string) => join(dir, name);
  await Deno.writeTextFile(at("file"), "a regular file\n");
  // Data that cannot be read: had the data been read first, its error would show instead.
  const wrongMagic = IDX_IMAGES.slice();
  wrongMagic[3] = 1;
  const bad = await idxFolder(at("bad"), wrongMagic, IDX_LABELS);
  // As root, permission bits stop nothing; a path under a regular file cannot be created...
  await failsCleanly(
    "train",
    ["--data", bad, "--out", at("file/sub/m.json")],
    /^error: --out .*file\/sub\/m\.json: .*file is not a folder$/,
    { dir },
  );
  // ...and /proc is a folder that refuses new files even to root: only the probe (a
  // temporary file created and removed) finds that out.
  await failsCleanly(
    "train",
    ["--data", bad, "--out", "/proc/m.json"],
    /^error: --out \/proc\/m\.json: cannot write in \/proc/,
    { dir },
  );
  // A folder mounted read-only, where root may mount (skipped elsewhere; unmounted after).
  const ro = at("read-only");
  await Deno.mkdir(ro);
  const run = (args: string[]) =>
    new Deno.Command(args[0], { args: args.slice(1), stderr: "null" }).output();
  if ((await run(["mount", "-t", "tmpfs", "-o", "ro", "none", ro])).code === 0) {
    try {
      await failsCleanly(
        "train",
        ["--data", bad, "--out", join(ro, "m.json")],
        /^error: --out .*read-only\/m\.json: cannot write in .*read-only: Read-only file system/,
        { dir },
      );
    } finally {
      await run(["umount", ro]);
    }
  } else console.log("skipped the read-only mount case: mount is not allowed here");
  await failsCleanly(
    "train",
    ["--data", bad, "--out", ""],
    /^error: --out '': expected a file path$/,
    {
      dir,
    },
  );
  // An SVG path whose PNG twin is a folder: refused up front, the old report kept.
  await Deno.writeTextFile(at("r.jsonl"), "old report\n");
  await Deno.mkdir(at("p.png"));
  await failsCleanly(
    "tune",
    ["--report", at("r.jsonl"), "--plot", at("p.svg")],
    /^error: .*p\.png \(the PNG beside --plot .*p\.svg\): is a folder/,
    { dir },
  );
  // Picture formats by extension.
  for (const name of ["x.jpg", "x.pdf", "x"]) {
    await failsCleanly(
      "tune",
      ["--report", at("r.jsonl"), "--plot", at(name)],
      /unsupported picture format: name it \.svg \(a PNG is written beside it\) or \.png$/,
      { dir },
    );
  }
  await failsCleanly(
    "view",
    ["--data", bad, "--out", at("v.gif")],
    /^error: --out .*v\.gif: unsupported picture format: name it \.svg or \.png$/,
    { dir },
  );
  // A .png path gets a real PNG, and no SVG.
  const report = at("given.jsonl");
  await Deno.writeTextFile(
    report,
    '{"learning_rate":0.1,"iteration":1,"accuracy":0.5,"loss":1}\n',
  );
  const r = await task("plot", "--report", report, "--plot", at("only.png"));
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(
    (await Deno.readFile(at("only.png"))).subarray(0, 4),
    new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
  );
  assert.equal(await exists(at("only.svg")), false);
});

Deno.test("several outputs are renamed together: a failed rename puts the old files back", async () => {
  const { writeFilesAtomic } = await import("../lib/io/write.ts");
  const dir = await Deno.makeTempDir({ dir: tmp });
  const at = (name: string) => join(dir, name);
  await Deno.writeTextFile(at("report.jsonl"), "old report\n");
  await Deno.writeTextFile(at("plot.svg"), "old svg\n");
  // A folder where the PNG goes: it passes staging, and its rename fails last.
  await Deno.mkdir(at("plot.png"));
  await Deno.writeTextFile(at("plot.png/keep"), "");
  const before = await snapshot(dir);
  await assert.rejects(
    writeFilesAtomic([
      { path: at("report.jsonl"), content: "new report\n" },
      { path: at("plot.svg"), content: "new svg\n" },
      { path: at("new.txt"), content: "created\n" },
      { path: at("plot.png"), content: new Uint8Array([1, 2, 3]) },
    ]),
    /plot\.png: is a folder/,
  );
  assert.deepEqual(await snapshot(dir), before, "every old file as it was, no temporary left");
});

Deno.test("train without a test split trains and says so; a broken test split stops it first", async () => {
  const dir = await Deno.makeTempDir({ dir: tmp });
  const [images, labels] = idxOf(300);
  const trainOnly = await idxFolder(join(dir, "train-only"), images, labels, ["train"]);
  const out = join(dir, "m.json");
  const r = await task("train", "--data", trainOnly, "--iterations", "3", "--out", out);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /test accuracy: +none \(--data .*train-only holds no test split\)/);
  assert.equal((await loadModel(out)).W_h.rows, 10);
  const json = await task(
    "train",
    "--data",
    trainOnly,
    "--iterations",
    "3",
    "--out",
    out,
    "--json",
  );
  assert.equal(JSON.parse(json.stdout).test_set, false);

  const broken = await idxFolder(join(dir, "broken"), images, labels, ["train"]);
  await Deno.writeFile(join(broken, "t10k-images-idx3-ubyte"), images.subarray(0, 100));
  await Deno.writeFile(join(broken, "t10k-labels-idx1-ubyte"), labels);
  await failsCleanly(
    "train",
    ["--data", broken, "--out", join(dir, "never.json"), ...LONG],
    /^error: .*broken\/t10k-images-idx3-ubyte: truncated/,
    { dir },
  );
});

Deno.test("data is read by what it says: label by name, unlabelled and empty sets refused, zips by name", async () => {
  const dir = await Deno.makeTempDir({ dir: tmp });
  const at = (name: string) => join(dir, name);
  const weights = await model();
  // Label last: the same digits as the header-less CSV, so the same accuracy.
  const names = Array.from({ length: 784 }, (_, i) => `pixel${i}`);
  const rows = csvOf(50).trimEnd().split("\n").map((r) => {
    const [label, ...pixels] = r.split(",");
    return [...pixels, label].join(",");
  });
  await Deno.writeTextFile(at("last.csv"), [[...names, "label"].join(","), ...rows].join("\n"));
  await Deno.writeTextFile(at("plain.csv"), csvOf(50));
  const [a, b] = [at("last.csv"), at("plain.csv")].map(async (data) => {
    const r = await task("evaluate", "--weights", weights, "--data", data, "--json");
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  });
  assert.deepEqual(await a, await b);
  // Kaggle's test.csv has no labels.
  await Deno.writeTextFile(
    at("test.csv"),
    [names.join(","), ...rows.map((r) => r.replace(/,\d$/, ""))].join("\n"),
  );
  await failsCleanly(
    "train",
    ["--data", at("test.csv"), ...LONG],
    /^error: --data .*test\.csv: line 1: the header .* has no "label" column/,
    { dir },
  );
  // IDX files with 0 images: an error for train and evaluate alike.
  const [images, labels] = idxOf(0);
  const empty = await idxFolder(at("empty"), images, labels);
  for (const [name, args] of [["train", LONG], ["evaluate", ["--weights", weights]]] as const) {
    await failsCleanly(
      name,
      ["--data", empty, ...args],
      /^error: .*empty\/(train|t10k)-images-idx3-ubyte: no samples \(the data set is empty\)$/,
      { dir },
    );
  }
  // A zip with two CSVs: each task takes its split by name.
  const enc = new TextEncoder();
  await Deno.writeFile(
    at("both.zip"),
    zipSync({ "mnist_train.csv": enc.encode(csvOf(20)), "mnist_test.csv": enc.encode(csvOf(7)) }),
  );
  const ev = await task("evaluate", "--weights", weights, "--data", at("both.zip"), "--json");
  assert.equal(JSON.parse(ev.stdout).total, 7);
  const tr = await task(
    "train",
    "--data",
    at("both.zip"),
    "--iterations",
    "1",
    "--out",
    at("z.json"),
    "--json",
  );
  assert.equal(JSON.parse(tr.stdout).samples, 20);
  await Deno.writeFile(
    at("two.zip"),
    zipSync({ "a.csv": enc.encode(csvOf(2)), "b.csv": enc.encode(csvOf(2)) }),
  );
  await failsCleanly(
    "train",
    ["--data", at("two.zip"), ...LONG],
    /^error: --data .*two\.zip: the zip holds 2 CSV files \(a\.csv, b\.csv\)/,
    { dir },
  );
});

Deno.test("a user's mistake is never an internal error", async () => {
  const dir = await Deno.makeTempDir({ dir: tmp });
  const at = (name: string) => join(dir, name);
  const wrongMagic = IDX_IMAGES.slice();
  wrongMagic[3] = 1;
  const bad = await idxFolder(at("bad"), wrongMagic, IDX_LABELS);
  // A limit of the engine: explained up front, before the (here unreadable) data is read.
  for (const name of ["train", "tune"]) {
    await failsCleanly(
      name,
      ["--hidden", "100000", "--data", bad],
      /^error: --hidden 100000: the fast engine takes at most 5348 hidden units; use --engine reference/,
      { dir },
    );
  }
  // A model larger than the fast engine holds: the same limit and way out, before the data.
  const zeros = (n: number) => `[${new Array(n).fill(0).join(",")}]`;
  const rows = (count: number, n: number) => `[${new Array(count).fill(zeros(n)).join(",")}]`;
  await Deno.writeTextFile(
    at("wide.json"),
    `{"hidden_layer":{"weights":${rows(6000, 784)},"biases":${rows(6000, 1)}},` +
      `"output_layer":{"weights":${rows(10, 6000)},"biases":${rows(10, 1)}}}`,
  );
  await failsCleanly(
    "evaluate",
    ["--weights", at("wide.json"), "--data", bad],
    /^error: --weights .*wide\.json has 6000 hidden units: the fast engine takes at most 5348 hidden units; use --engine reference/,
    { dir },
  );
  // A CSV in a zip too large to read: the error names the zip and the file in it.
  const zip = zipSync({ "mnist_train.csv": new TextEncoder().encode("1,0\n") }, { level: 0 });
  const view = new DataView(zip.buffer);
  for (let i = 0; i + 4 <= zip.length; i++) {
    if (view.getUint32(i, true) === 0x04034b50) view.setUint32(i + 22, 550 * 2 ** 20, true);
    if (view.getUint32(i, true) === 0x02014b50) view.setUint32(i + 24, 550 * 2 ** 20, true);
  }
  await Deno.writeFile(at("big.zip"), zip);
  await failsCleanly(
    "train",
    ["--data", at("big.zip"), ...LONG],
    /^error: --data .*big\.zip:mnist_train\.csv: 550 MB of text, more than the 500 MB/,
    { dir },
  );
  // A binary file as --weights: named, and no raw byte printed (failsCleanly checks).
  const noise = new Uint8Array(300);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 37) % 256;
  await Deno.writeFile(at("binary.json"), noise);
  await failsCleanly(
    "evaluate",
    ["--weights", at("binary.json")],
    /--weights .*binary\.json: not valid JSON/,
    {
      dir,
    },
  );
  // plot checks every record as tune writes it, naming the line.
  const line = (o: Record<string, number>) =>
    JSON.stringify({ learning_rate: 0.1, iteration: 1, accuracy: 0.5, loss: 1, ...o });
  const records: [Record<string, number>, RegExp][] = [
    [{ accuracy: 7 }, /: line 2: "accuracy" is 7, expected a fraction from 0 to 1$/],
    [{ learning_rate: -5 }, /: line 2: "learning_rate" is -5, expected a number > 0$/],
    [{ iteration: 1.5 }, /: line 2: "iteration" is 1\.5, expected a whole number ≥ 1$/],
    [{ iteration: 0 }, /: line 2: "iteration" is 0, expected a whole number ≥ 1$/],
    [{ loss: -1 }, /: line 2: "loss" is -1, expected a number ≥ 0$/],
  ];
  for (const [fields, pattern] of records) {
    await Deno.writeTextFile(at("r.jsonl"), [line({}), line(fields)].join("\n") + "\n");
    await failsCleanly("plot", ["--report", at("r.jsonl"), "--plot", at("r.svg")], pattern, {
      dir,
    });
  }
});

globalThis.addEventListener("unload", () => Deno.removeSync(tmp, { recursive: true }));
