/**
 * What the browser tests of the site share: running a task, the site served by
 * `deno task book --port 0` at the URL it prints, and axe-core's verdict on a page.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { ConsoleMessage, Page } from "playwright-core";
import { ROOT } from "../helpers.ts";

/** `deno task -q …`, its stdout; a failure is an assertion naming the task. */
export async function task(...args: string[]): Promise<string> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  assert.equal(code, 0, `deno task ${args.join(" ")}: ${decode(stderr)}`);
  return decode(stdout);
}

/** `deno task book --port 0`, and the site's URL it prints (the book's contents page). */
export async function startSite(): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", "book", "--port", "0"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/http:\/\/\S+/.test(text)) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`deno task book exited: ${text}`);
    text += value;
  }
  return {
    url: text.match(/http:\/\/\S+/)![0],
    stop: async () => {
      child.kill("SIGTERM");
      await child.status;
      await reader.cancel();
    },
  };
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function axe(page: Page): Promise<string[]> {
  if (!await page.evaluate(() => "axe" in globalThis)) {
    await page.addScriptTag({ path: join(ROOT, "node_modules/axe-core/axe.min.js") });
  }
  return await page.evaluate(async () => {
    // deno-lint-ignore no-explicit-any
    const result = await (globalThis as any).axe.run(document);
    // deno-lint-ignore no-explicit-any
    return result.violations.filter((v: any) => v.impact === "serious" || v.impact === "critical")
      // deno-lint-ignore no-explicit-any
      .map((v: any) =>
        `${v.id} (${v.impact}): ${v.nodes.length} × ${v.nodes[0].target.join(" ")}: ${v.help}`
      );
  });
}

/** The page's console errors and uncaught errors, collected from now on as they happen. */
export function pageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (m: ConsoleMessage) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e: Error) => problems.push(`page error: ${e.message}`));
  return problems;
}
