/**
 * The temporary files an output passes through, all named `.NAME.PID.TIME.KIND` beside the
 * output NAME (KIND: `tmp` the new content, `old` a second name for the old file, `commit` a
 * journal of renames, `part` a journal being written, `probe` a check that the folder takes
 * files), and the folders made
 * for outputs. While any is listed here, SIGINT, SIGTERM and SIGHUP remove them all and then
 * end the process as the signal would have (exit status 128 + its number); the rest of the
 * time the signals keep their default action (a long computation cannot hold them off). A
 * later run removes what processes that no longer run left (sweepStale), first finishing a
 * commit that a kill cut short.
 */
import { basename, dirname, join } from "node:path";

export type TemporaryKind = "tmp" | "old" | "commit" | "part" | "probe";

const files = new Set<string>();
const folders: string[] = [];

const SIGNALS: Deno.Signal[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** Removes everything listed, then lets the signal end the process as it would have. */
function interrupted(signal: Deno.Signal): void {
  removeTemporaries();
  Deno.kill(Deno.pid, signal);
}

const listeners = new Map(SIGNALS.map((s) => [s, () => interrupted(s)]));
let listening = false;

/** Listens to the signals while something is listed, and only then. */
function watch(): void {
  const needed = files.size > 0 || folders.length > 0;
  if (needed === listening) return;
  listening = needed;
  for (const [signal, listener] of listeners) {
    try {
      if (needed) Deno.addSignalListener(signal, listener);
      else Deno.removeSignalListener(signal, listener);
    } catch {
      // Not available here (Windows has no SIGHUP).
    }
  }
}

/** A fresh temporary name for `kind` beside `target` (registered: call forget when done). */
export function temporary(target: string, kind: TemporaryKind, time = Date.now()): string {
  const path = join(dirname(target), `.${basename(target)}.${Deno.pid}.${time}.${kind}`);
  files.add(path);
  watch();
  return path;
}

/** A temporary that is gone (removed, or renamed into place). */
export function forget(path: string): void {
  files.delete(path);
  watch();
}

/** A folder made for an output, removed again (when empty) if the task is interrupted. */
export function madeFolder(path: string): void {
  folders.push(path);
  watch();
}

/** Folders made for outputs that are now in place: they stay. */
export function keepFolders(paths: readonly string[]): void {
  for (const p of paths) {
    const i = folders.lastIndexOf(p);
    if (i >= 0) folders.splice(i, 1);
  }
  watch();
}

/**
 * Removes every registered temporary and the folders made for outputs not yet written
 * (deepest first, only when empty). Synchronous, for signal handlers and exit paths.
 */
export function removeTemporaries(): void {
  for (const f of files) {
    try {
      Deno.removeSync(f);
    } catch {
      // Already gone.
    }
  }
  files.clear();
  removeFolders(folders.splice(0));
  watch();
}

/** Removes these folders, deepest first, each only if empty. */
export function removeFolders(made: readonly string[]): void {
  for (const d of [...made].reverse()) {
    try {
      Deno.removeSync(d);
    } catch {
      // Not empty (something else was put there), or gone.
    }
  }
}

const NAME = /^\.(.+)\.(\d+)\.(\d+)\.(tmp|old|commit|part|probe)$/;

/** Clock ticks per second of /proc/PID/stat's start time (USER_HZ, 100 on Linux). */
const TICKS = 100;

let bootSeconds: number | undefined;

/** Whether the process `pid`, started before `time` (ms since 1970), still runs. */
function running(pid: number, time: number): boolean {
  if (pid === Deno.pid) return true;
  let stat: string;
  try {
    stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  } catch (e) {
    // No such process; anything else (no /proc): assume it runs, and keep its files.
    return !(e instanceof Deno.errors.NotFound);
  }
  try {
    bootSeconds ??= Number(/^btime (\d+)$/m.exec(Deno.readTextFileSync("/proc/stat"))![1]);
    // Field 22, counted after the command's closing parenthesis (the command may hold spaces).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const started = (bootSeconds + Number(fields[19]) / TICKS) * 1000;
    // A process that started after the file was named has only reused the number.
    return started <= time + 2000;
  } catch {
    return true;
  }
}

/**
 * The journal of a commit of several outputs: written (each copy atomically) beside every
 * one of them before the first rename, removed after the last. A kill between them leaves
 * every copy, and whoever finds one finishes the renames; a kill while the copies were
 * being written leaves some missing, and then no rename had begun.
 */
export interface Journal {
  /** Each temporary and the file it is renamed onto. */
  renames: { from: string; to: string }[];
  /** Where the journal's copies are. */
  copies: string[];
}

function readJournal(path: string): Journal | undefined {
  try {
    return JSON.parse(Deno.readTextFileSync(path)) as Journal;
  } catch {
    return undefined;
  }
}

/** Finishes (or, when it never began, drops) the commit of a journal whose process died. */
function recover(path: string): void {
  const journal = readJournal(path);
  if (journal === undefined) return;
  if (journal.copies.every((c) => readJournal(c) !== undefined)) {
    for (const { from, to } of journal.renames) {
      try {
        Deno.renameSync(from, to);
      } catch {
        // Renamed before the kill.
      }
    }
  }
  for (const c of journal.copies) {
    try {
      Deno.removeSync(c);
    } catch {
      // Not written before the kill, or removed already.
    }
  }
}

/**
 * Removes the stale temporaries beside `target` (of processes that no longer run); a stale
 * journal's renames are finished first, so the outputs it committed are all new together.
 * Returns what was removed.
 */
export function sweepStale(target: string): string[] {
  const dir = dirname(target), name = basename(target);
  const removed: string[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = Array.from(Deno.readDirSync(dir));
  } catch {
    return removed;
  }
  const stale = entries.map((e) => ({ entry: e, m: NAME.exec(e.name) })).filter(({ m }) =>
    m !== null && m[1] === name && !running(Number(m[2]), Number(m[3]))
  );
  // Journals first: finishing one renames some of the `tmp` files seen here into place.
  stale.sort((a, b) => Number(b.m![4] === "commit") - Number(a.m![4] === "commit"));
  for (const { entry, m } of stale) {
    const path = join(dir, entry.name);
    if (m![4] === "commit") recover(path);
    try {
      Deno.removeSync(path);
      removed.push(path);
    } catch {
      // Renamed by the journal, or removed by another run.
    }
  }
  return removed;
}
