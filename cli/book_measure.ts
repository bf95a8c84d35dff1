/**
 * `deno task book:measure [--write]`: the book's speed, in one run on this machine (the site
 * built and served with COOP/COEP, headless Chromium):
 * - a notebook page (06) showing its stored content after a reload with its files cached:
 *   first contentful paint and the load event;
 * - the kernel ready (its "ready" message), from the navigation's start, warm;
 * - Run all of every notebook in the page, and of notebook 06 under the Jupyter kernel
 *   (tools/nbrun.py --check, kernel start included) in the same run, as a ratio;
 * - the page's longest main-thread task and frame gap while 06 runs.
 * With --write, the Run all times go to book/times.json (the contents page shows them);
 * --only-06 leaves out the other notebooks.
 */
import { join } from "node:path";
import { launchChromium } from "../tools/browser.ts";
import { watchMainThread } from "../tools/main_thread.ts";
import { buildSite } from "../site/build.ts";
import { serveSite } from "../site/server.ts";
import { readNotebooks } from "../book/build.ts";
import type { BookApi } from "../book/page.ts";
import { ROOT } from "../book/modules.ts";

declare const book: BookApi;

const write = Deno.args.includes("--write");
/** --only-06: the load, the kernel and notebook 06 only (no Run all of the others). */
const only06 = Deno.args.includes("--only-06");
const site = await Deno.makeTempDir({ prefix: "book-measure-" });
await buildSite(site);
const server = serveSite(site, { hostname: "127.0.0.1", port: 0, isolated: true });
const base = `http://127.0.0.1:${server.addr.port}/notebooks/`;
const browser = await launchChromium();
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
try {
  const notebooks = (await readNotebooks()).map((n) => n.name);
  const training = notebooks.find((n) => n.startsWith("06"))!;
  const page = await browser.newPage();
  await page.goto(`${base}${training}.html`);
  await page.evaluate(() => book.ready);
  const warm: { paint: number; load: number; kernel: number }[] = [];
  for (let i = 0; i < 3; i++) {
    await page.reload();
    await page.evaluate(() => book.ready);
    warm.push(
      await page.evaluate(() => {
        const paint = performance.getEntriesByName("first-contentful-paint")[0];
        const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
        return {
          paint: paint?.startTime ?? NaN,
          load: nav.loadEventEnd,
          kernel: book.timings().kernelReady ?? NaN,
        };
      }),
    );
  }
  const middle = (k: "paint" | "load" | "kernel") => warm.map((w) => w[k]).sort((a, b) => a - b)[1];
  console.log(
    `${training} page, warm (median of 3 reloads): stored content painted at ${
      s(middle("paint"))
    }, load event ${s(middle("load"))}, kernel ready at ${s(middle("kernel"))}`,
  );

  // Run all of 06 with the main thread watched, then under Jupyter.
  await watchMainThread(page);
  const run = await page.evaluate(async () => {
    const stop = mainThreadWatch(), t = performance.now();
    await book.runAll();
    return { ms: performance.now() - t, ...stop() };
  });
  const jupyter = new Deno.Command("/usr/bin/python3", {
    args: ["tools/nbrun.py", "--check", `notebooks/${training}.ipynb`],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  });
  const t = performance.now();
  const out = await jupyter.output();
  const jupyterMs = performance.now() - t;
  const reported = new TextDecoder().decode(out.stdout).match(/\(([\d.]+) s, outputs match\)/);
  console.log(
    `Run all of ${training}: ${s(run.ms)} in the page; under Jupyter ${
      reported
        ? `${reported[1]} s (tools/nbrun.py's figure; ${s(jupyterMs)} with its start)`
        : "failed"
    }; page / Jupyter ${reported ? (run.ms / 1000 / Number(reported[1])).toFixed(2) : "?"}×`,
  );
  console.log(
    `main thread during it: longest task ${
      run.longestTask.toFixed(0)
    } ms (${run.longTasks} tasks over 50 ms), longest frame gap ${run.maxGap.toFixed(0)} ms`,
  );
  await page.close();

  const seconds: Record<string, number> = { [training]: Number((run.ms / 1000).toFixed(1)) };
  for (const name of notebooks.filter((n) => n !== training && !only06)) {
    const p = await browser.newPage();
    await p.goto(`${base}${name}.html`);
    await p.evaluate(() => book.ready);
    const ms = await p.evaluate(async () => {
      const t = performance.now();
      await book.runAll();
      return performance.now() - t;
    });
    seconds[name] = Number((ms / 1000).toFixed(1));
    await p.close();
  }
  console.log("Run all in the page, per notebook (s):", JSON.stringify(seconds));
  if (write && !only06) {
    const path = join(ROOT, "book", "times.json");
    await Deno.writeTextFile(
      path,
      JSON.stringify(
        {
          about:
            "Run all in the page, headless Chromium, written by deno task book:measure --write",
          measured: new Date().toISOString().slice(0, 10),
          seconds,
        },
        null,
        2,
      ) + "\n",
    );
    console.log(`written to ${path}`);
  }
} finally {
  await browser.close();
  await server.shutdown();
  await Deno.remove(site, { recursive: true });
}
