/**
 * The playground's "your own digits" in headless Chromium, checked against the command-line
 * tasks: digits drawn in the page round-trip through `deno task evaluate --data`, and with them
 * mixed into the training set, "Reproduce this" shows the notebook cell (no command) that gets
 * the page's loss. (The command and the cell without them: tests/full/playground.test.ts.)
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { parseCsv } from "../../lib/data/csv.ts";
import type { Playground, PlaygroundState } from "../../playground/api.ts";
import { CHROMIUM, hasChromium, launchChromium } from "../../tools/browser.ts";
import { STORE_KEY } from "../../playground/digit_store.ts";
import { ROOT } from "../helpers.ts";
import { axe, pageProblems, startSite, task } from "./site.ts";

declare const playground: Playground;

async function open(browser: Browser, url: string): Promise<{ page: Page; problems: string[] }> {
  // bypassCSP: axe-core is added to the page (the site's policy allows only its own scripts)
  const context = await browser.newContext({ acceptDownloads: true, bypassCSP: true });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], {
    origin: new URL(url).origin,
  });
  const page = await context.newPage();
  const problems = pageProblems(page);
  await page.goto(url);
  await page.evaluate(() => playground.ready);
  return { page, problems };
}

const state = (page: Page): Promise<PlaygroundState> => page.evaluate(() => playground.state());

/** A stroke through `points` (fractions of the pad's size). */
async function draw(page: Page, points: [number, number][]): Promise<void> {
  await page.click("#clear");
  await page.locator("#pad").scrollIntoViewIfNeeded();
  const box = (await page.locator("#pad").boundingBox())!;
  const at = ([x, y]: [number, number]): [number, number] => [
    box.x + x * box.width,
    box.y + y * box.height,
  ];
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 5 });
  await page.mouse.up();
}

/** Strokes that look like digits, more or less (the model need not read them right). */
const STROKES: [number, [number, number][]][] = [
  [7, [[0.3, 0.25], [0.7, 0.25], [0.55, 0.5], [0.45, 0.8]]],
  [1, [[0.5, 0.15], [0.5, 0.85]]],
  [0, [[0.5, 0.2], [0.7, 0.35], [0.7, 0.65], [0.5, 0.8], [0.3, 0.65], [0.3, 0.35], [0.5, 0.2]]],
  [4, [[0.35, 0.2], [0.3, 0.55], [0.7, 0.55], [0.6, 0.3], [0.6, 0.85]]],
  [2, [[0.3, 0.3], [0.5, 0.2], [0.7, 0.35], [0.3, 0.8], [0.75, 0.8]]],
  [1, [[0.45, 0.2], [0.55, 0.8]]],
];

/**
 * Runs a notebook cell as a module (its `../lib/mod.ts` import pointed at lib/) in `cwd`: the
 * value it ends with (`last`, the last training record).
 */
async function runCell(cell: string, cwd: string): Promise<{ iteration: number; loss: number }> {
  const mod = pathToFileURL(join(ROOT, "lib", "mod.ts")).href;
  assert.ok(cell.includes(`import * as lib from "../lib/mod.ts";`), cell);
  const file = join(cwd, "cell.ts");
  await Deno.writeTextFile(
    file,
    cell.replace(`"../lib/mod.ts"`, JSON.stringify(mod)) + "\nconsole.log(JSON.stringify(last));\n",
  );
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", join(ROOT, "deno.json"), file],
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(stdout);
  assert.equal(code, 0, `the cell failed: ${new TextDecoder().decode(stderr)}`);
  return JSON.parse(text.trim().split("\n").at(-1)!);
}

const shown = (page: Page) => page.evaluate(() => playground.reproduction());

