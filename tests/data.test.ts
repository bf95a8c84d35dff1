/**
 * Loading MNIST: the embedded IDX files, the original project's CSV/zip, Kaggle CSV, and bad files.
 */
import assert from "node:assert/strict";
import { gzipSync, unzipSync, zipSync } from "fflate";
import { join } from "node:path";
import {
  concat,
  csvRow,
  InputError,
  INPUTS,
  labelCounts,
  loadIdx,
  loadMnist,
  parseCsv,
  parseCsvFile,
  select,
  take,
  toCsv,
  toMatrix,
} from "../lib/mod.ts";

import { EMBEDDED, hasSharedTestZip, SHARED_TEST_ZIP } from "./helpers.ts";

// Published MNIST label counts per digit.
const TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
const TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

const test = await loadMnist("test");

Deno.test("the embedded MNIST has 60,000 + 10,000 digits with the known label counts", async () => {
  const train = await loadMnist("train");
  assert.equal(train.count, 60000);
  assert.equal(train.images.length, 60000 * INPUTS);
  assert.deepEqual(labelCounts(train), TRAIN_COUNTS);
  assert.equal(test.count, 10000);
  assert.deepEqual(labelCounts(test), TEST_COUNTS);
});

Deno.test("loading does not depend on the working directory", async () => {
  const here = Deno.cwd();
  Deno.chdir(Deno.makeTempDirSync());
  try {
    assert.equal((await loadMnist("test")).count, 10000);
  } finally {
    Deno.chdir(here);
  }
});

Deno.test("X is (784, m) with one sample per column, scaled to [0, 1]", () => {
  const ds = take(test, 3);
  const X = toMatrix(ds);
  assert.deepEqual([X.rows, X.cols], [784, 3]);
  for (let i = 0; i < 784; i++) assert.equal(X.data[i * 3 + 1], test.images[INPUTS + i] / 255);
  assert.ok(X.data.every((v) => v >= 0 && v <= 1));
  const picked = select(test, [2, 0]);
  assert.deepEqual(Array.from(picked.labels), [test.labels[2], test.labels[0]]);
});

Deno.test("the original project's mnist_test.zip gives exactly the IDX test set", {
  ignore: !hasSharedTestZip,
}, async () => {
  const csv = parseCsvFile(await Deno.readFile(SHARED_TEST_ZIP), "mnist_test.zip");
  assert.equal(csv.count, test.count);
  assert.deepEqual(csv.labels, test.labels);
  assert.deepEqual(csv.images, test.images);
});
if (!hasSharedTestZip) {
  console.log("skipped the CSV ≡ IDX check: ../shared/data/mnist_test.zip is absent");
}

Deno.test("toCsv writes the original project's mnist_test.csv byte for byte", {
  ignore: !hasSharedTestZip,
}, async () => {
  const original = unzipSync(await Deno.readFile(SHARED_TEST_ZIP))["mnist_test.csv"];
  assert.equal(toCsv(test), new TextDecoder().decode(original));
});

Deno.test("toCsv: rows read back by parseCsv as the same digits; an empty set is empty text", () => {
  const picked = select(test, [3, 0, 9999, 42]);
  const text = toCsv(picked);
  assert.equal(text.split("\n").length, 5, "four rows, each ending in a newline");
  assert.ok(text.startsWith(`${test.labels[3]},0,0,`));
  const back = parseCsv(text, "mine.csv");
  assert.equal(back.count, 4);
  assert.deepEqual(back.labels, picked.labels);
  assert.deepEqual(back.images, picked.images);
  assert.equal(toCsv(take(test, 0)), "");
  assert.equal(csvRow(7, new Uint8Array(784).fill(255)), "7" + ",255".repeat(784) + "\n");
});

Deno.test("toCsv and csvRow refuse what the format cannot hold", () => {
  const pixels = new Uint8Array(784);
  assert.throws(() => csvRow(10, pixels), /label 10 is not a digit 0\.\.9/);
  assert.throws(() => csvRow(1.5, pixels), /label 1\.5/);
  assert.throws(() => csvRow(3, new Uint8Array(783)), /784 pixels, got 783/);
  assert.throws(() => csvRow(3, [...pixels.subarray(1), 0.5]), /pixel 783 is 0\.5/);
  assert.throws(() => csvRow(3, [...pixels.subarray(1), 256]), /pixel 783 is 256/);
  const broken = { ...take(test, 2), count: 3 };
  assert.throws(() => toCsv(broken), /3 digits holds 2352 pixels and 3 labels, got 1568 and 2/);
});

