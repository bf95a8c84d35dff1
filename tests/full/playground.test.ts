/**
 * The playground: its pure parts (preprocessing of a drawn digit, the setting in the URL),
 * then the real page in headless Chromium, served by `deno task book` (COOP/COEP,
 * two threads) and built by `deno task book:build` (a plain static host, one thread),
 * checked against the command-line tasks. One browser serves all the page's checks.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Browser, Page, Request } from "playwright-core";
import { INPUTS } from "../../lib/maths/network.ts";
import { loadMnist } from "../../lib/io/mnist.ts";
import { preprocessDigit } from "../../lib/data/preprocess.ts";
import { predictDataset } from "../../lib/engines/reference.ts";
import { fromModelJson, type ModelJson } from "../../lib/io/model_json.ts";
import { oneHot } from "../../lib/maths/loss.ts";
import { backward, forward } from "../../lib/maths/network.ts";
import { CHROMIUM, hasChromium, launchChromium } from "../../tools/browser.ts";
import { unsharedKernels } from "../../tools/bundle.ts";
import { serveSite } from "../../site/server.ts";
import { hasOriginal, ORIGINAL_WEIGHTS, ROOT } from "../helpers.ts";
import { axe, pageProblems, startSite, task } from "./site.ts";
import { labelColour, mapColour } from "../../playground/pictures.ts";
import {
  DEFAULTS,
  queryFromSettings,
  readQuery,
  type Settings,
  settingsFromQuery,
} from "../../playground/settings.ts";
import { column } from "../../playground/steps.ts";
import type { Playground, PlaygroundState } from "../../playground/api.ts";

// ---- preprocessing a drawn digit

/** A width × height canvas with ink 1 in the rectangle [x0, x1) × [y0, y1). */
function canvasWith(width: number, height: number, x0: number, y0: number, x1: number, y1: number) {
  const ink = new Float64Array(width * height);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) ink[y * width + x] = 1;
  return ink;
}

/** Bounding box and centre of mass (pixel centres at i + 0.5) of a 28×28 image. */
function measure(pixels: ArrayLike<number>) {
  let x0 = 28, x1 = -1, y0 = 28, y1 = -1, mass = 0, mx = 0, my = 0;
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const v = pixels[y * 28 + x];
      if (v <= 0) continue;
      x0 = Math.min(x0, x), x1 = Math.max(x1, x), y0 = Math.min(y0, y), y1 = Math.max(y1, y);
      mass += v, mx += v * (x + 0.5), my += v * (y + 0.5);
    }
  }
  return { width: x1 - x0 + 1, height: y1 - y0 + 1, x0, y0, cx: mx / mass, cy: my / mass };
}

Deno.test("preprocessDigit: no ink gives a blank digit", () => {
  const out = preprocessDigit(new Float64Array(100 * 100), 100, 100);
  assert.equal(out.length, INPUTS);
  assert(out.every((v) => v === 0));
});

Deno.test("preprocessDigit: a tall bar becomes 20 high, aspect kept, centred by mass", () => {
  // 40 × 80 of full ink: scaled by 1/4 to 10 × 20 of ink exactly 1
  const out = preprocessDigit(canvasWith(200, 150, 30, 50, 70, 130), 200, 150);
  const m = measure(out);
  assert.deepEqual([m.width, m.height], [10, 20]);
  // mass centre (5, 10) of the 10 × 20 block goes to (14, 14): columns 9..18, rows 4..23
  assert.deepEqual([m.x0, m.y0], [9, 4]);
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const inside = x >= 9 && x < 19 && y >= 4 && y < 24;
      assert.equal(out[y * 28 + x], inside ? 1 : 0, `pixel (${x}, ${y})`);
    }
  }
});

Deno.test("preprocessDigit: position and scale of the drawing do not matter; edges are grey", () => {
  const a = preprocessDigit(canvasWith(280, 280, 10, 10, 40, 70), 280, 280);
  const b = preprocessDigit(canvasWith(280, 280, 200, 150, 230, 210), 280, 280);
  assert.deepEqual(a, b);
  // a box already 20 high keeps its size: 7 × 20 stays 7 × 20, all full ink
  const c = measure(preprocessDigit(canvasWith(100, 100, 0, 0, 7, 20), 100, 100));
  assert.deepEqual([c.width, c.height], [7, 20]);
  // a 3 × 3 box scaled ×20/3: output pixels that straddle source pixels come out grey
  const ink = new Float64Array(9);
  ink[0] = ink[8] = 1; // top-left and bottom-right corners: the box is 3 × 3
  const d = preprocessDigit(ink, 3, 3);
  const greys = Array.from(d).filter((v) => v > 0 && v < 1);
  assert(greys.length > 0, "partly covered pixels are grey");
  assert(Math.abs(measure(d).cx - 14) <= 0.5 && Math.abs(measure(d).cy - 14) <= 0.5);
});

