/**
 * Where outputs go and how inputs are read. An output is one of: the task's own stdout or
 * stderr (named `/dev/stdout`, or any name of the same file), written through them so that
 * nothing else printed there overwrites it; a FIFO, `/dev/null`, a terminal or a descriptor
 * the shell opened (`/dev/fd/N`), written through; or a regular file (created, or replaced
 * atomically: write.ts). Other devices, sockets and files of /proc or /sys are refused, as
 * are names that end in `/`. Inputs are read within a limit, so that a huge file, a device
 * or a pipe that never ends (/dev/zero) fails with one line instead of filling memory.
 */
import { basename, dirname, join, resolve } from "node:path";
import { InputError } from "../errors.ts";
import { MAX_TEXT_BYTES, megabytes, TEXT_LIMIT } from "../data/text.ts";
import { attributes } from "./attributes.ts";
import { forget, sweepStale, temporary } from "./temporaries.ts";

/** A regular file (or a symlink to one). */
export async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/**
 * An OS error's reason without Deno's decoration: `No such file or directory (os error 2):
 * stat '/x'` → `No such file or directory`.
 */
export function reason(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  return e.message.replace(/ \(os error \d+\)/, "").replace(/: [a-z_]+ '.*'$/s, "");
}

/** Where the bytes of an output go (see the module's comment). */
export type Destination =
  | { kind: "stdout" | "stderr"; info: Deno.FileInfo }
  | { kind: "through"; target: string; info: Deno.FileInfo }
  | {
    kind: "replace";
    /** The regular file to replace or create (a symlink's target: the link stays). */
    target: string;
    info?: Deno.FileInfo;
    /** The nearest folder that exists, and those still to be made under it, outermost first. */
    folder: string;
    missing: string[];
  };

/** Whether `info` is the same file as this process's stdout or stderr. */
function standardStream(info: Deno.FileInfo): "stdout" | "stderr" | undefined {
  for (const stream of ["stdout", "stderr"] as const) {
    try {
      const s = Deno.statSync(`/dev/${stream}`);
      if (s.ino !== null && s.dev === info.dev && s.ino === info.ino) return stream;
    } catch {
      // Not Linux, or closed.
    }
  }
  return undefined;
}

/** Descriptors the shell opened, named through /dev or /proc: written through, never replaced. */
const DESCRIPTOR = /^\/(dev\/(fd\/\d+|stdin|stdout|stderr)|proc\/(self|\d+)\/fd\/\d+)$/;

/** A character device's "major:minor". */
function deviceNumbers(rdev: number): string {
  return `${Math.floor(rdev / 256) & 0xfff}:${(rdev & 0xff) | ((Math.floor(rdev / 4096)) & ~0xff)}`;
}

function isTerminalDevice(path: string): boolean {
  try {
    const f = Deno.openSync(path, { write: true });
    try {
      return f.isTerminal();
    } finally {
      f.close();
    }
  } catch {
    return false;
  }
}

const NOT_HERE = "outputs are written to files, pipes, /dev/null or a terminal";

