/**
 * Plots and pictures: standalone SVG, a PNG every viewer shows, digits that decode back.
 */
import assert from "node:assert/strict";
import { decode } from "fast-png";
import {
  captionedSvg,
  confusionHeatmap,
  digitsPng,
  digitToText,
  firingBars,
  fromRows,
  functionPanels,
  image,
  learningCurveBands,
  learningCurves,
  loadMnist,
  logTicks,
  lossAlongStep,
  Plot,
  plot,
  probabilityBars,
  reliabilityBins,
  reliabilityDiagram,
  runCurves,
  saveFigure,
  trainingCurves,
  weightColour,
  weightMaps,
  weightsPng,
} from "../lib/mod.ts";

const test = await loadMnist("test");
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

Deno.test("plot() gives a standalone SVG with its title and a deterministic PNG bundle", async () => {
  const data = [0, 1, 2, 3].map((x) => ({ x, y: x * x }));
  const options = {
    title: "Squares",
    marks: [Plot.lineY(data, { x: "x", y: "y" })],
    width: 300,
    height: 200,
  };
  const a = await plot(options);
  const b = await plot(options);
  assert.match(a.svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(a.svg, />Squares</);
  assert.deepEqual(Array.from(a.png.subarray(0, 8)), PNG_SIGNATURE);
  const png = decode(a.png);
  // Rendered at twice the SVG size (300 × (200 + the title's 30)).
  assert.deepEqual([png.width, png.height], [600, 460]);
  assert.deepEqual(a.png, b.png);
  const bundle = a.bundle();
  assert.deepEqual(Object.keys(bundle).sort(), ["image/png", "image/svg+xml", "text/plain"]);
  assert.equal(bundle["text/plain"], "Squares");
});

Deno.test("a figure is saved as SVG or PNG by extension, atomically", async () => {
  const dir = await Deno.makeTempDir();
  const fig = await plot({ marks: [Plot.dot([{ x: 1, y: 2 }], { x: "x", y: "y" })] });
  await saveFigure(fig, `${dir}/a.svg`);
  await saveFigure(fig, `${dir}/a.png`);
  assert.equal(await Deno.readTextFile(`${dir}/a.svg`), fig.svg);
  assert.deepEqual(await Deno.readFile(`${dir}/a.png`), fig.png);
  assert.deepEqual(Array.from(Deno.readDirSync(dir), (e) => e.name).sort(), ["a.png", "a.svg"]);
});

Deno.test("digitsPng draws each digit as dark ink on white, upscaled", () => {
  const digits = [image(test, 0), image(test, 1)];
  const png = decode(digitsPng(digits, { scale: 2, gap: 0 }).png);
  assert.deepEqual([png.width, png.height, png.channels], [112, 56, 3]);
  for (const [t, digit] of digits.entries()) {
    for (let p = 0; p < 784; p += 37) {
      const x = t * 56 + (p % 28) * 2 + 1, y = Math.floor(p / 28) * 2 + 1;
      assert.equal(png.data[(y * png.width + x) * 3], 255 - digit[p]);
    }
  }
});

Deno.test("weightsPng: positive weights red, negative blue, zero white", () => {
  const W = fromRows([Array.from({ length: 784 }, (_, i) => (i === 0 ? 2 : i === 1 ? -2 : 0))]);
  const png = decode(weightsPng(W, { scale: 1, gap: 0 }).png);
  const rgb = (p: number) => Array.from(png.data.subarray(p * 3, p * 3 + 3));
  assert.deepEqual(rgb(0), [255, 0, 0]);
  assert.deepEqual(rgb(1), [0, 0, 255]);
  assert.deepEqual(rgb(2), [255, 255, 255]);
});

Deno.test("captionedSvg embeds each picture with its caption", async () => {
  const fig = await captionedSvg([digitsPng([image(test, 0)])], ["label 7"], 4, "Samples");
  assert.match(fig.svg, /<image [^>]*href="data:image\/png;base64,/);
  assert.match(fig.svg, />label 7</);
  assert.match(fig.svg, />Samples</);
});

Deno.test("digitToText draws 14 lines of block characters where the ink is", () => {
  const text = digitToText(image(test, 0));
  const lines = text.split("\n");
  assert.equal(lines.length, 14);
  assert.ok(lines.every((l) => l.length <= 28));
  assert.match(text, /[█▓▀▄]/);
  assert.equal(digitToText(new Uint8Array(784)).trim(), "");
});

Deno.test("learning curves: one line per learning rate, each labelled at its last point", async () => {
  const records = [0.5, 0.05].flatMap((lr) =>
    [10, 20, 30].map((iteration) => ({ learningRate: lr, iteration, accuracy: lr, loss: 1 }))
  );
  const fig = await learningCurves(records);
  const lines = fig.svg.match(/<g [^>]*aria-label="line"[^>]*>(.*?)<\/g>/)?.[1] ?? "";
  assert.equal(lines.match(/<path /g)?.length, 2, "two lines");
  assert.equal(fig.svg.match(/>η = 0\.5</g)?.length, 1);
  assert.equal(fig.svg.match(/>η = 0\.05</g)?.length, 1);
  assert.match(fig.description, /learning rates 0\.5, 0\.05/);
});

Deno.test("learning curves of a short sweep draw without a warning on the console", async () => {
  // One logged point per rate (`tune --iterations 2`): Plot's guess of the series warns of it.
  const records = [0.5, 0.25, 0.1, 0.05].map((lr) => ({
    learningRate: lr,
    iteration: 2,
    accuracy: lr,
    loss: 1,
  }));
  const warnings: unknown[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args);
  try {
    await learningCurves(records);
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(warnings, []);
});

Deno.test("labels of lines that end at the same accuracy are moved apart", async () => {
  const records = [0.5, 0.25].flatMap((lr) =>
    [10, 20].map((iteration) => ({ learningRate: lr, iteration, accuracy: 0.8, loss: 1 }))
  );
  const fig = await learningCurves(records);
  const ys = [...fig.svg.matchAll(/translate\([\d.]+,([\d.]+)\)"[^>]*>η = /g)].map((m) =>
    Number(m[1])
  );
  assert.equal(ys.length, 2);
  assert.ok(Math.abs(ys[0] - ys[1]) >= 12, `labels at y = ${ys.join(" and ")} overlap`);
});

Deno.test("learning curves can show the loss on a log scale, and η·t on the x axis", async () => {
  const records = [0.5, 0.1].flatMap((lr) =>
    [1, 2].map((iteration) => ({
      learningRate: lr,
      iteration,
      accuracy: 0.5,
      loss: 10 / iteration,
    }))
  );
  const loss = await learningCurves(records, { y: "loss" });
  assert.match(loss.description, /^loss vs iteration/);
  assert.ok(loss.svg.includes("loss (cross-entropy, log scale)"));
  const scaled = await learningCurves(records, { x: "learning rate × iteration" });
  assert.match(scaled.description, /^accuracy vs learning rate × iteration/);
  // The last point of η = 0.1 sits at η·t = 0.2, left of η = 0.5's at 1.0.
  const xs = [...scaled.svg.matchAll(/translate\(([\d.]+),[\d.]+\)"[^>]*>η = /g)].map((m) =>
    Number(m[1])
  );
  assert.equal(xs.length, 2);
  assert.ok(xs[0] !== xs[1], "labels at the same η·t");
});

Deno.test("learning-curve bands span the seeds' lowest to highest value, the line their mean", async () => {
  const records = [1, 2, 3].flatMap((seed) =>
    [1, 2].map((iteration) => ({
      learningRate: 0.5,
      iteration,
      seed,
      accuracy: 0.1 * seed * iteration,
      loss: 1,
    }))
  );
  const fig = await learningCurveBands(records);
  assert.match(fig.description, /seeds 1, 2, 3/);
  const area = fig.svg.match(/<g [^>]*aria-label="area"[^>]*>(.*?)<\/g>/)?.[1] ?? "";
  assert.equal(area.match(/<path /g)?.length, 1, "one band");
  assert.equal(fig.svg.match(/>η = 0\.5</g)?.length, 1);
});

Deno.test("training curves: loss and accuracy stacked, test accuracy beside the training one", async () => {
  const records = [
    { iteration: 1, loss: 2.3, accuracy: 0.1 },
    { iteration: 2, loss: 1.25, accuracy: 0.625 },
  ];
  const fig = await trainingCurves(records, {
    iterations: 10,
    test: [{ iteration: 2, accuracy: 0.5 }],
  });
  assert.equal(
    fig.description,
    "after 2 iterations: loss 1.2500, accuracy 0.6250, test accuracy 0.5000",
  );
  // One picture: the loss plot (with its title) above the accuracy plot.
  const height = Number(fig.svg.match(/^<svg [^>]*height="([\d.]+)"/)?.[1]);
  assert.equal(height, 30 + 220 + 220);
  assert.ok(
    fig.svg.includes("loss (cross-entropy, log scale)") && fig.svg.includes(">test 0.500<"),
  );
  const png = decode(fig.png);
  assert.ok(png.height > 2 * 2 * 220, "both plots are in the PNG");
  assert.equal(
    (await trainingCurves(records)).description,
    "after 2 iterations: loss 1.2500, accuracy 0.6250",
  );
});

Deno.test("the confusion heatmap has a cell and a count for each of the 100 pairs", async () => {
  const C = Array.from(
    { length: 10 },
    (_, i) => Array.from({ length: 10 }, (_, j) => i === j ? 500 + i : i + 10 * j),
  );
  const fig = await confusionHeatmap(C);
  assert.equal(fig.svg.match(/<rect /g)?.length, 100);
  for (const v of [509, 500, 91, 37]) assert.ok(fig.svg.includes(`>${v}</text>`), `count ${v}`);
  assert.match(fig.description, /5045 of \d+ on the diagonal/);
});

Deno.test("the row-normalised confusion heatmap shows each row in per cent of its total", async () => {
  const C = Array.from(
    { length: 10 },
    (_, i) => Array.from({ length: 10 }, (_, j) => i === j ? 91 * (i + 1) : i + 1),
  );
  const fig = await confusionHeatmap(C, { rows: "fraction" });
  // Every row is 91 % on the diagonal and 1 % elsewhere, whatever its size.
  assert.equal(fig.svg.match(/>91<\/text>/g)?.length, 10);
  assert.equal(fig.svg.match(/fill="black"[^>]*>1<\/text>/g)?.length, 90);
  assert.match(fig.description, /in % of each actual digit/);
});

Deno.test("probability bars: one bar chart per sample, the label's bar in its own colour", async () => {
  const A = fromRows(Array.from({ length: 10 }, (_, d) => [d === 3 ? 0.91 : 0.01, 0.1]));
  const fig = await probabilityBars(A, [3, 7], [0, 1]);
  assert.equal(fig.svg.match(/<rect /g)?.length, 20);
  assert.equal(fig.svg.match(/<rect [^>]*fill="orange"/g)?.length, 2, "one label bar per sample");
  assert.ok(fig.svg.includes("sample 1 (label 7)"));
});

Deno.test("function panels and the one-step loss curve draw what they are given", async () => {
  const z = [-1, 0, 1];
  const panels = await functionPanels([
    { name: "ReLU(z)", z, values: [0, 0, 1] },
    { name: "ReLU′(z)", z, values: [0, 0, 1], step: true },
  ]);
  assert.ok(panels.svg.includes(">ReLU′(z)<") && panels.description === "ReLU(z) and ReLU′(z)");
  const curve = [0, 1, 2].map((eta) => ({ eta, loss: 5 - eta + eta * eta / 4 }));
  const fig = await lossAlongStep(curve, { L0: 5, squaredNorm: 1 }, [
    { eta: 2, loss: 4, label: "lowest" },
  ]);
  assert.ok(fig.svg.includes(">lowest<") && fig.svg.includes("tangent L − η‖dθ‖²"));
});

Deno.test("run curves: one line per named run, test dots in the run's colour", async () => {
  const records = [1, 2, 3].map((iteration) => ({ iteration, loss: 1 / iteration, accuracy: 0.3 }));
  const fig = await runCurves([
    { name: "uniform", records, test: [{ iteration: 3, accuracy: 0.25 }] },
    { name: "He", records: records.map((r) => ({ ...r, accuracy: 0.6 })) },
  ]);
  assert.ok(fig.svg.includes(">uniform<") && fig.svg.includes(">He<"));
  assert.equal(fig.svg.match(/<circle /g)?.length, 1, "one test measurement");
  assert.match((await runCurves([{ name: "a", records }], { y: "loss" })).description, /^loss/);
  const zoomed = await runCurves([{ name: "a", records }], {
    yDomain: [0.2, 0.4],
    reference: { value: 0.25, label: "baseline" },
  });
  assert.ok(zoomed.svg.includes(">baseline<") && zoomed.svg.includes(">0.40<"));
});

Deno.test("firing bars: one row per network, one bar per neuron with its share in per cent", async () => {
  const fig = await firingBars([
    { name: "before", shares: [0, 0.5, 1] },
    { name: "after", shares: [0.25, 0.75, 0.004] },
  ]);
  assert.equal(fig.svg.match(/<rect /g)?.length, 6);
  for (const v of ["0", "50", "100", "25", "75", "&lt;1"]) {
    assert.ok(fig.svg.includes(`>${v}</text>`), v);
  }
  assert.ok(fig.svg.includes(">before<") && fig.svg.includes(">after<"));
  assert.ok(fig.svg.includes("% of the digits firing"), "the axis in per cent");
});

Deno.test("logTicks labels a log axis with 1, 2 and 5 times powers of ten, below 1 too", async () => {
  assert.deepEqual(logTicks([10.68, 3, 0.459]), [0.5, 1, 2, 5, 10]);
  // too few: 3 is added
  assert.deepEqual(logTicks([0.9, 3.5]), [1, 2, 3]);
  assert.deepEqual(logTicks([0.0015, 0.3]), [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2]);
  assert.deepEqual(logTicks([0, -1]), []);
  // a zoomed axis: none by default, finer steps when a number of ticks is asked for
  assert.deepEqual(logTicks([0.5007, 0.7703]), []);
  assert.deepEqual(logTicks([0.5007, 0.7703], 2), [0.6, 0.7]);
  assert.deepEqual(logTicks([0.5007, 0.7703], 3), [0.55, 0.6, 0.65, 0.7, 0.75]);
  assert.deepEqual(logTicks([10.68, 3, 0.459], 3), [0.5, 1, 2, 5, 10]);
  const records = [10.7, 2, 0.46].map((loss, i) => ({ iteration: i + 1, loss, accuracy: 0.5 }));
  const svg = (await trainingCurves(records)).svg;
  for (const tick of ["0.5", "1", "2", "5", "10"]) assert.ok(svg.includes(`>${tick}</text>`), tick);
});

Deno.test("weight maps share one symmetric scale, name each neuron and carry a colour bar", async () => {
  assert.deepEqual(weightColour(2, 2), [255, 0, 0]);
  assert.deepEqual(weightColour(-1, 2), [128, 128, 255]);
  assert.deepEqual(weightColour(0, 2), [255, 255, 255]);
  assert.deepEqual(weightColour(-5, 2), [0, 0, 255], "clamped beyond the limit");
  const rows = (v: number) => fromRows([new Array(784).fill(v), new Array(784).fill(-v / 2)]);
  const figure = await weightMaps([{ title: "big", W: rows(4) }, { title: "small", W: rows(1) }]);
  // one scale for both panels: the largest |w| of them all
  assert.match(
    figure.description,
    /big \(2 maps\); small \(2 maps\), one colour scale from -4\.00 to 4\.00/,
  );
  assert.equal(figure.svg.match(/<image /g)?.length, 4);
  assert.equal(figure.svg.match(/>neuron 1</g)?.length, 2);
  assert.ok(figure.svg.includes(">-4.00<") && figure.svg.includes(">4.00<"));
  // the small panel's first map is a quarter of the way to full red: decode its PNG
  const hrefs = [...figure.svg.matchAll(/href="data:image\/png;base64,([^"]+)"/g)].map((m) => m[1]);
  const pixel = (k: number) => decode(Uint8Array.from(atob(hrefs[k]), (c) => c.charCodeAt(0))).data;
  assert.deepEqual([...pixel(0).slice(0, 3)], [255, 0, 0]);
  assert.deepEqual([...pixel(2).slice(0, 3)], [255, 191, 191]);
  assert.deepEqual([...pixel(3).slice(0, 3)], [223, 223, 255]);
  // an explicit limit overrides the shared one
  const fixed = await weightMaps([{ title: "small", W: rows(1) }], { limit: 2 });
  assert.match(fixed.description, /from -2\.00 to 2\.00/);
});

Deno.test("the reliability diagram draws a bar per filled bin, its count, and the diagonal", async () => {
  const A_o = fromRows([[0.95, 0.05, 0.45, 1.0], [0.05, 0.95, 0.55, 0.0]]);
  const figure = await reliabilityDiagram(reliabilityBins(A_o, [0, 0, 0, 0], 10));
  assert.match(figure.description, /\[0\.5, 0\.6\) 1 samples, accuracy 0\.000 at mean p 0\.550/);
  assert.match(figure.description, /\[0\.9, 1\.0\) 3 samples, accuracy 0\.667 at mean p 0\.967/);
  assert.equal(figure.svg.match(/<rect /g)?.length, 2);
  assert.ok(figure.svg.includes(">3</text>") && figure.svg.includes(">1</text>"));
});

Deno.test("probability bars can outline the label's bar over the whole height", async () => {
  const A_o = fromRows([[0.9, 0.2], [0.1, 0.8]]);
  const plain = await probabilityBars(A_o, [0, 0], [0, 1]);
  const outlined = await probabilityBars(A_o, [0, 0], [0, 1], { outlineLabel: true });
  const strokes = (svg: string) => svg.match(/stroke="black"/g)?.length ?? 0;
  assert.equal(strokes(plain.svg), 0);
  assert.ok(strokes(outlined.svg) >= 1);
  assert.equal(outlined.svg.match(/<rect /g)!.length, plain.svg.match(/<rect /g)!.length + 2);
});
