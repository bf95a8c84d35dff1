/**
 * Nothing lost, as a careful and a hostile user try it: outputs that share stdout with the
 * summary, streams that fail or are closed, damaged and endless inputs, signals and kills,
 * places that cannot take an output, and the messages that say so. Each refused run is
 * checked by failsCleanly (exit 1, one error line, nothing on disk changed).
 */
import assert from "node:assert/strict";
import { gzipSync, zipSync } from "fflate";
import { join } from "node:path";
import { createRng, initNetwork, loadMnist, loadModel, saveModel, toJsonl } from "../../lib/mod.ts";
import { failsCleanly, shell, snapshot, task } from "../cli_run.ts";
import { EMBEDDED, ROOT } from "../helpers.ts";

const tmp = await Deno.makeTempDir({ prefix: "mnist-safety-" });
globalThis.addEventListener("unload", () => Deno.removeSync(tmp, { recursive: true }));
const test = await loadMnist("test");
const SMALL = ["--limit", "200", "--iterations", "2"];
const LONG = ["--iterations", "100000"];

async function folder(): Promise<{ dir: string; at: (name: string) => string }> {
  const dir = await Deno.makeTempDir({ dir: tmp });
  return { dir, at: (name: string) => join(dir, name) };
}

/** The first n test digits as CSV rows. */
function csvOf(n: number, from = 0): string {
  const rows = [];
  for (let j = from; j < from + n; j++) {
    rows.push([test.labels[j], ...test.images.subarray(j * 784, (j + 1) * 784)].join(","));
  }
  return rows.join("\n") + "\n";
}

let model: string | undefined;
async function smallModel(): Promise<string> {
  model ??= join(tmp, "model.json");
  if ((await Deno.stat(model).catch(() => undefined)) === undefined) {
    await saveModel(model, initNetwork(createRng(1)));
  }
  return model;
}

/** A process number that no process holds now (a child that has ended). */
async function deadPid(): Promise<number> {
  const child = new Deno.Command("true").spawn();
  await child.status;
  return child.pid;
}

Deno.test("an output on stdout comes whole: the summary goes to stderr", async () => {
  const { dir, at } = await folder();
  const file = await task("train", ...SMALL, "--out", at("file.json"));
  assert.equal(file.code, 0, file.stderr);
  // What the shell writes as `> m.json` is the model alone, as --out would have written it.
  for (const out of ["/dev/stdout", "-"]) {
    const r = await shell(`TASK train ${SMALL.join(" ")} --out ${out} > m.json`, dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await Deno.readTextFile(at("m.json")), await Deno.readTextFile(at("file.json")));
    assert.match(r.stderr, /final loss: .*\n[^]*model written to/);
  }
  const tune = await shell(
    "TASK tune --limit 200 --learning-rates 0.5 --iterations 6 --every 2 --report /dev/stdout --plot p.svg > r.jsonl",
    dir,
  );
  assert.equal(tune.code, 0, tune.stderr);
  const lines = (await Deno.readTextFile(at("r.jsonl"))).trimEnd().split("\n");
  assert.deepEqual(lines.map((l) => JSON.parse(l).iteration), [2, 4, 6]);
  await failsCleanly(
    "train",
    [...SMALL, "--out", "/dev/stdout", "--json"],
    /^error: --out \/dev\/stdout and --json both want stdout: give --out a file$/,
    { dir },
  );
});

Deno.test("a stdout that fails is an error; a stderr that fails never stops the work, the model is saved", async () => {
  const { dir, at } = await folder();
  const weights = await smallModel();
  const full = await shell(`TASK evaluate --weights ${weights} > /dev/full`, dir);
  assert.equal(full.code, 1, full.stderr);
  assert.match(
    full.stderr,
    /^error: stdout: No space left on device: the summary could not be printed\n$/,
  );
  for (
    const [name, redirect] of [["a.json", "2>/dev/full"], ["b.json", "2> >(head -c1 >/dev/null)"]]
  ) {
    const r = await shell(`TASK train --limit 200 --iterations 30 --out ${name} ${redirect}`, dir);
    assert.equal(r.code, 0, `${redirect}: ${r.stderr}`);
    assert.equal((await loadModel(at(name))).W_h.rows, 10, "the model is saved");
  }
});

