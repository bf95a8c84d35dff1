/**
 * Running the tasks as a user runs them (a subprocess per call), and the one check of a
 * refused run (failsCleanly), shared by cli.test.ts and nothing_lost.test.ts.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT } from "./helpers.ts";

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A run still going after this is killed (an input that never ends would hold it forever). */
const KILL_AFTER_MS = 90_000;

const decode = (b: Uint8Array) => new TextDecoder().decode(b);

export function task(name: string, ...args: string[]): Promise<Run> {
  return spawn(Deno.execPath(), ["run", "-A", join(ROOT, "cli", `${name}.ts`), ...args], ROOT);
}

/**
 * Runs a bash script in `cwd`, for what only a shell does (redirections, closed or full
 * streams, ulimit, names that are not UTF-8); `$TASK name` runs a task there.
 */
export function shell(script: string, cwd: string): Promise<Run> {
  const TASK = `TASK() { "${Deno.execPath()}" run -A "${ROOT}/cli/$1.ts" "\${@:2}"; }`;
  return spawn("bash", ["-c", `${TASK}\n${script}`], cwd);
}

async function spawn(command: string, args: string[], cwd: string): Promise<Run> {
  const out = await new Deno.Command(command, {
    args,
    cwd,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(KILL_AFTER_MS),
  }).output();
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

/** Exit 1, and stderr's last line is the one `error: …` line matching `pattern`, with no stack. */
export function assertUserError(r: Run, pattern: RegExp) {
  assert.equal(r.code, 1, `exit code ${r.code}; stderr: ${r.stderr}`);
  const lines = r.stderr.trimEnd().split("\n");
  const last = lines.at(-1)!;
  assert.match(last, /^error: /, r.stderr);
  assert.match(last, pattern);
  assert.ok(!/^\s+at /m.test(r.stderr), `stack trace in stderr: ${r.stderr}`);
}

/** Every entry under `dir`: a file's SHA-256, a link's target, or what else it is. */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string) => {
    for await (const e of Deno.readDir(d)) {
      const p = join(d, e.name);
      const info = await Deno.lstat(p);
      const key = p.slice(dir.length + 1);
      if (info.isSymlink) out[key] = `link → ${await Deno.readLink(p)}`;
      else if (info.isDirectory) {
        out[key] = "folder";
        await walk(p);
      } else if (info.isFile) {
        const hash = await crypto.subtle.digest("SHA-256", await Deno.readFile(p));
        out[key] = Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, "0")).join(
          "",
        );
      } else out[key] = info.isFifo ? "fifo" : info.isCharDevice ? "char device" : "other";
    }
  };
  await walk(dir);
  return out;
}

/**
 * A refused run ends before the long work: far sooner than these seconds, which a run that
 * read all the data and trained first would exceed (a generous bound for a busy machine).
 */
export const REFUSED_WITHIN_SECONDS = 20;

/**
 * The one check of a refused run: exit status 1, `error: …` matching `pattern` as the only
 * line on stderr (no progress line: no work was started; no stack trace; no raw control
 * bytes), every entry under `dir` as it was byte for byte, and a failure within `within`
 * seconds. With `afterWork`, progress lines may come before the error line.
 */
export async function failsCleanly(
  name: string,
  args: string[],
  pattern: RegExp,
  { dir, within = REFUSED_WITHIN_SECONDS, afterWork = false }: {
    dir: string;
    within?: number;
    afterWork?: boolean;
  },
): Promise<Run> {
  const before = await snapshot(dir);
  const t0 = performance.now();
  const r = await task(name, ...args);
  const seconds = (performance.now() - t0) / 1000;
  assertUserError(r, pattern);
  if (!afterWork) assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
  // deno-lint-ignore no-control-regex
  assert.ok(!/[\x00-\x08\x0b-\x1f\x7f]/.test(r.stderr), `raw control bytes: ${r.stderr}`);
  assert.deepEqual(await snapshot(dir), before, "what is on disk is left as it was");
  assert.ok(seconds < within, `failed after ${seconds.toFixed(1)} s`);
  return r;
}
