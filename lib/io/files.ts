/**
 * File helpers. Outputs never destroy what is not theirs: a regular file is replaced
 * atomically (a temporary file beside it, renamed onto it, so a failed task leaves the old
 * file whole); a symlink keeps pointing where it pointed and its target is replaced that
 * way; a FIFO or a device (/dev/stdout) is written through, like `-`. Several outputs can be
 * staged to temporaries and renamed together at the end. Reads fail with one clear line.
 */
import { basename, dirname, join, resolve } from "node:path";
import { InputError } from "../errors.ts";

/** A regular file (or a symlink to one). */
export async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/**
 * Where the bytes for `path` go. `through`: an existing FIFO, device or socket, or a file
 * reached through /dev/stdout, /dev/fd/N or /proc, which is opened and written (appended
 * to, as a shell's `>>` would), never replaced. `replace`:
 * the regular file to replace (or create), `target` being the file a symlink points to, so
 * that the link keeps pointing where it pointed.
 */
export async function destination(
  path: string,
): Promise<{ kind: "through" | "replace"; target: string; info?: Deno.FileInfo }> {
  const absolute = resolve(path);
  let info: Deno.FileInfo | undefined;
  try {
    info = await Deno.stat(absolute);
  } catch (e) {
    // Under a file that is not a folder: probeWritable says which.
    const absent = e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory;
    if (!absent) throw new InputError(`${path}: ${reason(e)}`);
  }
  if (info && !info.isFile && !info.isDirectory) return { kind: "through", target: absolute, info };
  if (/^\/(proc\/|dev\/(stdout|stderr|fd\/))/.test(absolute) && info?.isFile) {
    return { kind: "through", target: absolute, info };
  }
  if (info) return { kind: "replace", target: await Deno.realPath(absolute), info };
  // Not there yet; a dangling symlink is followed to the file it will create.
  let p = absolute;
  for (let hops = 0; hops < 40; hops++) {
    let link: Deno.FileInfo;
    try {
      link = await Deno.lstat(p);
    } catch {
      return { kind: "replace", target: p };
    }
    if (!link.isSymlink) return { kind: "replace", target: p };
    p = resolve(dirname(p), await Deno.readLink(p));
  }
  throw new InputError(`${path}: too many levels of symbolic links`);
}

/**
 * What makes two paths the same file: device and inode when it exists, otherwise the real
 * folder it would be created in and its name. Two paths with the same key are one file.
 */
