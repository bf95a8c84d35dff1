/**
 * `deno task playground:screenshot [FILE]`: the README's picture of the playground, taken
 * from the real page (built, served with COOP/COEP, headless Chromium): 300 iterations at
 * η = 0.5, then a digit drawn on the pad. Default FILE: resources/playground.png.
 */
import { launchChromium } from "./browser.ts";
import { buildSite } from "../site/build.ts";
import { serveSite } from "../site/server.ts";
import type { Playground } from "./api.ts";

/** window.playground as the page's functions see it. */
declare const playground: Playground;

const out = Deno.args[0] ?? "resources/playground.png";
const site = await Deno.makeTempDir({ prefix: "playground-screenshot-" });
await buildSite(site);
const server = serveSite(site, { hostname: "127.0.0.1", port: 0, isolated: true });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.goto(
    `http://127.0.0.1:${server.addr.port}/playground/?lr=0.5&hidden=10&batch=full&seed=1`,
  );
  await page.evaluate(() => playground.ready);
  await page.evaluate(() => playground.step(300));
  // a "2" drawn with the mouse, as a learner would
  await page.locator("#pad").scrollIntoViewIfNeeded();
  const box = (await page.locator("#pad").boundingBox())!;
  const points = [[0.3, 0.3], [0.45, 0.2], [0.62, 0.27], [0.6, 0.45], [0.35, 0.75], [0.7, 0.75]];
  const at = ([x, y]: number[]) => [box.x + x * box.width, box.y + y * box.height] as const;
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 6 });
  await page.mouse.up();
  await page.waitForTimeout(300);
  await page.evaluate(() => scrollTo(0, 0));
  await page.screenshot({ path: out, fullPage: true });
  console.log(`screenshot written to ${out}`);
} finally {
  await browser.close();
  await server.shutdown();
  await Deno.remove(site, { recursive: true });
}
