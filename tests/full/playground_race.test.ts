/**
 * The playground's race: its place in the URL, then the page in headless Chromium, where a
 * race of runs differing in learning rate, seed and start is trained as one bank, and each
 * run's loss is the one `deno task train` prints for the command the page shows (bit for bit,
 * full batch and mini-batches).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import type { Playground } from "../../playground/api.ts";
import { CHROMIUM, hasChromium, launchChromium } from "../../tools/browser.ts";
import type { RaceState } from "../../playground/race.ts";
import {
  DEFAULTS,
  queryFromSettings,
  raceProblem,
  type RaceRun,
  readQuery,
} from "../../playground/settings.ts";
import { serveSite } from "../../site/server.ts";
import { ROOT } from "../helpers.ts";
import { axe, pageProblems, startSite, task } from "./site.ts";

// ---- the race in the URL

Deno.test("the race round-trips through the address; a list of one value goes to every run", () => {
  const runs: RaceRun[] = [
    { learningRate: 0.5, seed: 3, start: "uniform" },
    { learningRate: 0.1, seed: 3, start: "he" },
    { learningRate: 0.1, seed: 4, start: "uniform" },
  ];
  const query = queryFromSettings(DEFAULTS, runs);
  assert.equal(
    query,
    "?lr=0.25&hidden=10&batch=full&seed=1&race=lr:0.5,0.1,0.1;seed:3,3,4;start:uniform,he,uniform",
  );
  assert.deepEqual(readQuery(query), { settings: DEFAULTS, race: runs, notices: [] });
  assert.equal(queryFromSettings(DEFAULTS, []), queryFromSettings(DEFAULTS));
  // what a run leaves out is the page's learning rate or seed, and the uniform start
  const { race } = readQuery("?lr=0.3&seed=9&race=start:uniform,he");
  assert.deepEqual(race, [
    { learningRate: 0.3, seed: 9, start: "uniform" },
    { learningRate: 0.3, seed: 9, start: "he" },
  ]);
  assert.equal(readQuery("?race=seed:1,2;lr:0.5").race.length, 2);
});

Deno.test("a race the address cannot hold is said, naming the race and its bad part", () => {
  const cases: [string, RegExp][] = [
    ["?race=lr:abc", /race=lr:abc has lr abc, not a learning rate from 0\.001 to 10/],
    ["?race=lr:0.5,20", /has lr 20, not a learning rate/],
    ["?race=seed:1.5", /has seed 1\.5, not a whole number/],
    ["?race=start:xavier", /has start xavier, not uniform or he/],
    ["?race=speed:3", /has speed:3, which is not lr:…, seed:… or start:…/],
    ["?race=lr:1,2,3,4,5", /has 5 runs, more than 4/],
    ["?race=lr:1,2;seed:1,2,3", /gives lr 2 values for 3 runs/],
    ["?race=lr:1;lr:2", /gives lr twice/],
    ["?batch=100&race=seed:1,2", /cannot be raced: with mini-batches the runs take one seed/],
  ];
  for (const [query, notice] of cases) {
    const { race, notices } = readQuery(query);
    assert.deepEqual(race, [], query);
    assert.equal(notices.length, 1, `${query}: ${notices}`);
    assert.match(notices[0], notice);
    assert.match(notices[0], /^The address's race=.*No race is set up\.$/);
  }
  assert.deepEqual(readQuery("?race=").notices, []);
  // mini-batches with one seed are fine
  assert.equal(raceProblem([{ learningRate: 0.5, seed: 2, start: "he" }], 100), undefined);
});

// ---- the page in Chromium

declare const playground: Playground;

async function open(browser: Browser, url: string): Promise<{ page: Page; problems: string[] }> {
  // bypassCSP: axe-core is added to the page (the site's policy allows only its own scripts)
  const page = await browser.newPage({ bypassCSP: true });
  const problems = pageProblems(page);
  await page.goto(url);
  await page.evaluate(() => playground.ready);
  return { page, problems };
}

const raceState = (page: Page): Promise<RaceState> => page.evaluate(() => playground.raceState());

/** Each run's command run with --json: its loss and accuracy are the race's, bit for bit. */
async function assertCommandsReproduce(page: Page, tmp: string): Promise<void> {
  const s = await raceState(page);
  const shown = (await page.textContent("#race-commands"))!.split("\n");
  assert.deepEqual(shown, s.runs.map((r) => r.command));
  const cli = await Promise.all(s.runs.map(async (run, k) => {
    const args = run.command!.split(" ").slice(2, -2); // train …, without --out run-k.json
    assert.equal(args[0], "train");
    return JSON.parse(await task(...args, "--json", "--out", join(tmp, `run-${k + 1}.json`)));
  }));
  s.runs.forEach((run, k) => {
    assert.equal(cli[k].iterations, s.iteration);
    assert.equal(run.loss, cli[k].loss, `${run.label}: the loss of its command`);
    if (s.batchSize === 60000) assert.equal(run.accuracy, cli[k].accuracy, run.label);
  });
}

