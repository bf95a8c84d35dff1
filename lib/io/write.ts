/**
 * Writing outputs so that nothing is lost. A regular file is replaced atomically: the new
 * content goes to a temporary file beside it (with the old file's mode and, where allowed,
 * owner), which is renamed onto it, so a failed or interrupted task leaves the old file
 * whole. Several outputs are staged first and renamed together, in one synchronous step (a
 * signal cannot cut it) that a journal makes whole even after a kill (temporaries.ts). A
 * symlink keeps pointing where it pointed; stdout, stderr, FIFOs and the like are written
 * through (files.ts says which). Folders made for an output and not needed are removed.
 */
import { InputError } from "../errors.ts";
import { destination, reason } from "./files.ts";
import {
  forget,
  type Journal,
  keepFolders,
  madeFolder,
  removeFolders,
  temporary,
} from "./temporaries.ts";

/** Something the user should know about an output that was written (e.g. its hard links). */
export interface Note {
  /** The output's path, as given. */
  subject: string;
  text: string;
}

interface Staged {
  path: string;
  /** Written through (stdout, a FIFO…): cannot be undone, so committed first. */
  through: boolean;
  /**
   * Writes through (awaited: a FIFO may wait for its reader, and a signal must still be
   * heard), or renames the temporary into place (synchronous).
   */
  commit(): Promise<void> | void;
  /** After a commit: puts the old file back (or removes the new one if there was none). */
  undo(): void;
  /** Removes the temporaries and the folders made (or, after commit, the old file's link). */
  abort(): void;
  /** For a replaced file: the rename, as a journal records it. */
  rename?: { from: string; to: string };
  committed: boolean;
  notes: Note[];
}

async function writeAll(
  write: (b: Uint8Array) => Promise<number>,
  bytes: Uint8Array,
): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) offset += await write(bytes.subarray(offset));
}

async function stage(path: string, bytes: Uint8Array, time: number): Promise<Staged> {
  const where = destination(path);
  const fail = (e: unknown): never => {
    throw new InputError(path, `cannot write: ${reason(e)}`);
  };
  if (where.kind !== "replace") {
    const kind = where.kind;
    const through = where.kind === "through" ? where.target : "";
    const write = async () => {
      try {
        if (kind === "stdout") await writeAll((b) => Deno.stdout.write(b), bytes);
        else if (kind === "stderr") await writeAll((b) => Deno.stderr.write(b), bytes);
        else {
          // No truncate, no create: the bytes go through to whatever reads or holds them.
          const file = await Deno.open(through, { write: true, append: true });
          try {
            await writeAll((b) => file.write(b), bytes);
          } finally {
            file.close();
          }
        }
      } catch (e) {
        fail(e);
      }
    };
    const staged: Staged = {
      path,
      through: true,
      committed: false,
      async commit() {
        await write();
        staged.committed = true;
      },
      undo() {},
      abort() {},
      notes: [],
    };
    return staged;
  }
  const { target, info } = where;
  const made: string[] = [];
  const tmp = temporary(target, "tmp", time);
  const old = temporary(target, "old", time);
  forget(old); // registered when it is made
  const notes: Note[] = [];
  try {
    for (const folder of where.missing) {
      await Deno.mkdir(folder);
      made.push(folder);
      madeFolder(folder);
    }
    await Deno.writeFile(tmp, bytes, { createNew: true });
    if (info) {
      await Deno.chmod(tmp, info.mode! & 0o7777);
      if (info.uid !== null && info.gid !== null) {
        await Deno.chown(tmp, info.uid, info.gid).catch(() =>
          notes.push({
            subject: path,
            text:
              `was owned by user ${info.uid} (group ${info.gid}); the new file is yours: only root can keep another user's ownership`,
          })
        );
      }
      if (info.nlink !== null && info.nlink > 1) {
        notes.push({
          subject: path,
          text: `had ${info.nlink} names (hard links): this one now holds the new content, the ${
            info.nlink - 1
          } other${info.nlink > 2 ? "s" : ""} still the old`,
        });
      }
    }
  } catch (e) {
    try {
      Deno.removeSync(tmp);
    } catch {
      // Not created.
    }
    forget(tmp);
    removeFolders(made);
    keepFolders(made);
    fail(e);
  }
  let kept = false;
  const staged: Staged = {
    path,
    through: false,
    rename: { from: tmp, to: target },
    notes,
    committed: false,
    commit() {
      try {
        // A second name for the old file, so that undo can put it back.
        if (info?.isFile) {
          temporary(target, "old", time);
          try {
            Deno.linkSync(target, old);
            kept = true;
          } catch {
            forget(old);
          }
        }
        Deno.renameSync(tmp, target);
        forget(tmp);
        keepFolders(made);
        staged.committed = true;
      } catch (e) {
        staged.abort();
        fail(e);
      }
    },
    undo() {
      try {
        if (kept) Deno.renameSync(old, target);
        else if (!info) Deno.removeSync(target);
      } catch {
        // Nothing more can be done; the error that led here is reported.
      }
      forget(old);
      kept = false;
    },
    abort() {
      for (const f of [tmp, ...(kept ? [old] : [])]) {
        try {
          Deno.removeSync(f);
        } catch {
          // Renamed into place, or never made.
        }
        forget(f);
      }
      kept = false;
      removeFolders(made);
      keepFolders(made);
    },
  };
  return staged;
}