Deno.test("preprocessDigit: an off-centre shape has its centre of mass within half a pixel of (14, 14)", () => {
  // an L: a long vertical bar and a short foot, so the mass centre is not the box's centre
  const ink = canvasWith(120, 120, 20, 10, 30, 110);
  for (let y = 100; y < 110; y++) for (let x = 30; x < 70; x++) ink[y * 120 + x] = 1;
  const m = measure(preprocessDigit(ink, 120, 120));
  assert.equal(m.height, 20);
  assert(Math.abs(m.cx - 14) <= 0.5, `cx ${m.cx}`);
  assert(Math.abs(m.cy - 14) <= 0.5, `cy ${m.cy}`);
  assert(m.x0 > 4, "the box is not simply centred: the mass pulls it");
});

// ---- the setting in the URL

Deno.test("playground settings round-trip through the query string; bad values fall back", () => {
  const s: Settings = { learningRate: 0.037, hidden: 128, batchSize: 100, seed: 42 };
  assert.deepEqual(settingsFromQuery(queryFromSettings(s)), s);
  assert.deepEqual(settingsFromQuery(queryFromSettings(DEFAULTS)), DEFAULTS);
  assert.deepEqual(settingsFromQuery("?lr=-1&hidden=0&batch=x&seed=-3"), DEFAULTS);
  assert.equal(queryFromSettings(DEFAULTS), "?lr=0.25&hidden=10&batch=full&seed=1");
});