Deno.test("concat: the samples of one set then the other's, copied", () => {
  const a = take(test, 2), b = select(test, [5]);
  const both = concat(a, b);
  assert.equal(both.count, 3);
  assert.deepEqual(both.labels, select(test, [0, 1, 5]).labels);
  assert.deepEqual(both.images, select(test, [0, 1, 5]).images);
  both.images[0] = 1;
  assert.equal(test.images[0], 0, "a copy, not a view");
  assert.equal(concat(a, b, "mine").source, "mine");
});

function csvOf(n: number, header: boolean): string {
  const rows = [];
  if (header) rows.push(["label", ...Array.from({ length: 784 }, (_, i) => `pixel${i}`)].join(","));
  for (let j = 0; j < n; j++) {
    rows.push([test.labels[j], ...test.images.subarray(j * 784, (j + 1) * 784)].join(","));
  }
  return rows.join("\n") + "\n";
}

Deno.test("original CSV, Kaggle CSV with header, gzip and zip all load the same samples", () => {
  const plain = parseCsv(csvOf(5, false), "a.csv");
  const kaggle = parseCsv(csvOf(5, true), "b.csv");
  const bytes = new TextEncoder().encode(csvOf(5, false));
  const gz = parseCsvFile(gzipSync(bytes), "c.csv.gz");
  const zip = parseCsvFile(zipSync({ "mnist_train.csv": bytes }), "d.zip");
  for (const ds of [plain, kaggle, gz, zip]) {
    assert.equal(ds.count, 5);
    assert.deepEqual(ds.labels, test.labels.subarray(0, 5));
    assert.deepEqual(ds.images, test.images.subarray(0, 5 * 784));
  }
});

function throwsInput(f: () => unknown, pattern: RegExp) {
  assert.throws(
    f,
    (e: unknown) => e instanceof InputError && pattern.test(e.message) && !e.message.includes("\n"),
  );
}

Deno.test("bad CSV rows are reported with file and line number", () => {
  const good = csvOf(3, false).split("\n");
  const withRow = (k: number, row: string) => good.map((r, i) => i === k ? row : r).join("\n");
  throwsInput(
    () => parseCsv(withRow(1, "1,2,3"), "x.csv"),
    /^x\.csv: line 2: 3 columns, expected 785/,
  );
  throwsInput(
    () => parseCsv(withRow(2, good[2].replace(/,0,/, ",256,")), "x.csv"),
    /^x\.csv: line 3: pixel \d+ is "256"/,
  );
  throwsInput(
    () => parseCsv(withRow(0, good[0].replace(/,0,/, ",0.5,")), "x.csv"),
    /^x\.csv: line 1: pixel \d+ is "0\.5"/,
  );
  throwsInput(
    () => parseCsv(withRow(0, "12" + good[0].slice(1)), "x.csv"),
    /line 1: label "12" is not a digit/,
  );
  throwsInput(() => parseCsv("", "e.csv"), /^e\.csv: empty file/);
  throwsInput(
    () => parseCsvFile(zipSync({ "readme.txt": new Uint8Array(3) }), "z.zip"),
    /holds no \.csv/,
  );
});

