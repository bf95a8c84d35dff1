/**
 * `deno task book:screenshot [FILE]`: the README's picture of a notebook page, taken from the
 * real page (built, served with COOP/COEP, headless Chromium): notebook 03 after Run all,
 * scrolled to its first picture. Default FILE: resources/book.png.
 */
import { launchChromium } from "../tools/browser.ts";
import { buildSite } from "../site/build.ts";
import { serveSite } from "../site/server.ts";
import { readNotebooks } from "../book/build.ts";
import type { BookApi } from "../book/page.ts";

declare const book: BookApi;

const out = Deno.args[0] ?? "resources/book.png";
const site = await Deno.makeTempDir({ prefix: "book-screenshot-" });
await buildSite(site);
const server = serveSite(site, { hostname: "127.0.0.1", port: 0, isolated: true });
const browser = await launchChromium();
try {
  const name = (await readNotebooks()).map((n) => n.name).find((n) => n.startsWith("03"))!;
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.goto(`http://127.0.0.1:${server.addr.port}/notebooks/${name}.html`);
  await page.evaluate(() => book.ready);
  await page.evaluate(() => book.runAll());
  // the first code cell with a picture, its source and output in view
  await page.evaluate(() => {
    const img = document.querySelector(".cell.code .outputs img")!;
    const cell = img.closest(".cell")!;
    scrollTo(0, cell.getBoundingClientRect().top + scrollY - 60);
  });
  await page.waitForTimeout(200);
  await page.screenshot({ path: out });
  console.log(`screenshot written to ${out}`);
} finally {
  await browser.close();
  await server.shutdown();
  await Deno.remove(site, { recursive: true });
}