Deno.test("readQuery: every refused or adjusted value is said, with what is used instead", () => {
  const said = (query: string) => readQuery(query);
  const cases: [string, Partial<Settings>, RegExp][] = [
    ["?lr=-1", { learningRate: 0.25 }, /lr=-1 is not a positive learning rate: η = 0\.25/],
    ["?lr=0", { learningRate: 0.25 }, /lr=0 is not/],
    ["?lr=abc", { learningRate: 0.25 }, /lr=abc is not/],
    ["?lr=NaN", { learningRate: 0.25 }, /lr=NaN is not/],
    ["?lr=Infinity", { learningRate: 0.25 }, /lr=Infinity is not/],
    ["?lr=", { learningRate: 0.25 }, /lr= is not/],
    ["?lr=1e9", { learningRate: 10 }, /lr=1e9 is outside the slider's range 0\.001–10: η = 10/],
    ["?lr=1e-5", { learningRate: 0.001 }, /η = 0\.001 is used/],
    ["?hidden=0", { hidden: 10 }, /hidden=0 is not a whole number .*: 10 is used instead/],
    ["?hidden=-5", { hidden: 10 }, /hidden=-5/],
    ["?hidden=1.5", { hidden: 10 }, /hidden=1\.5/],
    ["?hidden=100000", { hidden: 256 }, /hidden=100000 is more .*: 256 is used/],
    ["?batch=0", { batchSize: 0 }, /batch=0 .*: the full batch is used/],
    ["?batch=abc", { batchSize: 0 }, /batch=abc/],
    ["?batch=1000000000", { batchSize: 0 }, /batch=1000000000 is not smaller than the 60,000/],
    ["?seed=-1", { seed: 1 }, /seed=-1 .*: seed 1 is used instead/],
    ["?seed=1.5", { seed: 1 }, /seed=1\.5/],
    ["?seed=1099511627776", { seed: 1 }, /seed=1099511627776/],
    ["?speed=3", {}, /speed=3 is not a setting of this page: it is ignored/],
  ];
  for (const [query, used, notice] of cases) {
    const { settings, notices } = said(query);
    assert.deepEqual(settings, { ...DEFAULTS, ...used }, query);
    assert.equal(notices.length, 1, `${query}: ${notices}`);
    assert.match(notices[0], notice);
  }
  const good = said("?lr=0.037&hidden=128&batch=100&seed=4294967295");
  assert.deepEqual(good.notices, []);
  assert.equal(good.settings.seed, 2 ** 32 - 1);
});

Deno.test("weight maps: ±scale is full blue or red, NaN has a colour of its own", () => {
  assert.deepEqual(mapColour(0.5, 0.5), [255, 0, 0]);
  assert.deepEqual(mapColour(-0.5, 0.5), [0, 0, 255]);
  assert.deepEqual(mapColour(0, 0.5), [255, 255, 255]);
  const nan = mapColour(NaN, 0.5);
  for (const v of [-1, -0.5, 0, 0.5, 1, 2]) assert.notDeepEqual(mapColour(v, 0.5), nan);
  assert.deepEqual(mapColour(NaN, "ink"), nan);
  assert.deepEqual(mapColour(1, "ink"), [0, 0, 0]);
  // one shared scale: a map a hundredth as strong is a hundredth as coloured
  assert.deepEqual(mapColour(0.005, 0.5), [255, 252, 252]);
});

Deno.test("confusion labels: black or white, whichever reaches 4.5:1 on its cell", () => {
  const contrast = (a: number, b: number) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  const lum = (c: number) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  for (let i = 0; i <= 255; i += 5) {
    // blues from white to navy, as the scheme runs
    const [r, g, b] = [255 - i, 255 - i * 0.6, 255 - i * 0.2].map(Math.round);
    const l = 0.2126 * lum(r) + 0.7152 * lum(g) + 0.0722 * lum(b);
    const text = labelColour(`rgb(${r}, ${g}, ${b})`) === "black" ? 0 : 1;
    assert(contrast(l, text) >= 4.5, `rgb(${r}, ${g}, ${b}): ${contrast(l, text)}`);
  }
});

// ---- the kernels for pages that are not cross-origin isolated

Deno.test("unsharedKernels: the same kernels over a plain (not shared) memory", async () => {
  const wasm = await Deno.readFile(new URL("../../lib/engines/fast/kernels.wasm", import.meta.url));
  const plain = new WebAssembly.Memory({ initial: 2, maximum: 32768 });
  assert.throws(() =>
    new WebAssembly.Instance(new WebAssembly.Module(wasm), { env: { memory: plain } })
  );
  const unshared = unsharedKernels(wasm);
  assert.equal(unshared.filter((b, i) => b !== wasm[i]).length, 1, "one byte differs");
  const instance = new WebAssembly.Instance(new WebAssembly.Module(unshared), {
    env: { memory: plain },
  });
  const kernelNames = WebAssembly.Module.exports(new WebAssembly.Module(wasm)).map((e) => e.name);
  assert.ok(kernelNames.includes("accumulate"));
  assert.deepEqual(Object.keys(instance.exports).sort(), kernelNames.sort());
});

// ---- the page in Chromium

/** The site served by `deno task book`, at the playground's page. */
async function startServer(): Promise<{ url: string; stop: () => Promise<void> }> {
  const site = await startSite();
  return { url: `${site.url}playground/`, stop: site.stop };
}

interface Watched {
  page: Page;
  problems: string[];
}

/** A page that records console errors, failed requests and requests to other origins. */
async function open(
  browser: Browser,
  url: string,
  onRequest: (url: string) => void = () => {},
): Promise<Watched> {
  // bypassCSP: the tests add axe-core to the page (the site's policy allows only its own scripts)
  const page = await browser.newPage({ acceptDownloads: true, bypassCSP: true });
  const problems = pageProblems(page);
  const origin = new URL(url).origin;
  page.on("requestfailed", (r: Request) => problems.push(`failed: ${r.url()}`));
  page.on("request", (r: Request) => {
    onRequest(r.url());
    const u = new URL(r.url());
    if (/^https?:$/.test(u.protocol) && u.origin !== origin) problems.push(`outside: ${r.url()}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.goto(url);
  await page.evaluate(() => playground.ready);
  return { page, problems };
}

/** The page's window.playground, as the functions passed to page.evaluate see it. */
declare const playground: Playground;

const state = (page: Page): Promise<PlaygroundState> => page.evaluate(() => playground.state());

/** The exact numbers a panel shows for `name` (its data-values). */
const shown = (page: Page, name: string): Promise<number[]> =>
  page.evaluate(
    (n) => JSON.parse(document.querySelector(`[data-name="${n}"]`)!.getAttribute("data-values")!),
    name,
  );

/** PLAYGROUND_TEST_ONLY=regex runs only the browser steps whose names match (while developing). */
const ONLY = Deno.env.get("PLAYGROUND_TEST_ONLY");
function only(t: Deno.TestContext) {
  return (name: string | Deno.TestStepDefinition, fn?: (t: Deno.TestContext) => Promise<void>) => {
    const step = typeof name === "string" ? { name, fn: fn! } : name;
    const skipped = ONLY !== undefined && !new RegExp(ONLY).test(step.name);
    return t.step({ ...step, ignore: step.ignore || skipped });
  };
}

/** The three screens every view must fit: a phone and two desktops. */
const SCREENS = [
  { width: 390, height: 844 },
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
];

/**
 * What is cut off: the page wider than the screen, or an element that hides overflowing
 * content (overflow hidden or clip, or paint containment) without a way to scroll to it.
 */
function clipped(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const name = (e: Element) =>
      e.id ? `#${e.id}` : `${e.tagName.toLowerCase()}.${e.className}` +
        (e.closest("[id]") ? ` in #${e.closest("[id]")!.id}` : "");
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1) {
      out.push(`the page is ${root.scrollWidth} px wide on a ${root.clientWidth} px screen`);
    }
    for (const e of document.querySelectorAll("body *")) {
      const style = getComputedStyle(e);
      if (style.display === "none" || e.closest("svg") && e.tagName !== "svg") continue;
      const hides = /hidden|clip/.test(style.overflowX) ||
        /paint|content|strict/.test(style.contain) ||
        style.contentVisibility === "auto";
      // (a visually hidden element, such as KaTeX's MathML for screen readers, is 1 px on purpose)
      if (hides && e.clientWidth > 1 && e.scrollWidth > e.clientWidth + 1) {
        out.push(`${name(e)}: ${e.scrollWidth} px of content in ${e.clientWidth} px, clipped`);
      }
      const scrolls = /auto|scroll/.test(style.overflowX) && e.scrollWidth > e.clientWidth + 1;
      if (
        scrolls && (e as HTMLElement).tabIndex < 0 &&
        !e.querySelector("[tabindex='0'],a,button,input,select")
      ) {
        out.push(`${name(e)} scrolls but the keyboard cannot reach it`);
      }
      const r = e.getBoundingClientRect();
      if (r.width > 0 && r.right > root.clientWidth + 1 && !e.closest(".scroll")) {
        out.push(`${name(e)} ends at ${Math.round(r.right)} px, past the screen`);
      }
    }
    // a formula or a number is never broken across lines
    for (const e of document.querySelectorAll(".formula .katex-html, table.numbers td")) {
      const lines = new Set([...e.getClientRects()].map((r) => Math.round(r.top)));
      const rects = [...e.querySelectorAll(".base")].map((b) =>
        Math.round(b.getBoundingClientRect().top)
      );
      if (lines.size > 1 || new Set(rects).size > 1) out.push(`${name(e)} breaks across lines`);
    }
    return [...new Set(out)];
  });
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const tolerance = 1e-12 * Math.max(1, Math.abs(expected[i]));
    assert(
      Math.abs(actual[i] - expected[i]) <= tolerance,
      `${what}[${i}]: ${actual[i]} ≠ ${expected[i]}`,
    );
  }
}