Deno.test({
  name: "playground: your own digits, in Chromium" +
    (hasChromium() ? "" : ` (skipped: no browser at ${CHROMIUM})`),
  ignore: !hasChromium(),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const tmp = await Deno.makeTempDir({ prefix: "playground-digits-test-" });
    const site = await startSite();
    const browser = await launchChromium();
    try {
      const { page, problems } = await open(browser, `${site.url}playground/`);

      await t.step("at iteration 0 there is nothing to reproduce yet", async () => {
        const r = await shown(page);
        assert.ok("reason" in r && !("cell" in r), JSON.stringify(r));
        assert.match(r.reason, /Nothing trained yet/);
        assert.equal(await page.isVisible("#reproduce-command"), false);
        assert.equal(await page.isVisible("#reproduce-cell"), false);
      });

      await t.step("a blank pad is refused with a notice", async () => {
        await page.click("#clear");
        await page.click('#mine-add button[data-label="3"]');
        await page.waitForFunction(() => !document.getElementById("notice")!.hidden);
        assert.match((await page.textContent("#notice"))!, /the pad is blank/);
        assert.equal((await page.evaluate(() => playground.myDigits())).count, 0);
      });

      await t.step("drawn digits, labelled, are kept, predicted and survive a reload", async () => {
        for (const [label, points] of STROKES) {
          await draw(page, points);
          await page.click(`#mine-add button[data-label="${label}"]`);
        }
        await page.waitForFunction(
          (n) => playground.myDigits().count === n && playground.myDigits().predictions !== null,
          STROKES.length,
        );
        const mine = await page.evaluate(() => playground.myDigits());
        assert.deepEqual(mine.labels, STROKES.map(([label]) => label));
        assert.equal(mine.use, "evaluate");
        assert.equal(mine.iteration, (await state(page)).iteration);
        assert.equal(
          mine.confusion.flat().reduce((a, b) => a + b, 0),
          STROKES.length,
          "every digit is in the matrix",
        );
        assert.match(
          (await page.textContent("#mine-status"))!,
          new RegExp(`accuracy on them ${mine.accuracy.toFixed(4)} \\(${mine.correct}/6\\)`),
        );
        assert.equal(await page.locator("#mine-list figure").count(), STROKES.length);
        // the list and its confusion matrix are named, and its labels readable
        assert.equal(await page.locator("#mine-confusion [role=img][aria-label]").count(), 1);
        assert.deepEqual(await axe(page), [], "axe with your digits listed");
        // on a phone, the list and the matrix stay within the screen
        await page.setViewportSize({ width: 390, height: 844 });
        await page.evaluate(() => playground.step(1));
        await page.waitForFunction(() => playground.myDigits().iteration === 1);
        const past = await page.evaluate(() =>
          [...document.querySelectorAll("#mine, #mine *")].filter((e) =>
            e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
          ).map((e) => e.id || `${e.tagName.toLowerCase()}.${e.getAttribute("class")}`)
        );
        assert.deepEqual(past, [], "past the screen at 390 px");
        assert.deepEqual(await axe(page), [], "axe with your digits listed, at 390 px");
        await page.setViewportSize({ width: 1280, height: 720 });
        await page.evaluate(() => playground.reset());
        const csv = await page.evaluate(() => playground.myDigitsCsv());
        await page.reload();
        await page.evaluate(() => playground.ready);
        const again = await page.evaluate(() => playground.myDigits());
        assert.deepEqual(again.labels, mine.labels);
        assert.equal(await page.evaluate(() => playground.myDigitsCsv()), csv);
      });

      await t.step("remove, undo, and a digit's pixels are the pad's as bytes", async () => {
        const before = await page.evaluate(() => playground.myDigitsCsv());
        await page.click('#mine-list button[aria-label^="remove digit #1 "]');
        await page.waitForFunction(() => playground.myDigits().count === 5);
        assert.deepEqual((await page.evaluate(() => playground.myDigits())).labels, [
          7,
          0,
          4,
          2,
          1,
        ]);
        await page.click("#mine-undo");
        await page.waitForFunction(() => playground.myDigits().count === 6);
        assert.equal(await page.evaluate(() => playground.myDigitsCsv()), before);
        // the last digit drawn is the pad's X, rounded to bytes
        await draw(page, STROKES[0][1]);
        const X: number[] = await page.evaluate(() =>
          JSON.parse(document.querySelector('[data-name="X"]')!.getAttribute("data-values")!)
        );
        await page.evaluate(() => playground.addDigit(7));
        const rows = parseCsv(await page.evaluate(() => playground.myDigitsCsv()), "mine");
        assert.deepEqual(
          Array.from(rows.images.subarray(6 * 784)),
          X.map((v) => Math.round(v * 255)),
        );
        await page.evaluate(() => playground.removeDigit(6));
      });

      await t.step(
        "downloaded, the digits evaluate in `deno task evaluate --data` as the page shows",
        async () => {
          await page.evaluate(() => playground.step(25));
          await page.waitForFunction(() =>
            playground.myDigits().iteration === playground.state().iteration
          );
          const mine = await page.evaluate(() => playground.myDigits());
          const save = async (button: string, name: string) => {
            const [download] = await Promise.all([
              page.waitForEvent("download"),
              page.click(button),
            ]);
            const path = join(tmp, name);
            await download.saveAs(path);
            return path;
          };
          const csv = await save("#mine-download", "my-digits.csv");
          const model = await save("#download", "model.json");
          assert.equal(
            await Deno.readTextFile(csv),
            await page.evaluate(() => playground.myDigitsCsv()),
          );
          const cli = JSON.parse(
            await task("evaluate", "--data", csv, "--weights", model, "--json"),
          );
          assert.equal(cli.total, 6);
          assert.equal(cli.correct, mine.correct);
          assert.equal(cli.accuracy, mine.accuracy);
          assert.deepEqual(cli.confusion_matrix, mine.confusion);
          const drawn = await page.evaluate(() =>
            JSON.parse(document.getElementById("mine-confusion")!.dataset.values!)
          );
          assert.deepEqual(drawn, cli.confusion_matrix);
        },
      );

      await t.step(
        "mixed into the training set: the run restarts, no command, the cell reproduces it",
        async () => {
          await page.evaluate(() => playground.set({ learningRate: 0.5, seed: 3 }));
          await page.evaluate(() => playground.step(10));
          const alone = (await state(page)).loss;
          const before = await shown(page);
          assert.ok("command" in before, JSON.stringify(before));
          assert.ok(!before.cell.includes("my-digits.csv"), before.cell);
          await page.click('input[name="mine-use"][value="train"]');
          await page.waitForFunction(() =>
            playground.myDigits().use === "train" && playground.state().iteration === 0
          );
          assert.equal((await state(page)).batchSize, 60006, "the full batch holds them too");
          await page.evaluate(() => playground.step(10));
          const s = await state(page);
          assert.notEqual(s.loss, alone, "the training set changed");
          const r = await shown(page);
          assert.ok("reason" in r && r.cell !== undefined, JSON.stringify(r));
          assert.match(r.reason, /Your 6 digits are mixed into the training set/);
          assert.match(r.cell, /lib\.concat\(await lib\.loadMnist\("train"\), mine\)/);
          await page.waitForFunction(() =>
            document.getElementById("reproduce-reason")!.textContent!.includes("Your 6 digits")
          );
          assert.equal(await page.isVisible("#reproduce-command"), false);
          assert.equal(await page.textContent("#reproduce-cell"), r.cell);
          // the cell reads my-digits.csv (downloaded above) beside it
          const last = await runCell(r.cell, tmp);
          assert.deepEqual([last.iteration, last.loss], [10, s.loss]);
          // the same loss without the digits: the cell trained on them
          assert.notEqual(last.loss, alone);
          await page.click('input[name="mine-use"][value="evaluate"]');
          await page.waitForFunction(() => playground.state().batchSize === 60000);
          await page.evaluate(() => playground.step(10));
          assert.equal((await state(page)).loss, alone, "evaluated only, the run is MNIST's again");
          assert.ok("command" in await shown(page));
        },
      );

      await t.step(
        "from a loaded model: no command",
        async () => {
          await page.setInputFiles("#load", join(tmp, "model.json"));
          await page.waitForFunction(() =>
            document.getElementById("evaluation")!.textContent!.includes("iteration 0")
          );
          await page.evaluate(() => playground.step(4));
          const r = await shown(page);
          assert.ok("reason" in r, JSON.stringify(r));
          assert.match(r.reason, /started from the file model\.json, not from the seed/);
          // a new seed starts from the seed's weights again: a command
          await page.evaluate(() => playground.set({ seed: 8 }));
          await page.evaluate(() => playground.step(2));
          const again = await shown(page);
          assert.ok("command" in again, JSON.stringify(again));
          assert.match(again.command, /--iterations 2 .*--seed 8 /);
        },
      );

      await t.step(
        "added from a CSV file; a bad file and damaged storage are refused, nothing lost",
        async () => {
          const csv = await page.evaluate(() => playground.myDigitsCsv());
          await page.setInputFiles("#mine-upload", join(tmp, "my-digits.csv"));
          await page.waitForFunction(() => playground.myDigits().count === 12);
          assert.equal(await page.evaluate(() => playground.myDigitsCsv()), csv + csv);
          // a file that is not the original's CSV: a notice naming it, the list unchanged
          const bad = join(tmp, "bad.csv");
          await Deno.writeTextFile(bad, "7,0,0\n");
          await page.setInputFiles("#mine-upload", bad);
          await page.waitForFunction(() => !document.getElementById("notice")!.hidden);
          assert.match((await page.textContent("#notice"))!, /bad\.csv/);
          assert.equal(await page.evaluate(() => playground.myDigitsCsv()), csv + csv);
          // remove all, then undo
          await page.click("#mine-clear");
          await page.waitForFunction(() => playground.myDigits().count === 0);
          await page.click("#mine-undo");
          await page.waitForFunction(() => playground.myDigits().count === 12);
          assert.equal(await page.evaluate(() => playground.myDigitsCsv()), csv + csv);
          // damaged text in the browser's storage is set aside, not overwritten
          const damaged = "7,1,2\nnot a digit\n";
          await page.evaluate(
            ([key, text]) => localStorage.setItem(key, text),
            [STORE_KEY, damaged],
          );
          await page.reload();
          await page.evaluate(() => playground.ready);
          assert.match((await page.textContent("#notice"))!, /damaged/);
          assert.equal((await page.evaluate(() => playground.myDigits())).count, 0);
          assert.equal(
            await page.evaluate((key) => localStorage.getItem(`${key}.damaged`), STORE_KEY),
            damaged,
          );
          assert.deepEqual(problems, []);
        },
      );
    } finally {
      await browser.close();
      await site.stop();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