Deno.test("bad IDX files are reported with their path", async () => {
  const dir = await Deno.makeTempDir();
  const imgs = await Deno.readFile(
    join(EMBEDDED, "t10k-images-idx3-ubyte"),
  );
  const lbls = await Deno.readFile(
    join(EMBEDDED, "t10k-labels-idx1-ubyte"),
  );
  const write = async (name: string, bytes: Uint8Array) => {
    const p = join(dir, name);
    await Deno.writeFile(p, bytes);
    return p;
  };
  const goodImages = await write("images", imgs);
  const goodLabels = await write("labels", lbls);
  const flipped = imgs.slice();
  flipped[3] = 0x99;
  const rejects = (p: Promise<unknown>, pattern: RegExp) =>
    assert.rejects(p, (e: unknown) => e instanceof InputError && pattern.test(e.message));
  await rejects(
    loadIdx(await write("magic", flipped), goodLabels),
    /magic.*: not an IDX images file \(magic number 2201, expected 2051\)/,
  );
  await rejects(
    loadIdx(await write("short", imgs.subarray(0, 5000)), goodLabels),
    /short: truncated/,
  );
  await rejects(
    loadIdx(goodImages, await write("fewer", lbls.subarray(0, 8 + 9999))),
    /fewer: truncated/,
  );
  const bad = lbls.slice();
  bad[8 + 42] = 10;
  await rejects(
    loadIdx(goodImages, await write("badlabel", bad)),
    /badlabel: label 10 at index 42/,
  );
  const other = lbls.slice(0, 8 + 5000);
  new DataView(other.buffer).setUint32(4, 5000);
  await rejects(
    loadIdx(goodImages, await write("count", other)),
    /count: 5000 labels for 10000 images/,
  );
  await rejects(loadIdx(await write("empty", new Uint8Array()), goodLabels), /empty: empty file/);
  await rejects(loadIdx(join(dir, "nope"), goodLabels), /nope: file not found/);
  const gz = await loadIdx(await write("images.gz", gzipSync(imgs)), goodLabels);
  assert.deepEqual(gz.images, test.images);
});

Deno.test("--data finds IDX files and mnist_{split}.csv in a folder", async () => {
  const dir = await Deno.makeTempDir();
  const embedded = EMBEDDED;
  const images = await Deno.readFile(join(embedded, "t10k-images-idx3-ubyte"));
  await Deno.writeFile(join(dir, "t10k-images-idx3-ubyte.gz"), gzipSync(images));
  await Deno.copyFile(
    join(embedded, "t10k-labels-idx1-ubyte"),
    join(dir, "t10k-labels-idx1-ubyte"),
  );
  assert.equal((await loadMnist("test", dir)).count, 10000);
  await Deno.writeTextFile(join(dir, "mnist_train.csv"), csvOf(4, false));
  assert.equal((await loadMnist("train", dir)).count, 4);
  // The library names the path; the flag (--data) is the CLI's word, added there.
  await assert.rejects(
    loadMnist("train", join(dir, "missing")),
    (e: unknown) =>
      e instanceof InputError && /^\/.*missing: no such file or folder$/.test(e.message),
  );
  const empty = await Deno.makeTempDir();
  await assert.rejects(loadMnist("test", empty), /no MNIST test set there/);
});

Deno.test("a header is read by its names: the label column is found wherever it stands", () => {
  const n = 4;
  const names = [...Array.from({ length: 784 }, (_, i) => `pixel${i}`), "label"];
  const rows = [names.join(",")];
  for (let j = 0; j < n; j++) {
    rows.push([...test.images.subarray(j * 784, (j + 1) * 784), test.labels[j]].join(","));
  }
  const last = parseCsv(rows.join("\n") + "\n", "last.csv");
  assert.equal(last.count, n);
  assert.deepEqual(last.labels, test.labels.subarray(0, n));
  assert.deepEqual(last.images, test.images.subarray(0, n * 784));
  // Kaggle's test.csv: pixels only, no labels.
  const unlabelled = [
    names.slice(0, 784).join(","),
    ...rows.slice(1).map((r) => r.replace(/,\d$/, "")),
  ];
  throwsInput(
    () => parseCsv(unlabelled.join("\n"), "test.csv"),
    /^test\.csv: line 1: the header \(pixel0,pixel1,pixel2,…\) has no "label" column/,
  );
  throwsInput(
    () => parseCsv(["label,pixel0", "1,0"].join("\n"), "narrow.csv"),
    /^narrow\.csv: line 1: the header has 2 columns, expected 785/,
  );
});

Deno.test("a first row is a header or data, never dropped: a first label 7.0 is checked like any", () => {
  const good = csvOf(3, false).split("\n");
  const first = ["7.0", ...good[0].split(",").slice(1)].join(",");
  throwsInput(
    () => parseCsv([first, ...good.slice(1)].join("\n"), "seven.csv"),
    /^seven\.csv: line 1: label "7\.0" is not a digit 0\.\.9$/,
  );
  assert.equal(parseCsv(csvOf(3, false), "plain.csv").count, 3, "no header: every row is data");
});