Deno.test({
  name: "playground in Chromium" + (hasChromium() ? "" : ` (skipped: no browser at ${CHROMIUM})`),
  ignore: !hasChromium(),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const tmp = await Deno.makeTempDir({ prefix: "playground-test-" });
    const site = join(tmp, "site");
    // the CLI's numbers while the server builds its copy, then the static build (two builds at
    // once would race to install esbuild on a cold cache)
    const cliRun = (args: string[]) =>
      task("train", "--iterations", "50", "--json", ...args).then((out) => JSON.parse(out));
    const [server, full, mini] = await Promise.all([
      startServer().then(async (server) => {
        await task("book:build", "--out", site);
        return server;
      }),
      cliRun(["--learning-rate", "0.5", "--seed", "3", "--out", join(tmp, "full.json")]),
      cliRun([
        "--learning-rate",
        "0.1",
        "--seed",
        "5",
        "--batch-size",
        "100",
        "--hidden",
        "12",
        "--out",
        join(tmp, "mini.json"),
      ]),
    ]);
    const plain = serveSite(site, { hostname: "127.0.0.1", port: 0, isolated: false });
    const browser = await launchChromium();
    const step = only(t);
    try {
      const served = await open(browser, server.url);
      const { page } = served;

      await step("the served page loads cleanly, isolated, on two threads", async () => {
        assert.deepEqual(served.problems, []);
        const s = await state(page);
        assert.equal(s.threads, 2);
        assert.equal(s.iteration, 0);
        assert(s.testAccuracy > 0 && s.testAccuracy < 0.3, `untrained accuracy ${s.testAccuracy}`);
        assert((await page.textContent("#engine"))!.includes("2 threads"));
      });

      await step(
        "50 iterations in the page give the CLI's loss (full batch and mini-batches)",
        async () => {
          await page.evaluate(() => playground.set({ learningRate: 0.5, seed: 3 }));
          await page.evaluate(() => playground.step(50));
          let s = await state(page);
          assert.equal(s.iteration, 50);
          assert.equal(s.loss, full.loss);
          assert.equal(s.trainAccuracy, full.accuracy);

          await page.evaluate(() =>
            playground.set({ learningRate: 0.1, seed: 5, batchSize: 100, hidden: 12 })
          );
          await page.evaluate(() => playground.step(50));
          s = await state(page);
          assert.deepEqual([s.hidden, s.batchSize, s.seed], [12, 100, 5]);
          assert.equal(s.loss, mini.loss);
        },
      );

      await step("the page's command and notebook cell reproduce its loss", async () => {
        // the page is at 50 mini-batch iterations of η = 0.1, seed 5, 12 hidden neurons
        const s = await state(page);
        assert.equal(s.iteration, 50);
        const command = await page.textContent("#reproduce-command");
        assert.equal(
          command,
          "deno task train --iterations 50 --learning-rate 0.1 --hidden 12 --seed 5 " +
            "--batch-size 100 --out model.json",
        );
        const args = command!.split(" ").slice(2, -2);
        const cli = JSON.parse(await task(...args, "--json", "--out", join(tmp, "again.json")));
        assert.equal(cli.loss, s.loss);
        const cell = (await page.textContent("#reproduce-cell"))!;
        const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
          args: ["eval", "--ext=ts", cell + "\nconsole.log(JSON.stringify(last));"],
          cwd: join(ROOT, "notebooks"),
          stdout: "piped",
          stderr: "piped",
        }).output();
        assert.equal(code, 0, new TextDecoder().decode(stderr));
        const last = JSON.parse(new TextDecoder().decode(stdout).trim().split("\n").at(-1)!);
        assert.deepEqual([last.iteration, last.loss], [50, s.loss]);
        // a run that changed η half-way has no one command: the page says so
        await page.evaluate(() => playground.set({ learningRate: 0.2 }));
        await page.evaluate(() => playground.step(1));
        assert(!await page.isVisible("#reproduce-command"));
        assert.match((await page.textContent("#reproduce-reason"))!, /changed during this run/);
        await page.evaluate(() => playground.reset());
        assert.match((await page.textContent("#reproduce-reason"))!, /Nothing trained yet/);
        await page.evaluate(() => playground.set({ learningRate: 0.1 }));
        await page.evaluate(() => playground.step(50));
        assert.equal((await state(page)).loss, s.loss, "the replay");
        assert(await page.isVisible("#reproduce-command"));
      });

      await step("play runs until pause; a new η keeps the run going", async () => {
        const before = (await state(page)).iteration;
        await page.click("#play");
        await page.waitForFunction((n) => playground.state().iteration >= n + 3, before);
        assert.equal((await state(page)).running, true);
        await page.evaluate(() => playground.set({ learningRate: 0.2 }));
        const during = (await state(page)).iteration;
        assert(during >= before + 3, "changing η does not restart the run");
        await page.waitForFunction((n) => playground.state().iteration > n, during);
        await page.click("#play"); // now the pause button
        await page.waitForFunction(() => !playground.state().running);
        const stopped = (await state(page)).iteration;
        await page.waitForTimeout(200);
        assert.equal((await state(page)).iteration, stopped);
        assert.equal((await state(page)).learningRate, 0.2);
        assert.match(page.url(), /lr=0\.2(&|$)/);
      });

      await step("reset replays the identical curve", async () => {
        const curve = async () => {
          await page.evaluate(() => playground.reset());
          const losses: number[] = [];
          for (let i = 0; i < 8; i++) {
            await page.evaluate(() => playground.step(1));
            losses.push((await state(page)).loss);
          }
          return losses;
        };
        const first = await curve();
        const again = await curve();
        assert.deepEqual(again, first);
        assert(first[7] < first[0]);
      });

      await step("the URL round-trips the setting", async () => {
        await page.evaluate(() =>
          playground.set({ learningRate: 0.07, hidden: 16, batchSize: 256, seed: 9 })
        );
        const url = page.url();
        assert.deepEqual(settingsFromQuery(new URL(url).search), {
          learningRate: 0.07,
          hidden: 16,
          batchSize: 256,
          seed: 9,
        });
        const other = await open(browser, url);
        const s = await state(other.page);
        assert.deepEqual([s.learningRate, s.hidden, s.batchSize, s.seed], [0.07, 16, 256, 9]);
        assert.equal(await other.page.inputValue("#hidden"), "16");
        assert.deepEqual(other.problems, []);
        await other.page.close();
        await page.evaluate(() =>
          playground.set({ learningRate: 0.5, hidden: 10, batchSize: 60000, seed: 3 })
        );
      });

      await step("a drawn stroke is preprocessed as specified", async () => {
        await page.locator("#pad").scrollIntoViewIfNeeded();
        const box = (await page.locator("#pad").boundingBox())!;
        const at = (x: number, y: number) => [box.x + x * box.width, box.y + y * box.height];
        // a "7": a bar along the top, then a diagonal down to the left
        await page.mouse.move(...(at(0.3, 0.25) as [number, number]));
        await page.mouse.down();
        for (const [x, y] of [[0.45, 0.25], [0.65, 0.25], [0.6, 0.45], [0.5, 0.65], [0.45, 0.8]]) {
          await page.mouse.move(...(at(x, y) as [number, number]), { steps: 4 });
        }
        await page.mouse.up();
        const { ink, width, height } = await page.evaluate(() => {
          const pad = document.getElementById("pad") as HTMLCanvasElement;
          const data = pad.getContext("2d")!.getImageData(0, 0, pad.width, pad.height).data;
          return {
            ink: Array.from({ length: pad.width * pad.height }, (_, i) => data[4 * i + 3] / 255),
            width: pad.width,
            height: pad.height,
          };
        });
        assert(ink.some((v) => v > 0), "the stroke left ink");
        const X = await shown(page, "X");
        assert.deepEqual(X, Array.from(preprocessDigit(ink, width, height)));
        const m = measure(X);
        assert.equal(Math.max(m.width, m.height), 20);
        assert(Math.abs(m.cx - 14) <= 0.5 && Math.abs(m.cy - 14) <= 0.5);
        assert(X.some((v) => v > 0 && v < 1), "grey levels at the edges");
      });

      const test = await loadMnist("test");
      await step("the backprop panel's numbers are backward's for the same digit", async () => {
        await page.fill("#pick", "17");
        await page.dispatchEvent("#pick", "change");
        await page.selectOption("#label", "3");
        const net = fromModelJson(await page.evaluate(() => playground.model()), "page");
        const X = column(Array.from(test.images.subarray(17 * 784, 18 * 784), (b) => b / 255));
        assertClose(await shown(page, "X"), X.data, "X");
        const cache = forward(net, X);
        const grads = backward(net, X, oneHot([3]), cache);
        assertClose(await shown(page, "Z_h"), cache.Z_h.data, "Z_h");
        assertClose(await shown(page, "A_o"), cache.A_o.data, "A_o");
        assertClose(await shown(page, "dW_h"), grads.dW_h.data, "dW_h");
        assertClose(await shown(page, "db_h"), grads.db_h.data, "db_h");
        assertClose(await shown(page, "dW_o"), grads.dW_o.data, "dW_o");
        assertClose(await shown(page, "db_o"), grads.db_o.data, "db_o");
        // with one digit, dZ_o and dZ_h are db_o and db_h
        assertClose(await shown(page, "dZ_o"), grads.db_o.data, "dZ_o");
        assertClose(await shown(page, "dZ_h"), grads.db_h.data, "dZ_h");
        const mask = await shown(page, "mask");
        assert.deepEqual(mask, Array.from(cache.Z_h.data, (z) => z > 0 ? 1 : 0));
        const after = await shown(page, "after");
        assert(after[3] > cache.A_o.data[3], "one step towards label 3 raises its probability");
      });

      await step(
        "a downloaded model evaluates in the CLI to the page's test accuracy",
        async () => {
          await page.evaluate(() => playground.step(20));
          await page.click("#evaluate");
          await page.waitForFunction(() =>
            document.getElementById("evaluation")!.textContent !== ""
          );
          const accuracy = (await state(page)).testAccuracy;
          const [download] = await Promise.all([
            page.waitForEvent("download"),
            page.click("#download"),
          ]);
          const path = join(tmp, "downloaded.json");
          await download.saveAs(path);
          const cli = JSON.parse(await task("evaluate", "--weights", path, "--json"));
          assert.equal(cli.accuracy, accuracy);
        },
      );

      await step({
        name: "the original model loads, scores 0.9016, and predicts as the CLI does",
        ignore: !hasOriginal,
        fn: async () => {
          const json: ModelJson = JSON.parse(await Deno.readTextFile(ORIGINAL_WEIGHTS));
          await page.setInputFiles("#load", ORIGINAL_WEIGHTS);
          await page.waitForFunction(() =>
            document.getElementById("evaluation")!.textContent!.includes("iteration 0")
          );
          assert.equal((await state(page)).testAccuracy, 0.9016);
          assert.match(await page.innerText("#provenance"), /cannot reproduce it/);
          const cli = JSON.parse(await task("evaluate", "--weights", ORIGINAL_WEIGHTS, "--json"));
          assert.equal(cli.accuracy, 0.9016);
          const confusion = await page.evaluate(() =>
            JSON.parse(document.getElementById("confusion")!.dataset.values!)
          );
          assert.deepEqual(confusion, cli.confusion_matrix);
          // the same through the API
          await page.evaluate(() => playground.set({ seed: 4 }));
          assert.notEqual((await state(page)).testAccuracy, 0.9016);
          await page.evaluate((json) => playground.load(json), json);
          assert.equal((await state(page)).testAccuracy, 0.9016);
          const n = 200;
          const expected = predictDataset(fromModelJson(json, ORIGINAL_WEIGHTS), {
            ...test,
            images: test.images.subarray(0, n * 784),
            labels: test.labels.subarray(0, n),
            count: n,
          });
          const digits = Array.from(
            { length: n },
            (_, i) => Array.from(test.images.subarray(i * 784, (i + 1) * 784), (b) => b / 255),
          );
          const predicted = await page.evaluate(
            (digits) => digits.map((d) => playground.predict(d).digit),
            digits,
          );
          assert.deepEqual(predicted, Array.from(expected));
          assert.deepEqual(served.problems, []);
        },
      });

      await step(
        "the first view shows the start's loss and accuracy as points, on whole-number ticks",
        async () => {
          await page.evaluate(() => playground.set({ seed: 5, hidden: 10, batchSize: 60000 }));
          const s = await state(page);
          assert.equal(s.iteration, 0);
          assert(Number.isFinite(s.loss) && s.loss > 0, `loss ${s.loss}`);
          assert(s.trainAccuracy > 0 && s.trainAccuracy < 0.3);
          await page.waitForFunction(() => document.querySelector("#loss-chart circle") !== null);
          const ticks = await page.evaluate(() =>
            [...document.querySelectorAll("#loss-chart g[aria-hidden] text, #loss-chart text")]
              .map((e) => e.textContent ?? "")
          );
          assert(ticks.includes("0") && ticks.includes("1"), `ticks ${ticks}`);
          await page.evaluate(() => playground.step(3));
          await page.waitForFunction(() =>
            document.querySelector("#loss-chart")!.querySelectorAll("circle").length === 4
          );
          const x = await page.evaluate(() =>
            [...document.querySelectorAll("#loss-chart [data-label='x-axis tick label'] text")]
              .map((e) => e.textContent ?? "")
          );
          assert.deepEqual(x, ["0", "1", "2", "3"], `iteration ticks ${x}`);
          await page.evaluate(() => playground.reset());
        },
      );

      await step(
        "each bad value in the address gives a notice naming it and what is used",
        async () => {
          const cases: [string, string[], Partial<PlaygroundState>][] = [
            ["lr=-1&hidden=0&batch=0&seed=-1", ["lr=-1", "hidden=0", "batch=0", "seed=-1"], {
              learningRate: 0.25,
              hidden: 10,
              batchSize: 60000,
              seed: 1,
            }],
            ["lr=0&hidden=-5&batch=abc&seed=1.5", ["lr=0", "hidden=-5", "batch=abc", "seed=1.5"], {
              learningRate: 0.25,
              hidden: 10,
              batchSize: 60000,
              seed: 1,
            }],
            [
              "lr=abc&hidden=1.5&batch=1000000000&seed=1099511627776",
              ["lr=abc", "hidden=1.5", "batch=1000000000", "seed=1099511627776"],
              { learningRate: 0.25, hidden: 10, batchSize: 60000, seed: 1 },
            ],
            ["lr=NaN&hidden=100000", ["lr=NaN", "hidden=100000"], {
              learningRate: 0.25,
              hidden: 256,
            }],
            ["lr=Infinity", ["lr=Infinity"], { learningRate: 0.25 }],
            ["lr=1e9", ["lr=1e9"], { learningRate: 10 }],
          ];
          for (const [query, named, used] of cases) {
            const other = await open(browser, `${server.url}?${query}`);
            const notices = await other.page.$$eval(
              "#address-notices li",
              (li) => li.map((e) => (e as HTMLElement).innerText),
            );
            assert.equal(notices.length, named.length, `${query}: ${notices.join(" | ")}`);
            named.forEach((n, i) => {
              assert(
                notices[i].includes(n) && notices[i].includes("instead"),
                `${n}: ${notices[i]}`,
              );
            });
            assert(await other.page.isVisible("#address-notices"));
            const s = await state(other.page);
            for (const [key, value] of Object.entries(used)) {
              assert.equal(s[key as keyof PlaygroundState], value, `${query}: ${key}`);
            }
            assert.deepEqual(other.problems, []);
            await other.page.close();
          }
        },
      );

      await step("at η = 10 the network stalls, and the page says why and what to do", async () => {
        await page.evaluate(() =>
          playground.set({ learningRate: 10, seed: 1, hidden: 10, batchSize: 60000 })
        );
        await page.evaluate(() => playground.reset());
        await page.evaluate(() => playground.step(60));
        const s = await state(page);
        assert(Math.abs(s.loss - Math.LN10) < 0.01, `loss ${s.loss}`);
        const notice = await page.innerText("#notice");
        assert(await page.isVisible("#notice"));
        assert.match(notice, /stalled \(iteration \d+\): \d+ of its 10 hidden neurons are dead/);
        assert.match(notice, /η = 10/);
        assert.match(notice, /smaller/);
        await page.evaluate(() => playground.set({ learningRate: 0.5, seed: 3 }));
      });

      await step("pause() and reset() interrupt step(100000) within a second", async () => {
        for (const action of ["pause", "reset"] as const) {
          const seconds = await page.evaluate(async (action) => {
            const long = playground.step(100000);
            await new Promise((r) => setTimeout(r, 300));
            const t = performance.now();
            await playground[action]();
            const answered = (performance.now() - t) / 1000;
            await long;
            return answered;
          }, action);
          // the promise: an answer within one iteration, far under a second
          assert(seconds < 1, `${action}() answered after ${seconds} s`);
          const s = await state(page);
          assert(s.iteration < 1000, `${action}: iteration ${s.iteration}`);
          if (action === "reset") assert.equal(s.iteration, 0);
        }
      });

      await step("the arrow keys move the η slider in log steps, and it announces η", async () => {
        await page.evaluate(() => playground.set({ learningRate: 0.25 }));
        await page.focus("#lr-slider");
        const seen: number[] = [];
        for (const key of ["ArrowRight", "ArrowRight", "ArrowRight", "ArrowLeft"]) {
          await page.keyboard.press(key);
          await page.waitForTimeout(50);
          seen.push((await state(page)).learningRate);
        }
        assert(seen[0] > 0.25 && seen[1] > seen[0] && seen[2] > seen[1], `${seen}`);
        assert(seen[3] < seen[2], `${seen}`);
        assert(seen[2] / 0.25 > 1.8 && seen[2] / 0.25 < 2.2, "three tenths of a decade: ×2");
        const text = await page.getAttribute("#lr-slider", "aria-valuetext");
        assert.equal(text, `learning rate ${seen[3]}`);
        await page.evaluate(() => playground.set({ learningRate: 0.5 }));
      });

      await step("a single click draws a dot; a blank pad asks for a digit", async () => {
        await page.click("#clear");
        assert.match(await page.innerText("#forward"), /blank: draw a digit/);
        assert.equal(await page.$("[data-name=prediction]"), null);
        await page.locator("#pad").scrollIntoViewIfNeeded();
        const box = (await page.locator("#pad").boundingBox())!;
        await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
        const ink = await page.evaluate(() => {
          const pad = document.getElementById("pad") as HTMLCanvasElement;
          const data = pad.getContext("2d")!.getImageData(0, 0, pad.width, pad.height).data;
          let n = 0;
          for (let i = 3; i < data.length; i += 4) n += data[i] > 0 ? 1 : 0;
          return n;
        });
        assert(ink > 100, `a dot of ${ink} pixels`);
        assert((await shown(page, "X")).some((v) => v > 0));
        await page.focus("#pad");
        await page.keyboard.press("r");
        assert((await page.innerText("#forward")).includes("prediction"));
      });

      await step(
        "the backprop step starts at a wrong digit and says why; dW_h on one scale",
        async () => {
          await page.evaluate(() => playground.step(30));
          await page.fill("#pick", "0");
          await page.dispatchEvent("#pick", "change");
          const prediction = (await shown(page, "prediction"))[0];
          const target = Number(await page.inputValue("#label"));
          assert.notEqual(target, prediction, "the target is not the prediction");
          const why = await page.innerText("#target-why");
          assert(why.includes(String(target)) && why.length > 40, why);
          const after = await shown(page, "after");
          const before = await shown(page, "before");
          assert(Math.abs(after[target] - before[target]) > 1e-3, "the step changes something");
          assert(await page.isVisible("#backprop .colorbar"));
          // the maps of a dead neuron are white: one shared scale, not each its own
          const headers = await page.$$eval("#backprop th", (th) => th.map((e) => e.textContent));
          assert(!headers.includes(""), "no empty header");
          assert(headers.includes("digit") && headers.includes("neuron"));
          await page.selectOption("#guess-rises", String(target));
          await page.click("#guess-check");
          assert.match(
            await page.innerText("#guess-score"),
            /of 2\. The probability that rose most/,
          );
        },
      );

      await step(
        "the weight maps share one symmetric scale and show the change since the start",
        async () => {
          const scale = Number(await page.getAttribute("#weights", "data-scale"));
          const model = await page.evaluate(() => playground.model());
          const largest = Math.max(...model.hidden_layer.weights.flat().map(Math.abs));
          assert.equal(scale, largest);
          assert(await page.isVisible("#weights-scale .colorbar"));
          await page.check("[name=weights-view][value=change]");
          await page.waitForFunction(
            (s) => document.getElementById("weights")!.dataset.scale !== String(s),
            scale,
          );
          const change = Number(await page.getAttribute("#weights", "data-scale"));
          assert(change > 0 && change < scale, `change ${change} of ${scale}`);
          assert.match(await page.innerText("#weights-scale"), /iteration 0/);
          await page.check("[name=weights-view][value=weights]");
        },
      );

      await step("changing the seed after training asks first", async () => {
        await page.evaluate(() => playground.step(2));
        const before = await state(page);
        await page.fill("#seed", "77");
        await page.dispatchEvent("#seed", "change");
        assert(await page.isVisible("#confirm"));
        assert.match(await page.innerText("#confirm"), /discards the \d+ iterations/);
        await page.click("#confirm >> text=keep training");
        assert.equal((await state(page)).iteration, before.iteration);
        assert.equal(await page.inputValue("#seed"), String(before.seed));
        await page.fill("#seed", "77");
        await page.dispatchEvent("#seed", "change");
        await page.click("#confirm >> text=start over");
        await page.waitForFunction(() =>
          playground.state().seed === 77 && playground.state().iteration === 0
        );
        assert.equal((await state(page)).iteration, 0);
        await page.evaluate(() => playground.set({ seed: 3 }));
      });

      await step(
        "nothing is clipped at 390, 1366 and 1920 px; axe-core finds no serious violation",
        async () => {
          await page.evaluate(() => playground.step(5));
          await page.click("#evaluate");
          await page.waitForSelector("#confusion svg, #confusion figure");
          for (const screen of SCREENS) {
            await page.setViewportSize(screen);
            await page.evaluate(() => playground.step(1)); // redrawn at this width
            await page.fill("#pick", "3");
            await page.dispatchEvent("#pick", "change");
            await page.waitForTimeout(400);
            assert.deepEqual(await clipped(page), [], `${screen.width} px`);
            assert.deepEqual(await axe(page), [], `axe at ${screen.width} px`);
          }
          await page.setViewportSize({ width: 1280, height: 720 });
        },
      );

      await step({
        name:
          "a model whose weights overflow: the page throws DivergenceError and advises to fit the cause",
        fn: async () => {
          const json = await page.evaluate(() => playground.model());
          json.hidden_layer.weights = json.hidden_layer.weights.map((row) =>
            row.map((w) => w * 1e12)
          );
          await page.evaluate((json) => playground.load(json), json);
          assert(await page.isVisible("#provenance"));
          const error = await page.evaluate(() =>
            playground.step(3).then(() => "", (e) => `${e.name}: ${e.message}`)
          );
          assert.match(error, /^DivergenceError: training diverged/);
          const notice = await page.innerText("#notice");
          assert.match(notice, /far too large/);
          await page.evaluate(() => playground.set({ seed: 4 }));
          assert(!await page.isVisible("#provenance"), "a fresh start: the address reproduces it");
          await page.evaluate(() => playground.set({ seed: 3 }));
        },
      });

      await step("the static build loads cleanly without isolation, on one thread", async () => {
        const url = `http://127.0.0.1:${plain.addr.port}/playground/?lr=0.5&seed=3`;
        const wasm: string[] = [];
        const built = await open(browser, url, (r) => wasm.push(new URL(r).pathname));
        const s = await state(built.page);
        assert.equal(s.threads, 1);
        assert.equal(await built.page.evaluate(() => typeof SharedArrayBuffer), "undefined");
        assert(
          wasm.includes("/playground/kernels-unshared.wasm") &&
            !wasm.includes("/playground/kernels.wasm"),
          `${wasm}`,
        );
        assert((await built.page.textContent("#engine"))!.includes("1 thread"));
        await built.page.evaluate(() => playground.step(50));
        assert.equal((await state(built.page)).loss, full.loss, "one thread computes what two do");
        await built.page.evaluate(() =>
          playground.set({ learningRate: 0.1, seed: 5, batchSize: 100, hidden: 12 })
        );
        await built.page.evaluate(() => playground.step(50));
        assert.equal((await state(built.page)).loss, mini.loss);
        assert.deepEqual(built.problems, []);
        await built.page.close();
      });
    } finally {
      await browser.close();
      await plain.shutdown();
      await server.stop();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
