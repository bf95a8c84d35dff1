/**
 * Progress of long work on stderr: a redrawn bar when stderr is a terminal that can redraw
 * (not TERM=dumb), plain lines otherwise (logs and CI) — one every tenth of the way, and at
 * least one every ten seconds, so that a long run shows it is alive. Best effort: a stderr
 * that fails stops the progress, never the work.
 */
import { toStderr } from "./console.ts";

export interface Progress {
  /** Reports that `done` of `total` steps are finished; `note` is shown after the count. */
  update(done: number, note?: string): void;
  /** Ends the bar (a newline on a terminal, a last line otherwise). */
  finish(note?: string): void;
}

/** Plain lines at least this often, in milliseconds. */
const PLAIN_EVERY_MS = 10_000;

function seconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

/** Whether stderr is a terminal that understands redraws. */
export function redraws(): boolean {
  return Deno.stderr.isTerminal() && Deno.env.get("TERM") !== "dumb";
}

export function progress(
  label: string,
  total: number,
  options: { quiet?: boolean } = {},
): Progress {
  if (options.quiet) return { update() {}, finish() {} };
  const start = performance.now();
  const tty = redraws();
  let broken = false;
  const write = (s: string) => {
    if (!broken) broken = !toStderr(s);
  };
  let lastDraw = 0;
  let lastLine = start;
  let nextTenth = 1;
  let last = 0;

  const line = (done: number, note?: string) => {
    const elapsed = performance.now() - start;
    const eta = done > 0 && done < total
      ? `, ${seconds(elapsed / done * (total - done))} left`
      : "";
    return `${label} ${done}/${total}${note ? ` ${note}` : ""} (${seconds(elapsed)}${eta})`;
  };

  return {
    update(done, note) {
      last = done;
      if (tty) {
        const now = performance.now();
        if (now - lastDraw < 100 && done < total) return;
        lastDraw = now;
        const width = 24, filled = Math.round(width * done / total);
        const bar = "█".repeat(filled) + "░".repeat(width - filled);
        write(`\r\x1b[2K${bar} ${line(done, note)}`);
        return;
      }
      const now = performance.now();
      if (done * 10 >= nextTenth * total || now - lastLine >= PLAIN_EVERY_MS) {
        while (done * 10 >= nextTenth * total) nextTenth++;
        lastLine = now;
        write(`${line(done, note)}\n`);
      }
    },
    finish(note) {
      if (tty) write(`\r\x1b[2K${line(last, note)}\n`);
      else if (note) write(`${label} ${note}\n`);
    },
  };
}