Deno.test({
  name: "the race in Chromium" + (hasChromium() ? "" : ` (skipped: no browser at ${CHROMIUM})`),
  ignore: !hasChromium(),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const tmp = await Deno.makeTempDir({ prefix: "playground-race-" });
    const site = await startSite();
    const built = join(tmp, "site");
    await task("book:build", "--out", built);
    const plain = serveSite(built, { hostname: "127.0.0.1", port: 0, isolated: false });
    const browser = await launchChromium();
    const url = `${site.url}playground/`;
    try {
      const race = "lr:0.5,0.5,0.1;seed:3,4,3;start:uniform,uniform,he";
      const { page, problems } = await open(browser, `${url}?race=${race}`);

      await step(t, "the address's race is set up: three runs, their rows and legend", async () => {
        assert.equal(await page.evaluate(() => playground.state().threads), 2);
        const s = await raceState(page);
        assert.equal(s.iteration, 0);
        assert.deepEqual(
          s.runs.map((r) => [r.learningRate, r.seed, r.start]),
          [[0.5, 3, "uniform"], [0.5, 4, "uniform"], [0.1, 3, "he"]],
        );
        assert.deepEqual([s.hidden, s.batchSize], [10, 60000]);
        // iteration 0 is measured: the uniform start's loss is far above He's
        assert(s.runs.every((r) => Number.isFinite(r.loss)));
        assert(s.runs[0].loss > s.runs[2].loss, `${s.runs[0].loss} vs ${s.runs[2].loss}`);
        assert.equal(await page.locator("#race-runs tbody tr").count(), 3);
        assert.deepEqual(await page.locator("#race-legend li").allInnerTexts(), [
          "run 1: η 0.5, seed 3, uniform",
          "run 2: η 0.5, seed 4, uniform",
          "run 3: η 0.1, seed 3, He",
        ]);
        assert.match(await page.innerText("#race-commands"), /Nothing raced yet/);
        assert.ok(new URL(page.url()).search.endsWith(`&race=${race}`), page.url());
      });

      await step(t, "20 iterations: each run's loss is its `deno task train`'s", async () => {
        await page.evaluate(() => playground.raceStep(20));
        const s = await raceState(page);
        assert.equal(s.iteration, 20);
        assert.equal(
          s.runs[2].command,
          "deno task train --iterations 20 --learning-rate 0.1 --hidden 10 --seed 3 " +
            "--start he --out run-3.json",
        );
        await assertCommandsReproduce(page, tmp);
        // the charts are one named image each, with every run's last loss
        const label = await page.getAttribute("#race-loss-chart > [role=img]", "aria-label");
        assert.match(label!, /^Training loss by iteration, 3 runs: run 1: η 0\.5, seed 3/);
        assert.ok(label!.includes(`${s.runs[2].loss.toFixed(4)} at iteration 20`), label!);
        const accuracy = await page.getAttribute(
          "#race-accuracy-chart > [role=img]",
          "aria-label",
        );
        assert.match(accuracy!, /^Training accuracy by iteration, 3 runs/);
        // three lines of three colours
        const strokes = await page.locator("#race-loss-chart svg [stroke^='#']").evaluateAll(
          (marks) => [...new Set(marks.map((m) => m.getAttribute("stroke")))],
        );
        assert.equal(strokes.length, 3, `${strokes}`);
      });

      await step(t, "play races until pause; the main run is not touched", async () => {
        const main = await page.evaluate(() => playground.state().iteration);
        const before = (await raceState(page)).iteration;
        await page.click("#race-play");
        await page.waitForFunction((n) => playground.raceState().iteration >= n + 3, before);
        await page.click("#race-play");
        await page.waitForFunction(() => !playground.raceState().running);
        assert.equal(await page.evaluate(() => playground.state().iteration), main);
        await assertCommandsReproduce(page, tmp);
      });

      await step(t, "a mini-batch race of learning rates and starts, with one seed", async () => {
        // a batch with the three runs' two seeds ends the race, and says why
        await page.evaluate(() => playground.set({ batchSize: 100 }));
        await page.waitForFunction(() => playground.raceState().runs.length === 0);
        assert.match(await page.innerText("#race-notice"), /race has ended: .*one seed/);
        await page.evaluate(() =>
          playground.race([
            { learningRate: 0.1, seed: 5 },
            { learningRate: 0.3, seed: 5 },
            { learningRate: 0.1, seed: 5, start: "he" },
            { learningRate: 0.05, seed: 5, start: "he" },
          ])
        );
        assert(!await page.isVisible("#race-notice"));
        await page.evaluate(() => playground.raceStep(30));
        const s = await raceState(page);
        assert.deepEqual([s.iteration, s.batchSize, s.runs.length], [30, 100, 4]);
        assert.match(s.runs[3].command!, /--batch-size 100 --start he --out run-4\.json$/);
        await assertCommandsReproduce(page, tmp);
        assert.equal(await page.isDisabled("#race-add"), true, "four runs at most");
        const refused = await page.evaluate(() =>
          playground.race([{ seed: 1 }, { seed: 2 }]).then(() => "", (e) => String(e))
        );
        assert.match(refused, /RangeError: race: with mini-batches the runs take one seed/);
      });

      await step(t, "the rows change the race: a learning rate typed, a run removed", async () => {
        await page.fill(
          "#race-runs tr[data-run='1'] input[aria-label=\"run 2's learning rate η\"]",
          "0.2",
        );
        await page.dispatchEvent(
          "#race-runs tr[data-run='1'] input[aria-label=\"run 2's learning rate η\"]",
          "change",
        );
        await page.waitForFunction(() =>
          playground.raceState().runs[1]?.learningRate === 0.2 &&
          playground.raceState().iteration === 0
        );
        await page.click("#race-runs tr[data-run='3'] button");
        await page.waitForFunction(() => playground.raceState().runs.length === 3);
        assert.ok(
          new URL(page.url()).search.includes(
            "race=lr:0.1,0.2,0.1;seed:5;start:uniform,uniform,he",
          ),
          page.url(),
        );
        assert.equal(await page.isDisabled("#race-add"), false);
      });

      await step(t, "axe-core finds no serious violation at 1280 and 390 px", async () => {
        await page.evaluate(() => playground.raceStep(5));
        assert.deepEqual(await axe(page), [], "axe with a race, at 1280 px");
        await page.setViewportSize({ width: 390, height: 844 });
        await page.evaluate(() => playground.raceStep(1)); // redrawn at this width
        await page.waitForTimeout(300);
        const past = await page.evaluate(() =>
          [...document.querySelectorAll("#race *")]
            .filter((e) => !e.closest(".scroll") && e.getBoundingClientRect().right > 391)
            .map((e) => e.id || e.tagName)
        );
        assert.deepEqual(past, [], "past the screen at 390 px");
        assert.deepEqual(await axe(page), [], "axe with a race, at 390 px");
        await page.setViewportSize({ width: 1280, height: 720 });
      });

      await step(t, "a run whose loss blows up leaves the race; the others go on", async () => {
        await page.evaluate(() => playground.set({ batchSize: 0 }));
        await page.evaluate(() =>
          playground.race([{ learningRate: 10, seed: 3, start: "he" }, {
            learningRate: 0.5,
            seed: 3,
          }])
        );
        await page.evaluate(() => playground.raceStep(10));
        const s = await raceState(page);
        assert.equal(s.iteration, 10);
        assert.equal(s.runs[0].diverged?.iteration, 3);
        assert(!(s.runs[0].loss <= 100 * Math.log(10)), `${s.runs[0].loss}`);
        assert.equal(s.runs[0].command, undefined);
        assert.match(
          await page.innerText("#race-runs tr[data-run='0'] .now"),
          /diverged at iteration 3/,
        );
        const commands = (await page.innerText("#race-commands")).split("\n");
        assert.match(commands[0], /^# run 1 diverged at iteration 3: deno task train stops there/);
        assert.equal(commands[1], s.runs[1].command);
        // the same setting stops `deno task train` at the same iteration
        const { code, stderr } = await new Deno.Command(Deno.execPath(), {
          args: [
            "task",
            "-q",
            "train",
            "--iterations",
            "10",
            "--learning-rate",
            "10",
            "--seed",
            "3",
            "--start",
            "he",
            "--out",
            join(tmp, "diverged.json"),
          ],
          cwd: ROOT,
          stdout: "null",
          stderr: "piped",
        }).output();
        assert.equal(code, 1);
        assert.match(new TextDecoder().decode(stderr), /training diverged at iteration 3/);
        const args = s.runs[1].command!.split(" ").slice(2, -2);
        const cli = JSON.parse(await task(...args, "--json", "--out", join(tmp, "on.json")));
        assert.equal(s.runs[1].loss, cli.loss, "the run that stayed");
      });

      await step(t, "an address with a bad race says so and sets none up", async () => {
        const bad = await open(browser, `${url}?race=lr:0.5,abc`);
        assert.match(
          await bad.page.innerText("#address-notices"),
          /race=lr:0\.5,abc has lr abc, not a learning rate from 0\.001 to 10\. No race is set up\./,
        );
        assert.equal((await raceState(bad.page)).runs.length, 0);
        assert.match(await bad.page.innerText("#race-status"), /No race yet/);
        assert.deepEqual(bad.problems, []);
        await bad.page.close();
      });

      await step(t, "the static build races on one thread, with the same losses", async () => {
        const at = `http://127.0.0.1:${plain.addr.port}/playground/?race=${race}`;
        const one = await open(browser, at);
        assert.equal(await one.page.evaluate(() => playground.state().threads), 1);
        await one.page.evaluate(() => playground.raceStep(20));
        await assertCommandsReproduce(one.page, tmp);
        assert.deepEqual(one.problems, []);
        await one.page.close();
      });

      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
      await plain.shutdown();
      await site.stop();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

/** PLAYGROUND_TEST_ONLY=regex runs only the browser steps whose names match (while developing). */
const ONLY = Deno.env.get("PLAYGROUND_TEST_ONLY");
function step(t: Deno.TestContext, name: string, fn: () => Promise<void>) {
  return t.step({ name, fn, ignore: ONLY !== undefined && !new RegExp(ONLY).test(name) });
}
