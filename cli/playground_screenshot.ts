/**
 * `deno task playground:screenshot [FILE]`: the pictures of the playground, taken from the real
 * page (built, served with COOP/COEP, headless Chromium) at the three screens it is made for:
 * 300 iterations at η = 0.5, then a digit drawn on the pad (and added to "your own digits" as a
 * 2), the weight maps showing their change since the start. FILE (default
 * resources/playground.png) is the 1366-px desktop; beside it FILE-390.png (a phone) and
 * FILE-1920.png (a large desktop).
 */
import type { Page } from "playwright-core";
import { launchChromium } from "../tools/browser.ts";
import { buildSite } from "../site/build.ts";
import { serveSite } from "../site/server.ts";
import type { Playground } from "../playground/api.ts";

/** window.playground as the page's functions see it. */
declare const playground: Playground;

const out = Deno.args[0] ?? "resources/playground.png";
const SCREENS = [
  { width: 1366, height: 768, file: out },
  { width: 390, height: 844, file: out.replace(/\.png$/, "") + "-390.png" },
  { width: 1920, height: 1080, file: out.replace(/\.png$/, "") + "-1920.png" },
];

/** A "2" drawn with the mouse, as a learner would. */
async function drawTwo(page: Page): Promise<void> {
  await page.locator("#pad").scrollIntoViewIfNeeded();
  const box = (await page.locator("#pad").boundingBox())!;
  const points = [[0.3, 0.3], [0.45, 0.2], [0.62, 0.27], [0.6, 0.45], [0.35, 0.75], [0.7, 0.75]];
  const at = ([x, y]: number[]) => [box.x + x * box.width, box.y + y * box.height] as const;
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 6 });
  await page.mouse.up();
}

const site = await Deno.makeTempDir({ prefix: "playground-screenshot-" });
await buildSite(site);
const server = serveSite(site, { hostname: "127.0.0.1", port: 0, isolated: true });
const browser = await launchChromium();
try {
  for (const { width, height, file } of SCREENS) {
    const page = await browser.newPage({ viewport: { width, height } });
    await page.goto(
      `http://127.0.0.1:${server.addr.port}/playground/?lr=0.5&hidden=10&batch=full&seed=1`,
    );
    await page.evaluate(() => playground.ready);
    await page.evaluate(() => playground.step(300));
    await drawTwo(page);
    await page.evaluate(() => playground.addDigit(2));
    // the maps as the change since the start: the strokes learned, not the random start
    await page.check("[name=weights-view][value=change]");
    await page.waitForTimeout(500);
    await page.evaluate(() => scrollTo(0, 0));
    await page.screenshot({ path: file, fullPage: true });
    console.log(`screenshot (${width} px) written to ${file}`);
    await page.close();
  }
} finally {
  await browser.close();
  await server.shutdown();
  await Deno.remove(site, { recursive: true });
}
