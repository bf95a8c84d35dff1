/**
 * Progress of long work on stderr: a redrawn bar when stderr is a terminal, a plain line
 * every tenth of the way otherwise (logs and CI), so stdout stays clean for --json.
 */
const encoder = new TextEncoder();

export interface Progress {
  /** Reports that `done` of `total` steps are finished; `note` is shown after the count. */
  update(done: number, note?: string): void;
  /** Ends the bar (a newline on a terminal, a last line otherwise). */
  finish(note?: string): void;
}

function write(s: string): void {
  Deno.stderr.writeSync(encoder.encode(s));
}

function seconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

export function progress(
  label: string,
  total: number,
  options: { quiet?: boolean } = {},
): Progress {
  if (options.quiet) return { update() {}, finish() {} };
  const start = performance.now();
  const tty = Deno.stderr.isTerminal();
  let lastDraw = 0;
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
      } else if (done * 10 >= nextTenth * total) {
        while (done * 10 >= nextTenth * total) nextTenth++;
        write(`${line(done, note)}\n`);
      }
    },
    finish(note) {
      if (tty) write(`\r\x1b[2K${line(last, note)}\n`);
      else if (note) write(`${label} ${note}\n`);
    },
  };
}