Deno.test("error line numbers are the file's own, past blank lines and lines of spaces", () => {
  const good = csvOf(3, false).split("\n");
  const text = [good[0], "   ", "", good[1], "\t", "1,2,3", good[2]].join("\n");
  throwsInput(() => parseCsv(text, "gaps.csv"), /^gaps\.csv: line 6: 3 columns, expected 785/);
  const skipped = parseCsv([good[0], "   ", good[1], ""].join("\n"), "ok.csv");
  assert.deepEqual(skipped.labels, test.labels.subarray(0, 2));
});

Deno.test("a zip with several CSVs is read by the split's name, or refused with the list", () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const zip = zipSync({
    "mnist_train.csv": enc(csvOf(3, false)),
    "mnist_test.csv": enc(csvOf(2, false)),
  });
  assert.equal(parseCsvFile(zip, "both.zip", "train").count, 3);
  assert.equal(parseCsvFile(zip, "both.zip", "test").count, 2);
  throwsInput(
    () => parseCsvFile(zip, "both.zip"),
    /^both\.zip: the zip holds 2 CSV files \(mnist_train\.csv, mnist_test\.csv\)/,
  );
  const other = zipSync({ "a.csv": enc(csvOf(1, false)), "b.csv": enc(csvOf(1, false)) });
  throwsInput(
    () => parseCsvFile(other, "ab.zip", "train"),
    /^ab\.zip: the zip holds 2 CSV files \(a\.csv, b\.csv\) and none is named mnist_train\.csv/,
  );
});

/** A zip whose one entry declares `size` bytes uncompressed (central directory and local header). */
function zipDeclaring(name: string, size: number): Uint8Array {
  const zip = zipSync({ [name]: new TextEncoder().encode("1,0\n") }, { level: 0 });
  const view = new DataView(zip.buffer);
  for (let i = 0; i + 4 <= zip.length; i++) {
    const signature = view.getUint32(i, true);
    if (signature === 0x04034b50) view.setUint32(i + 22, size, true);
    if (signature === 0x02014b50) view.setUint32(i + 24, size, true);
  }
  return zip;
}

Deno.test("a CSV too large to read as text is refused by name before it is inflated", () => {
  const zip = zipDeclaring("mnist_train.csv", 550 * 2 ** 20);
  const t0 = performance.now();
  throwsInput(
    () => parseCsvFile(zip, "big.zip", "train"),
    /^big\.zip:mnist_train\.csv: 550 MB of text, more than the 500 MB/,
  );
  assert.ok(performance.now() - t0 < 1000, "refused from the zip's directory, not by inflating");
});

Deno.test("an empty data set is an error wherever it comes from", async () => {
  const dir = await Deno.makeTempDir();
  const images = new Uint8Array(16), labels = new Uint8Array(8);
  new DataView(images.buffer).setUint32(0, 2051);
  new DataView(images.buffer).setUint32(8, 28);
  new DataView(images.buffer).setUint32(12, 28);
  new DataView(labels.buffer).setUint32(0, 2049);
  await Deno.writeFile(join(dir, "t10k-images-idx3-ubyte"), images);
  await Deno.writeFile(join(dir, "t10k-labels-idx1-ubyte"), labels);
  assert.equal(
    (await loadIdx(join(dir, "t10k-images-idx3-ubyte"), join(dir, "t10k-labels-idx1-ubyte"))).count,
    0,
  );
  await assert.rejects(
    loadMnist("test", dir),
    (e: unknown) =>
      e instanceof InputError &&
      /t10k-images-idx3-ubyte: no samples \(the data set is empty\)$/.test(e.message),
  );
  const header = join(dir, "mnist_train.csv");
  await Deno.writeTextFile(
    header,
    "label," + Array.from({ length: 784 }, (_, i) => `p${i}`).join(",") + "\n",
  );
  await assert.rejects(loadMnist("train", dir), /mnist_train\.csv: no data rows/);
});

Deno.test("errors never carry raw control bytes from a file", () => {
  const text = "\u0000\u0007\u001b[31m," + csvOf(1, false).split(",").slice(1).join(",");
  throwsInput(() => parseCsv(text, "bin.csv"), /^bin\.csv: line 1: label "\\u0000/);
  const e = new InputError("x\u0000y\u001bz\nw");
  assert.equal(e.message, "x\\x00y\\x1bz\\x0aw");
});
