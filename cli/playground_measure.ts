/**
 * `deno task playground:measure`: the playground's speed, in one run on this machine.
 * - a full-batch iteration on the 60,000 digits: the fast engine under Deno (as `deno task
 *   bench` times it) against the page in headless Chromium (two threads, served with
 *   COOP/COEP), in alternated rounds; the page's figure is (time of step(1 + N) − step(1)) / N,
 *   so the one update sent at the end of a step is left out (the test accuracy the page
 *   measures every ten iterations stays in);
 * - iterations per second while the page plays (what a learner sees, updates included);
 * - the page's load time over localhost once its files are in the browser's cache;
 * - the longest main-thread stall while it plays (long tasks and requestAnimationFrame gaps).
 */
import { loadMnist } from "../lib/io/mnist.ts";
import { fastEngine } from "../lib/engines/fast/trainer.ts";
import { initNetwork } from "../lib/maths/init.ts";
import { createRng } from "../lib/maths/random.ts";
import { launchChromium } from "../tools/browser.ts";
import { watchMainThread } from "../tools/main_thread.ts";
import { buildSite } from "../site/build.ts";
import { serveSite } from "../site/server.ts";
import type { Playground } from "../playground/api.ts";

const N = 20;
/** Alternated rounds: the machine is shared, so single figures are noisy. */
const ROUNDS = 4;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** window.playground as the page's functions see it. */
declare const playground: Playground;

async function denoIteration(): Promise<number> {
  const train = await loadMnist("train");
  const engine = await fastEngine(initNetwork(createRng(1), 10), train);
  for (let i = 0; i < 3; i++) await engine.iterate(0.25);
  const times: number[] = [];
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await engine.iterate(0.25);
    times.push(performance.now() - t);
  }
  engine.dispose();
  return median(times);
}

const site = await Deno.makeTempDir({ prefix: "playground-measure-" });
await buildSite(site);
const server = serveSite(site, { hostname: "127.0.0.1", port: 0, isolated: true });
const url = `http://127.0.0.1:${server.addr.port}/playground/`;
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  let t = performance.now();
  await page.goto(url);
  await page.evaluate(() => playground.ready);
  const firstLoad = performance.now() - t;
  t = performance.now();
  await page.reload();
  await page.evaluate(() => playground.ready);
  const cachedLoad = performance.now() - t;

  const pageIteration = () =>
    page.evaluate(async (n) => {
      await playground.step(3); // warm-up
      const times: number[] = [];
      for (let k = 0; k < 3; k++) {
        let t = performance.now();
        await playground.step(1);
        const one = performance.now() - t;
        t = performance.now();
        await playground.step(1 + n);
        times.push((performance.now() - t - one) / n);
      }
      return times.sort((a, b) => a - b)[1];
    }, N);

  const deno: number[] = [], chromium: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    deno.push(await denoIteration());
    chromium.push(await pageIteration());
  }

  // playing: iterations per second and the main thread's longest stall (and, for scale,
  // the longest frame gap over as long a time with the page idle)
  await watchMainThread(page);
  const play = await page.evaluate(async () => {
    const idle = mainThreadWatch();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const idleGap = idle().maxGap;
    const playing = mainThreadWatch();
    const from = playground.state().iteration, t = performance.now();
    playground.play();
    await new Promise((resolve) => setTimeout(resolve, 6000));
    await playground.pause();
    const watched = playing();
    const seconds = (performance.now() - t) / 1000;
    return {
      idleGap,
      iterationsPerSecond: (playground.state().iteration - from) / seconds,
      maxFrameGap: watched.maxGap,
      longestTask: watched.longestTask,
      longTasks: watched.longTasks,
    };
  });

  const d = median(deno), c = median(chromium);
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  console.log(`full-batch iteration, 60,000 digits, hidden 10 (median of ${N}, ${ROUNDS} rounds):`);
  console.log(`  deno (fast engine, as deno task bench):  ${deno.map(ms).join(", ")}`);
  console.log(`  chromium page (fast engine in a worker): ${chromium.map(ms).join(", ")}`);
  console.log(`  page / deno (medians of the rounds): ${(c / d).toFixed(2)}×`);
  console.log(
    `while playing: ${play.iterationsPerSecond.toFixed(1)} iterations/s (${
      ms(1000 / play.iterationsPerSecond)
    } each, updates and pictures included)`,
  );
  console.log(
    `main thread while playing: longest frame gap ${ms(play.maxFrameGap)}, longest task ${
      ms(play.longestTask)
    } (${play.longTasks} tasks over 50 ms); idle, the longest frame gap is ${ms(play.idleGap)}`,
  );
  console.log(`load to ready: first ${ms(firstLoad)}, after caching ${ms(cachedLoad)}`);
} finally {
  await browser.close();
  await server.shutdown();
  await Deno.remove(site, { recursive: true });
}