/** Where the bytes written to `path` go; a place that cannot take an output is an InputError. */
export function destination(path: string): Destination {
  if (path === "") throw new InputError("''", "expected a file path");
  if (path.endsWith("/")) {
    throw new InputError(path, "ends in /, which names a folder: expected a file path");
  }
  const absolute = resolve(path);
  let info: Deno.FileInfo | undefined;
  try {
    info = Deno.statSync(absolute);
  } catch (e) {
    if (e instanceof Deno.errors.FilesystemLoop) {
      throw new InputError(path, "too many levels of symbolic links (a symlink loop?)");
    }
    const absent = e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory;
    if (!absent) throw new InputError(path, reason(e));
  }
  if (info) {
    const stream = standardStream(info);
    if (stream) return { kind: stream, info };
    if (info.isDirectory) throw new InputError(path, "is a folder, expected a file path");
    if (DESCRIPTOR.test(absolute) || info.isFifo) {
      return { kind: "through", target: absolute, info };
    }
    if (info.isCharDevice) {
      if (deviceNumbers(info.rdev ?? 0) === "1:3" || isTerminalDevice(absolute)) {
        return { kind: "through", target: absolute, info };
      }
      throw new InputError(
        path,
        `is a device (character device ${deviceNumbers(info.rdev ?? 0)}): ${NOT_HERE}`,
      );
    }
    if (info.isBlockDevice) throw new InputError(path, `is a block device: ${NOT_HERE}`);
    if (info.isSocket) throw new InputError(path, `is a socket: ${NOT_HERE}`);
    const target = Deno.realPathSync(absolute);
    if (/^\/(proc|sys)\//.test(target)) {
      throw new InputError(path, `is a file of /${target.split("/")[1]}: ${NOT_HERE}`);
    }
    return { kind: "replace", target, info, folder: dirname(target), missing: [] };
  }
  // Not there yet: a dangling symlink is followed to the file it will create.
  let target = absolute;
  for (let hops = 0;; hops++) {
    if (hops === 40) throw new InputError(path, "too many levels of symbolic links");
    let link: Deno.FileInfo;
    try {
      link = Deno.lstatSync(target);
    } catch {
      break;
    }
    if (!link.isSymlink) break;
    target = resolve(dirname(target), Deno.readLinkSync(target));
  }
  const missing: string[] = [];
  let folder = dirname(target);
  for (;;) {
    let here: Deno.FileInfo | undefined;
    try {
      here = Deno.lstatSync(folder);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory)) {
        throw new InputError(path, `cannot use folder ${folder}: ${reason(e)}`);
      }
    }
    if (here === undefined) {
      missing.unshift(folder);
      folder = dirname(folder);
      continue;
    }
    let real: Deno.FileInfo;
    try {
      real = Deno.statSync(folder);
    } catch {
      throw new InputError(
        path,
        `${folder} is a symlink to ${Deno.readLinkSync(folder)}, which does not exist`,
      );
    }
    if (!real.isDirectory) throw new InputError(path, `${folder} is not a folder`);
    break;
  }
  if (target !== absolute && missing.length > 0) {
    throw new InputError(
      path,
      `is a symlink to ${target}, whose folder ${
        dirname(target)
      } does not exist (folders are made only for a path as given)`,
    );
  }
  return { kind: "replace", target, folder: Deno.realPathSync(folder), missing };
}

/**
 * What makes two paths the same file: device and inode when it exists, otherwise the real
 * folder it would be created in and its name. Two paths with the same key are one file.
 */
export function fileKey(path: string): string {
  try {
    const info = Deno.statSync(path);
    if (info.ino !== null) return `inode ${info.dev}:${info.ino}`;
  } catch {
    // Not there (yet).
  }
  let target = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    try {
      if (!Deno.lstatSync(target).isSymlink) break;
      target = resolve(dirname(target), Deno.readLinkSync(target));
    } catch {
      break;
    }
  }
  let dir = dirname(target);
  try {
    dir = Deno.realPathSync(dir);
  } catch {
    // A folder that does not exist yet: its resolved name is all there is.
  }
  return `path ${join(dir, basename(target))}`;
}

/**
 * Checks before any work that `path` can take an output, and removes what earlier runs
 * killed on the way left beside it (temporaries.ts sweepStale). For a file: neither it nor
 * its folder is immutable or append-only, and a probe file can be created and removed in
 * the folder that would receive it (its nearest existing ancestor when folders are still
 * to be made). A FIFO is not opened (that would wait for a reader).
 */