export async function fileKey(path: string): Promise<string> {
  const { target, info } = await destination(path);
  if (info?.ino != null) return `inode ${info.dev}:${info.ino}`;
  let dir = dirname(target);
  try {
    dir = await Deno.realPath(dir);
  } catch {
    // A folder that does not exist yet: its resolved name is all there is.
  }
  return `path ${join(dir, basename(target))}`;
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Checks before any work that `path` can be written: not a folder, and a temporary file
 * can be created (and is removed) in the folder that would receive it — its nearest
 * existing ancestor when folders are still to be created. A FIFO or device is not probed.
 */
export async function probeWritable(path: string): Promise<void> {
  if (path === "") throw new InputError(`'': expected a file path`);
  const { kind, target, info } = await destination(path);
  if (info?.isDirectory) throw new InputError(`${path}: is a folder, expected a file path`);
  if (kind === "through") return;
  let dir = dirname(target);
  for (;;) {
    try {
      const d = await Deno.stat(dir);
      if (!d.isDirectory) throw new InputError(`${path}: ${dir} is not a folder`);
      break;
    } catch (e) {
      if (e instanceof InputError) throw e;
      const absent = e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory;
      if (!absent || dirname(dir) === dir) {
        throw new InputError(`${path}: cannot use folder ${dir}: ${reason(e)}`);
      }
      dir = dirname(dir);
    }
  }
  const probe = join(dir, `.${basename(target)}.${Deno.pid}.probe.tmp`);
  try {
    await Deno.writeFile(probe, new Uint8Array(0), { createNew: true });
  } catch (e) {
    throw new InputError(`${path}: cannot write in ${dir}: ${reason(e)}`);
  }
  await Deno.remove(probe).catch(() => {});
}

/** One output staged to a temporary file, waiting for `commit` to put it in place. */
export interface Staged {
  /** Written through (a FIFO, a device) at commit: cannot be undone, so committed first. */
  readonly through: boolean;
  /** Renames the temporary onto the target (or writes through a FIFO/device). */
  commit(): Promise<void>;
  /** After a commit: puts the old file back (or removes the new one if there was none). */
  undo(): Promise<void>;
  /** Removes the temporaries (and the kept old file); the target is left as it is. */
  abort(): Promise<void>;
}

/**
 * Writes `content` to a temporary file beside the final target of `path` (creating
 * folders as needed); nothing at `path` changes until `commit`. A FIFO or a device is
 * written through at `commit` instead.
 */
export async function stageFile(path: string, content: string | Uint8Array): Promise<Staged> {
  const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
  const { kind, target, info } = await destination(path);
  if (kind === "through") {
    return {
      through: true,
      async commit() {
        try {
          // No truncate, no create: the bytes go through to whatever reads or holds them.
          const file = await Deno.open(target, { write: true, append: true });
          try {
            let offset = 0;
            while (offset < bytes.length) offset += await file.write(bytes.subarray(offset));
          } finally {
            file.close();
          }
        } catch (e) {
          throw new InputError(`${path}: cannot write: ${reason(e)}`);
        }
      },
      async undo() {},
      async abort() {},
    };
  }
  const dir = dirname(target);
  try {
    await Deno.mkdir(dir, { recursive: true });
  } catch (e) {
    throw new InputError(`${path}: cannot create folder ${dir}: ${reason(e)}`);
  }
  const stem = join(dir, `.${basename(target)}.${Deno.pid}.${Date.now()}`);
  const tmp = `${stem}.tmp`, old = `${stem}.old`;
  try {
    await Deno.writeFile(tmp, bytes);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw new InputError(`${path}: cannot write: ${reason(e)}`);
  }
  let kept = false;
  const abort = async () => {
    await Deno.remove(tmp).catch(() => {});
    if (kept) await Deno.remove(old).catch(() => {});
    kept = false;
  };
  return {
    through: false,
    abort,
    async commit() {
      try {
        // A second name for the old file, so that undo can put it back.
        if (info?.isFile) kept = await Deno.link(target, old).then(() => true, () => false);
        await Deno.rename(tmp, target);
      } catch (e) {
        await abort();
        throw new InputError(`${path}: cannot write: ${reason(e)}`);
      }
    },
    async undo() {
      if (kept) await Deno.rename(old, target).catch(() => {});
      else if (!info) await Deno.remove(target).catch(() => {});
      kept = false;
    },
  };
}

/**
 * Writes several files so that an error leaves every old file as it was: all are staged to
 * temporaries first, then renamed together; if one rename fails, those already done are
 * undone. Files written through (FIFOs, devices) go first, since they cannot be undone.
 */
export async function writeFilesAtomic(
  files: readonly { path: string; content: string | Uint8Array }[],
): Promise<void> {
  const staged: Staged[] = [];
  try {
    for (const f of files) staged.push(await stageFile(f.path, f.content));
  } catch (e) {
    await Promise.all(staged.map((s) => s.abort()));
    throw e;
  }
  staged.sort((a, b) => Number(b.through) - Number(a.through));
  for (const [k, s] of staged.entries()) {
    try {
      await s.commit();
    } catch (e) {
      for (const done of staged.slice(0, k)) await done.undo();
      await Promise.all(staged.map((t) => t.abort()));
      throw e;
    }
  }
  await Promise.all(staged.map((s) => s.abort()));
}

/** Writes one file atomically (see stageFile): the old file stays whole until the rename. */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  await writeFilesAtomic([{ path, content }]);
}

/**
 * Reads a whole file; a missing or unreadable file is an InputError naming it. The buffer
 * is sized from the file's length first: Deno.readFile grows it chunk by chunk, which
 * more than doubles the time to read the 47 MB training images.
 */
export async function readInput(path: string): Promise<Uint8Array> {
  let file: Deno.FsFile | undefined;
  try {
    file = await Deno.open(path);
    const info = await file.stat();
    if (info.isDirectory) throw new Deno.errors.IsADirectory(path);
    if (!info.isFile) return await Deno.readFile(path);
    const bytes = new Uint8Array(info.size);
    let offset = 0;
    while (offset < bytes.length) {
      const n = await file.read(bytes.subarray(offset));
      if (n === null) break;
      offset += n;
    }
    // A file that grew or shrank while being read: fall back to the plain read.
    if (offset !== bytes.length || (await file.read(new Uint8Array(1))) !== null) {
      return await Deno.readFile(path);
    }
    return bytes;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new InputError(`${path}: file not found`);
    if (e instanceof Deno.errors.IsADirectory) {
      throw new InputError(`${path}: is a folder, expected a file`);
    }
    throw new InputError(`${path}: cannot read: ${reason(e)}`);
  } finally {
    file?.close();
  }
}