/** Writes a journal copy beside each renamed file: each copy appears whole or not at all. */
function writeJournal(renames: Journal["renames"], time: number): string[] {
  const copies = renames.map(({ to }) => temporary(to, "commit", time));
  const text = JSON.stringify({ renames, copies } satisfies Journal);
  for (const { to } of renames) {
    const partial = temporary(to, "part", time);
    Deno.writeTextFileSync(partial, text);
    Deno.renameSync(partial, temporary(to, "commit", time));
    forget(partial);
  }
  return copies;
}

function removeJournal(copies: string[]): void {
  for (const c of copies) {
    try {
      Deno.removeSync(c);
    } catch {
      // Not written.
    }
    forget(c);
  }
}

/**
 * Writes several files so that an error or a kill leaves every old file as it was or every
 * new one in place: all are staged to temporaries first, then renamed together; if one
 * rename fails, those already done are undone. Outputs written through (stdout, FIFOs) go
 * first, since they cannot be undone. Returns what the user should be told (hard links,
 * ownership).
 */
export async function writeFilesAtomic(
  files: readonly { path: string; content: string | Uint8Array }[],
): Promise<Note[]> {
  const time = Date.now();
  const staged: Staged[] = [];
  try {
    for (const f of files) {
      const bytes = typeof f.content === "string" ? new TextEncoder().encode(f.content) : f.content;
      staged.push(await stage(f.path, bytes, time));
    }
  } catch (e) {
    for (const s of staged) s.abort();
    throw e;
  }
  const renames = staged.flatMap((s) => s.rename ? [s.rename] : []);
  let journal: string[] = [];
  try {
    for (const s of staged) if (s.through) await s.commit();
    // From here to the end of the renames nothing awaits: a signal handler cannot run between.
    if (renames.length > 1) journal = writeJournal(renames, time);
    for (const s of staged) if (!s.through) s.commit();
  } catch (e) {
    for (const s of staged) if (s.committed) s.undo();
    for (const s of staged) s.abort();
    removeJournal(journal);
    throw e instanceof InputError
      ? e
      : new InputError(staged[0].path, `cannot write: ${reason(e)}`);
  }
  removeJournal(journal);
  for (const s of staged) s.abort();
  return staged.flatMap((s) => s.notes);
}

/** Writes one file atomically (see writeFilesAtomic). */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<Note[]> {
  return await writeFilesAtomic([{ path, content }]);
}