export function probeWritable(path: string): Destination {
  const where = destination(path);
  if (where.kind !== "replace") return where;
  sweepStale(where.target);
  const { target, info, folder } = where;
  const own = info && attributes(target);
  if (own?.immutable) throw new InputError(path, "is immutable (chattr +i): it cannot be replaced");
  if (own?.appendOnly) {
    throw new InputError(path, "is append-only (chattr +a): it cannot be replaced");
  }
  const dir = attributes(folder);
  if (dir?.immutable) {
    throw new InputError(path, `cannot write in ${folder}: the folder is immutable (chattr +i)`);
  }
  if (dir?.appendOnly) {
    throw new InputError(
      path,
      `cannot write in ${folder}: the folder is append-only (chattr +a), so no file can be replaced in it`,
    );
  }
  const probe = temporary(join(folder, basename(target)), "probe");
  try {
    Deno.writeFileSync(probe, new Uint8Array(0), { createNew: true });
  } catch (e) {
    forget(probe);
    throw new InputError(path, `cannot write in ${folder}: ${reason(e)}`);
  }
  try {
    Deno.removeSync(probe);
  } catch (e) {
    throw new InputError(path, `cannot remove files in ${folder}: ${reason(e)}`);
  }
  forget(probe);
  return where;
}

/** A read error in the words of the file. */
function readError(path: string, e: unknown): InputError {
  if (e instanceof InputError) return e;
  if (e instanceof Deno.errors.NotFound) return new InputError(path, "file not found");
  if (e instanceof Deno.errors.IsADirectory) {
    return new InputError(path, "is a folder, expected a file");
  }
  if (e instanceof Deno.errors.FilesystemLoop) {
    return new InputError(path, "too many levels of symbolic links (a symlink loop?)");
  }
  return new InputError(path, `cannot read: ${reason(e)}`);
}

/** Opens an input and runs `work` on it; errors are InputErrors naming `path`. */
export async function withInput<T>(
  path: string,
  work: (file: Deno.FsFile, info: Deno.FileInfo) => Promise<T>,
): Promise<T> {
  let file: Deno.FsFile | undefined;
  try {
    file = await Deno.open(path);
    const info = await file.stat();
    if (info.isDirectory) throw new Deno.errors.IsADirectory(path);
    return await work(file, info);
  } catch (e) {
    throw readError(path, e);
  } finally {
    file?.close();
  }
}

/**
 * `prefix` (bytes already read), then up to `max` bytes in all from where the file stands
 * (fewer at its end); `hint`: the likely size in all.
 */
export async function readUpTo(
  file: Deno.FsFile,
  max: number,
  hint = 1 << 16,
  prefix: Uint8Array = new Uint8Array(0),
): Promise<Uint8Array> {
  let bytes = new Uint8Array(Math.max(1, prefix.length, Math.min(max, hint)));
  bytes.set(prefix);
  let length = prefix.length;
  while (length < max) {
    if (length === bytes.length) {
      const grown = new Uint8Array(Math.min(max, bytes.length * 2));
      grown.set(bytes);
      bytes = grown;
    }
    const n = await file.read(bytes.subarray(length));
    if (n === null) break;
    length += n;
  }
  return bytes.subarray(0, length);
}

/** The error for an input beyond its limit. */
export function beyondLimit(path: string, size: number | undefined, limitWhy: string): InputError {
  return new InputError(
    path,
    size === undefined
      ? `more than ${limitWhy}, and still going (a device or a pipe that never ends?)`
      : `${megabytes(size)} MB, more than ${limitWhy}`,
  );
}

/**
 * Reads a whole input of at most `limit` bytes: a regular file larger than that is refused
 * from its size, before a byte is read, and anything else (a pipe, a device) once `limit`
 * bytes have come and more follow. A missing or unreadable file is an InputError naming it.
 */
export async function readInput(
  path: string,
  limit = MAX_TEXT_BYTES,
  limitWhy = TEXT_LIMIT,
): Promise<Uint8Array> {
  return await withInput(path, async (file, info) => {
    if (info.isFile && info.size > limit) throw beyondLimit(path, info.size, limitWhy);
    // Sized from the file's length first: growing chunk by chunk more than doubles the time
    // to read the 47 MB training images.
    const bytes = await readUpTo(file, limit + 1, info.isFile ? info.size + 1 : undefined);
    if (bytes.length > limit) {
      throw beyondLimit(path, info.isFile ? bytes.length : undefined, limitWhy);
    }
    return bytes;
  });
}