Deno.test("progress on a TERM=dumb terminal is plain lines, not redraws", async () => {
  // stderr on a pseudo-terminal (Python's pty module), TERM=dumb.
  const script = `
import os, pty, subprocess, sys
master, slave = pty.openpty()
p = subprocess.Popen(sys.argv[1:], stderr=slave, stdout=subprocess.DEVNULL, env={**os.environ, "TERM": "dumb"})
os.close(slave)
out = b""
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
p.wait()
sys.stdout.buffer.write(out)
`;
  const { at } = await folder();
  const out = await new Deno.Command("/usr/bin/python3", {
    args: [
      "-c",
      script,
      Deno.execPath(),
      "run",
      "-A",
      join(ROOT, "cli/train.ts"),
      ...SMALL,
      "--out",
      at("m.json"),
    ],
    stdout: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.match(text, /training 2\/2 loss/);
  assert.ok(!text.includes("\x1b["), `ANSI redraws: ${JSON.stringify(text.slice(0, 200))}`);
});

Deno.test("damaged gzip and zip data are refused by the tasks", async () => {
  const { dir, at } = await folder();
  const enc = new TextEncoder();
  // Two gzip members are one file: all 200 rows are read, as zcat reads them.
  const [a, b] = [gzipSync(enc.encode(csvOf(50))), gzipSync(enc.encode(csvOf(150, 50)))];
  await Deno.writeFile(at("two.csv.gz"), new Uint8Array([...a, ...b]));
  const two = await task(
    "train",
    "--data",
    at("two.csv.gz"),
    "--iterations",
    "1",
    "--out",
    at("o.json"),
    "--json",
  );
  assert.equal(JSON.parse(two.stdout).samples, 200, two.stderr);
  const crc = a.slice();
  crc[crc.length - 8] ^= 1;
  await Deno.writeFile(at("crc.csv.gz"), crc);
  await failsCleanly(
    "train",
    ["--data", at("crc.csv.gz"), ...LONG],
    /^error: --data .*crc\.csv\.gz: damaged: a CRC-32 does not match the data/,
    { dir },
  );
  // A zip entry that declares fewer bytes than it holds.
  const stored = zipSync({ "mnist_train.csv": enc.encode(csvOf(20)) }, { level: 0 });
  const view = new DataView(stored.buffer);
  for (let i = 0; i + 4 <= stored.length; i++) {
    const half = Math.floor(enc.encode(csvOf(20)).length / 2);
    if (view.getUint32(i, true) === 0x04034b50) {
      view.setUint32(i + 18, half, true);
      view.setUint32(i + 22, half, true);
    }
    if (view.getUint32(i, true) === 0x02014b50) {
      view.setUint32(i + 20, half, true);
      view.setUint32(i + 24, half, true);
    }
  }
  await Deno.writeFile(at("short.zip"), stored);
  await failsCleanly(
    "train",
    ["--data", at("short.zip"), ...LONG],
    /^error: --data .*short\.zip:mnist_train\.csv: damaged zip entry/,
    { dir },
  );
});

Deno.test("big, endless and twice-read inputs stop at the limit with one line", async () => {
  const { dir, at } = await folder();
  // A 600 MB model file (sparse): refused from its size, before it is read.
  const big = await Deno.open(at("big.json"), { write: true, create: true });
  await big.truncate(600 * 2 ** 20);
  big.close();
  for (const name of ["evaluate", "weights"]) {
    await failsCleanly(
      name,
      ["--weights", at("big.json"), "--out", at("w.svg")].slice(0, name === "weights" ? 4 : 2),
      /^error: --weights .*big\.json: 600 MB, more than the 500 MB that can be read as one text/,
      { dir },
    );
  }
  await Deno.remove(at("big.json"));
  // Devices that never end: reading stops at the limit.
  await failsCleanly(
    "evaluate",
    ["--weights", "/dev/zero"],
    /^error: --weights \/dev\/zero: more than the 500 MB .*, and still going/,
    { dir, within: 60 },
  );
  await failsCleanly(
    "evaluate",
    ["--weights", await smallModel(), "--data", "/dev/zero"],
    /^error: --data \/dev\/zero: more than the 500 MB .*, and still going/,
    { dir, within: 60 },
  );
  // A stream given twice would be empty the second time.
  const twice = await shell(
    `cat ${await smallModel()} | TASK evaluate --weights /dev/stdin --data /dev/stdin`,
    dir,
  );
  assert.equal(twice.code, 1);
  assert.match(
    twice.stderr,
    /^error: --weights \/dev\/stdin and --data \/dev\/stdin are the same stream/,
  );
  // A pipe as --data is one split: trained on, never read again as the test set.
  await Deno.writeTextFile(at("d.csv"), csvOf(30));
  const piped = await shell(
    "cat d.csv | TASK train --data /dev/stdin --iterations 1 --out p.json",
    dir,
  );
  assert.equal(piped.code, 0, piped.stderr);
  assert.match(piped.stdout, /test accuracy: +none \(--data \/dev\/stdin is one file, one split/);
});

Deno.test("a run that cannot fit in memory is refused with the figure, before training", async () => {
  const { dir } = await folder();
  for (const name of ["train", "tune"]) {
    await failsCleanly(
      name,
      ["--engine", "reference", "--hidden", "100000", ...LONG],
      /^error: --hidden 100000 with --engine reference on 60000 samples: needs about \d+ GB of memory .*, more than the \d+(\.\d)? GB available/,
      { dir },
    );
  }
  await failsCleanly(
    "tune",
    ["--iterations", "100000000", "--every", "1"],
    /^error: --iterations 100000000 --every 1: would log 100000000 records per learning rate/,
    { dir },
  );
});

Deno.test("names are taken as typed: not UTF-8, a trailing /, -, -m.json, links to nowhere", async () => {
  const { dir, at } = await folder();
  const latin1 = await shell(`TASK train ${SMALL.join(" ")} --out $'lat\\xe9in.json'`, dir);
  assert.equal(latin1.code, 1);
  assert.match(latin1.stderr, /^error: --out lat\\ufffdin\.json: the name is not valid UTF-8/);
  assert.deepEqual(Array.from(Deno.readDirSync(dir)), [], "no file of another name");
  await failsCleanly(
    "train",
    [...SMALL, "--out", at("x.json/")],
    /^error: --out .*x\.json\/: ends in \/, which names a folder/,
    { dir },
  );
  await Deno.symlink("/nowhere/deeper/m.json", at("dangling.json"));
  await failsCleanly(
    "train",
    [...LONG, "--out", at("dangling.json")],
    /^error: --out .*dangling\.json: is a symlink to \/nowhere\/deeper\/m\.json, whose folder \/nowhere\/deeper does not exist/,
    { dir },
  );
  await Deno.symlink("/nowhere/folder", at("gone"));
  await failsCleanly(
    "train",
    [...LONG, "--out", at("gone/m.json")],
    /^error: --out .*gone\/m\.json: .*gone is a symlink to \/nowhere\/folder, which does not exist$/,
    { dir },
  );
  const dash = await shell(`TASK train ${SMALL.join(" ")} --out=- > m.json`, dir);
  assert.equal(dash.code, 0, dash.stderr);
  assert.equal((await loadModel(at("m.json"))).W_h.rows, 10, "- is stdout, as for tune");
  const dashName = await task("train", ...SMALL, "--out", "-m.json");
  assert.equal(dashName.code, 0, dashName.stderr);
  await Deno.remove(join(ROOT, "-m.json"));
  for (
    const [args, pattern] of [
      [["--iterations", "0x10"], /^error: --iterations 0x10: expected a whole number ≥ 1$/],
      [["--seed", "1e3"], /^error: --seed 1e3: expected a whole number from 0 to 4294967295$/],
      [["--iterations", "1e12"], /^error: --iterations 1e12: expected a whole number ≥ 1$/],
      [
        ["--learning-rate", "1e-320"],
        /^error: --learning-rate 1e-320: is below the smallest normal/,
      ],
    ] as const
  ) {
    await failsCleanly("train", [...args, "--out", at("never.json")], pattern, { dir });
  }
});

Deno.test("a learning rate that moves no weight, and weights too big, are said as they are", async () => {
  const { dir, at } = await folder();
  await failsCleanly(
    "train",
    ["--learning-rate", "1e-300", "--limit", "200", "--out", at("m.json")],
    /^error: --learning-rate 1e-300: is too small: the first step changed no weight/,
    { dir, afterWork: true },
  );
  await failsCleanly(
    "tune",
    [
      "--learning-rates",
      "1e-300",
      "--limit",
      "200",
      "--report",
      at("r.jsonl"),
      "--plot",
      at("r.svg"),
    ],
    /^error: --learning-rates 1e-300: is too small/,
    { dir, afterWork: true },
  );
  // The initial loss is already past the divergence bound: no rate can help.
  await failsCleanly(
    "train",
    ["--hidden", "5348", "--learning-rate", "1e-12", "--limit", "300", "--out", at("m.json")],
    /^error: the initial weights already give a loss of \d+\.\d .*before any step: no learning rate helps; use fewer hidden units/,
    { dir, afterWork: true },
  );
  const good = JSON.parse(await Deno.readTextFile(await smallModel()));
  const write = async (name: string, json: unknown, text?: string) => {
    await Deno.writeTextFile(at(name), text ?? JSON.stringify(json));
    return at(name);
  };
  const huge = JSON.stringify(good).replace(/\[\[[-\d.e]+/, "[[1e309");
  await failsCleanly(
    "evaluate",
    ["--weights", await write("inf.json", undefined, huge)],
    /^error: --weights .*inf\.json: hidden_layer\.weights\[0\]\[0\] is too large for a float64 \(it overflows to Infinity\)/,
    { dir },
  );
  const big = structuredClone(good);
  big.hidden_layer.weights[0] = big.hidden_layer.weights[0].map(() => 1e300);
  await failsCleanly(
    "evaluate",
    ["--weights", await write("big.json", big)],
    /^error: --weights .*big\.json: the weights are so large that the outputs can overflow/,
    { dir },
  );
});

Deno.test("data that is not as written is refused, naming the file with --data", async () => {
  const { dir, at } = await folder();
  const images = await Deno.readFile(join(EMBEDDED, "t10k-images-idx3-ubyte"));
  const labels = await Deno.readFile(join(EMBEDDED, "t10k-labels-idx1-ubyte"));
  const idx = async (name: string, imageBytes: Uint8Array, labelBytes = labels) => {
    await Deno.mkdir(at(name));
    await Deno.writeFile(at(`${name}/train-images-idx3-ubyte`), imageBytes);
    await Deno.writeFile(at(`${name}/train-labels-idx1-ubyte`), labelBytes);
    return at(name);
  };
  const odd = images.slice();
  new DataView(odd.buffer).setUint32(8, 16);
  new DataView(odd.buffer).setUint32(12, 49);
  await failsCleanly(
    "train",
    ["--data", await idx("odd", odd), ...LONG],
    /^error: --data .*odd\/train-images-idx3-ubyte: images are 16×49, expected 28×28$/,
    { dir },
  );
  const trailing = new Uint8Array(images.length + 1000);
  trailing.set(images);
  await failsCleanly(
    "train",
    ["--data", await idx("trailing", trailing), ...LONG],
    /^error: --data .*trailing\/train-images-idx3-ubyte: 1000 bytes after the data its header promises/,
    { dir },
  );
  const both = await idx("both", images);
  const other = images.slice();
  other[5000] ^= 1;
  await Deno.writeFile(join(both, "train-images-idx3-ubyte.gz"), gzipSync(other));
  await failsCleanly(
    "train",
    ["--data", both, ...LONG],
    /^error: --data .*both\/train-images-idx3-ubyte\.gz: holds other images than .*train-images-idx3-ubyte beside it/,
    { dir },
  );
  const enc = new TextEncoder();
  await Deno.writeFile(
    at("ab.zip"),
    zipSync({ "a/mnist_train.csv": enc.encode(csvOf(2)), "b/train.csv": enc.encode(csvOf(2)) }),
  );
  await failsCleanly(
    "train",
    ["--data", at("ab.zip"), ...LONG],
    /^error: --data .*ab\.zip: the zip holds 2 CSV files .*, and 2 of them are named for the train split \(a\/mnist_train\.csv, b\/train\.csv\): keep one$/,
    { dir },
  );
  await Deno.symlink("loop2", at("loop1"));
  await Deno.symlink("loop1", at("loop2"));
  await failsCleanly(
    "train",
    ["--data", at("loop1"), ...LONG],
    /^error: --data .*loop1: too many levels of symbolic links/,
    { dir },
  );
  // A tall CSV fails at its first line, allocating nothing for the lines after it.
  await Deno.writeTextFile(at("tall.csv"), "1\n".repeat(40_000_000));
  await failsCleanly(
    "train",
    ["--data", at("tall.csv"), ...LONG],
    /^error: --data .*tall\.csv: line 1: 1 columns, expected 785/,
    { dir },
  );
  // Two reports in one file would draw as a zig-zag.
  const records = [1, 2].map((i) => ({ learningRate: 0.5, iteration: i, accuracy: 0.5, loss: 1 }));
  await Deno.writeTextFile(at("twice.jsonl"), toJsonl(records) + toJsonl(records));
  await failsCleanly(
    "plot",
    ["--report", at("twice.jsonl"), "--plot", at("p.svg")],
    /^error: --report .*twice\.jsonl: line 3: learning rate 0\.5 goes back to iteration 1 after iteration 2 \(line 2\): two reports in one file/,
    { dir },
  );
});

Deno.test("places that cannot take an output are found before the work", async () => {
  const { dir, at } = await folder();
  const run = (cmd: string[]) =>
    new Deno.Command(cmd[0], { args: cmd.slice(1), stderr: "null" }).output();
  await failsCleanly(
    "train",
    [...LONG, "--out", "/proc/self/status"],
    /^error: --out \/proc\/self\/status: is a file of \/proc: outputs are written to files, pipes, \/dev\/null or a terminal$/,
    { dir },
  );
  const socket = Deno.listen({ transport: "unix", path: at("sock") });
  try {
    await failsCleanly(
      "train",
      [...LONG, "--out", at("sock")],
      /^error: --out .*sock: is a socket/,
      {
        dir,
      },
    );
  } finally {
    socket.close();
  }
  await Deno.writeTextFile(at("frozen.json"), "old\n");
  await Deno.mkdir(at("append"));
  if ((await run(["chattr", "+i", at("frozen.json")])).code === 0) {
    try {
      await failsCleanly(
        "train",
        [...LONG, "--out", at("frozen.json")],
        /^error: --out .*frozen\.json: is immutable \(chattr \+i\)/,
        { dir },
      );
      assert.equal((await run(["chattr", "+a", at("append")])).code, 0);
      // No probe file is made there (it could not be removed).
      await failsCleanly(
        "train",
        [...LONG, "--out", at("append/m.json")],
        /^error: --out .*append\/m\.json: cannot write in .*append: the folder is append-only/,
        { dir },
      );
    } finally {
      await run(["chattr", "-i", at("frozen.json")]);
      await run(["chattr", "-a", at("append")]);
    }
  } else console.log("skipped the chattr cases: chattr is not allowed here");
  // A disk that fills while the model is written: the flag is named, no folder is left.
  await Deno.mkdir(at("small"));
  if ((await run(["mount", "-t", "tmpfs", "-o", "size=256k", "none", at("small")])).code === 0) {
    try {
      await failsCleanly(
        "train",
        ["--hidden", "100", "--limit", "100", "--iterations", "1", "--out", at("small/a/b/m.json")],
        /^error: --out .*small\/a\/b\/m\.json: cannot write: No space left on device$/,
        { dir, afterWork: true },
      );
    } finally {
      await run(["umount", at("small")]);
    }
  } else console.log("skipped the full-disk case: mount is not allowed here");
  // A path too long for a message keeps its reason.
  const long = at(`${"d".repeat(200)}/`.repeat(20) + "m.json");
  await Deno.writeTextFile(at("file"), "");
  const r = await failsCleanly(
    "train",
    [...LONG, "--out", join(at("file"), long.slice(dir.length))],
    /: .*file is not a folder$/,
    { dir },
  );
  assert.ok(r.stderr.length < 1000, r.stderr);
});

Deno.test("replacing a file keeps its mode and owner, and says what becomes of its hard links", async () => {
  const { at } = await folder();
  await Deno.writeTextFile(at("m.json"), "old\n");
  await Deno.chmod(at("m.json"), 0o600);
  await Deno.chown(at("m.json"), 1234, 2345).catch(() => {});
  const before = await Deno.stat(at("m.json"));
  await Deno.link(at("m.json"), at("other.json"));
  const r = await task("train", ...SMALL, "--out", at("m.json"));
  assert.equal(r.code, 0, r.stderr);
  const after = await Deno.stat(at("m.json"));
  assert.equal(after.mode! & 0o777, 0o600);
  assert.deepEqual([after.uid, after.gid], [before.uid, before.gid]);
  assert.match(
    r.stderr,
    /note: --out .*m\.json: had 2 names \(hard links\): this one now holds the new content, the 1 other still the old/,
  );
  assert.equal(await Deno.readTextFile(at("other.json")), "old\n");
});

Deno.test("signals: a run stops as the signal says, leaving no temporary file and the old output", async () => {
  const { dir, at } = await folder();
  await Deno.writeTextFile(at("m.json"), "old model\n");
  // During training: no temporary exists yet, and the signal's default action ends the run.
  for (const [signal, code] of [["SIGTERM", 143], ["SIGHUP", 129], ["SIGINT", 130]] as const) {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", join(ROOT, "cli/train.ts"), ...LONG, "--out", at("m.json")],
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const reader = child.stderr.getReader();
    let seen = "";
    while (!seen.includes("training ")) {
      seen += new TextDecoder().decode((await reader.read()).value);
    }
    child.kill(signal);
    while (!(await reader.read()).done);
    assert.equal((await child.status).code, code, seen);
  }
  // While outputs are written: here a FIFO nobody reads holds the write, a model is staged
  // beside it; the signal removes the staged temporary first.
  assert.equal((await new Deno.Command("mkfifo", { args: [at("pipe")] }).output()).code, 0);
  await Deno.writeTextFile(
    at("write.ts"),
    `import { writeFilesAtomic } from "${ROOT}/lib/io/write.ts";
await writeFilesAtomic([{ path: "${at("m.json")}", content: "new" }, { path: "${
      at("pipe")
    }", content: "x" }]);`,
  );
  for (const [signal, code] of [["SIGTERM", 143], ["SIGHUP", 129], ["SIGINT", 130]] as const) {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", at("write.ts")],
      stderr: "null",
    }).spawn();
    const staged = () => Array.from(Deno.readDirSync(dir)).some((e) => e.name.endsWith(".tmp"));
    while (!staged()) await new Promise((r) => setTimeout(r, 20));
    child.kill(signal);
    assert.equal((await child.status).code, code);
    assert.ok(!staged(), `${signal} left a temporary`);
  }
  assert.deepEqual(Array.from(Deno.readDirSync(dir)).map((e) => e.name).sort(), [
    "m.json",
    "pipe",
    "write.ts",
  ]);
  assert.equal(await Deno.readTextFile(at("m.json")), "old model\n");
  // A file-size limit (ulimit -f, in 512-byte blocks) below the model's size.
  const r = await shell(
    "ulimit -f 4000; TASK train --hidden 500 --limit 100 --iterations 1 --out big.json",
    dir,
  );
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /error: --out big\.json: cannot write: File too large\n$/);
  assert.ok(!Array.from(Deno.readDirSync(dir)).some((e) => e.name.includes("big.json")));
});

Deno.test("what a killed run left is swept by the next, and a cut commit of tune is finished", async () => {
  const { dir, at } = await folder();
  const dead = await deadPid();
  const time = Date.now() - 60_000;
  // Left by a kill while staging: removed by the next run writing that output; a live
  // process's own temporary (this test's) is kept.
  await Deno.writeTextFile(at(`.m.json.${dead}.${time}.tmp`), "partial");
  await Deno.writeTextFile(at(`.m.json.${dead}.${time}.old`), "old link");
  await Deno.writeTextFile(at(`.m.json.${Deno.pid}.${time}.tmp`), "alive");
  const r = await task("train", ...SMALL, "--out", at("m.json"));
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(
    Array.from(Deno.readDirSync(dir)).map((e) => e.name).sort(),
    [`.m.json.${Deno.pid}.${time}.tmp`, "m.json"],
  );
  // tune killed between its renames: the report is new, the SVG and PNG still the old ones,
  // their new content in temporaries, the journal beside all three.
  await Deno.remove(at(`.m.json.${Deno.pid}.${time}.tmp`));
  const names = ["r.jsonl", "p.svg", "p.png"];
  const record = { learningRate: 0.5, iteration: 1, accuracy: 0.5, loss: 1 };
  for (const n of names) {
    await Deno.writeTextFile(at(n), n === "r.jsonl" ? toJsonl([record]) : "old");
  }
  const stem = (n: string) => at(`.${n}.${dead}.${time}`);
  const renames = names.map((n) => ({ from: `${stem(n)}.tmp`, to: at(n) }));
  const copies = names.map((n) => `${stem(n)}.commit`);
  for (const n of names.slice(1)) await Deno.writeTextFile(`${stem(n)}.tmp`, `new ${n}`);
  for (const c of copies) await Deno.writeTextFile(c, JSON.stringify({ renames, copies }));
  // The next run that reads the report finishes the commit first.
  const plot = await task("plot", "--report", at("r.jsonl"), "--plot", at("other.svg"));
  assert.equal(plot.code, 0, plot.stderr);
  assert.equal(await Deno.readTextFile(at("p.svg")), "new p.svg");
  assert.equal(await Deno.readTextFile(at("p.png")), "new p.png");
  assert.deepEqual(
    Array.from(Deno.readDirSync(dir)).map((e) => e.name).filter((n) => n.startsWith(".")),
    [],
  );
});

Deno.test("pictures: --count is capped, control characters stay out of the XML, 5,000 maps stay small", async () => {
  const { dir, at } = await folder();
  await failsCleanly(
    "view",
    ["--count", "20000", "--out", at("v.png")],
    /^error: --count 20000: expected a whole number from 1 to 1000$/,
    { dir },
  );
  const report = at("r.jsonl");
  await Deno.writeTextFile(
    report,
    toJsonl([{ learningRate: 0.1, iteration: 1, accuracy: 0.5, loss: 1 }]),
  );
  const title = await task("plot", "--report", report, "--plot", at("p.svg"), "--title", "a\x01b");
  assert.equal(title.code, 0, title.stderr);
  const svg = await Deno.readTextFile(at("p.svg"));
  assert.ok(svg.includes("a\\x01b") && !svg.includes("\x01"));
  const odd = at("m\x01.json");
  await Deno.copyFile(await smallModel(), odd);
  const named = await task("weights", "--weights", odd, "--out", at("w.svg"));
  assert.equal(named.code, 0, named.stderr);
  assert.ok((await Deno.readTextFile(at("w.svg"))).includes("m\\x01.json"));
  // A model 5,000 neurons wide: maps drawn 1:1, the picture a few megabytes.
  await saveModel(at("wide.json"), initNetwork(createRng(1), 5000));
  const wide = await task("weights", "--weights", at("wide.json"), "--out", at("wide.svg"));
  assert.equal(wide.code, 0, wide.stderr);
  const wideSvg = await Deno.readTextFile(at("wide.svg"));
  assert.equal(wideSvg.match(/<image /g)?.length, 5000);
  // 28 pixels and a 2-pixel margin on each side: drawn 1:1.
  assert.match(wideSvg, /<image [^>]*width="32" height="32"/);
  assert.ok(wideSvg.length < 20 * 2 ** 20, `${wideSvg.length} bytes`);
  assert.deepEqual(await snapshot(dir).then((s) => Object.keys(s).includes("wide.png")), false);
});
