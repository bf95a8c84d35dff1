/**
 * Watching a page's main thread, for the measuring tasks: the longest gap between two frames
 * and the long tasks (over 50 ms) that Chromium reports.
 */
import type { Page } from "playwright-core";

/** What one watch of the main thread saw. */
export interface MainThreadWatch {
  /** The longest time between two animation frames, in ms. */
  maxGap: number;
  /** The longest task, in ms (0 when none lasted over 50 ms). */
  longestTask: number;
  /** How many tasks lasted over 50 ms. */
  longTasks: number;
}

declare global {
  /** Starts a watch in the page; the function it returns stops it and tells what it saw. */
  var mainThreadWatch: () => () => MainThreadWatch;
}

function install() {
  globalThis.mainThreadWatch = () => {
    let last = performance.now(), maxGap = 0, running = true;
    const frame = (now: number) => {
      maxGap = Math.max(maxGap, now - last);
      last = now;
      if (running) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    const durations: number[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) durations.push(e.duration);
    });
    observer.observe({ type: "longtask" });
    return () => {
      running = false;
      observer.disconnect();
      return { maxGap, longestTask: Math.max(0, ...durations), longTasks: durations.length };
    };
  };
}

/**
 * Gives the page (and every page it navigates to) `mainThreadWatch()`, to call inside
 * `page.evaluate`: the watch runs in the page, where the frames are.
 */
export async function watchMainThread(page: Page): Promise<void> {
  await page.addInitScript(install);
  await page.evaluate(install);
}
