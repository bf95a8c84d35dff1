/**
 * A file's Linux attributes that stop an output late if nobody looks first: immutable
 * (`chattr +i`: no write, rename or link) and append-only (`chattr +a`: a folder takes new
 * files but none can be renamed or removed, so even a probe file would stay). Read with
 * statx(2) through Deno's FFI; where that is not allowed or not Linux, nothing is known.
 */

const STATX_ATTR_IMMUTABLE = 0x10n;
const STATX_ATTR_APPEND = 0x20n;
const AT_FDCWD = -100;
/** Offset of stx_attributes in struct statx. */
const ATTRIBUTES_AT = 8;

type Statx = (
  dirfd: number,
  path: Uint8Array,
  flags: number,
  mask: number,
  buf: Uint8Array,
) => number;
let statx: Statx | null | undefined;

function load(): Statx | null {
  if (statx !== undefined) return statx;
  try {
    if (Deno.build.os !== "linux") return statx = null;
    const lib = Deno.dlopen("libc.so.6", {
      statx: { parameters: ["i32", "buffer", "i32", "u32", "buffer"], result: "i32" },
    });
    statx = (...args) => lib.symbols.statx(...args) as number;
  } catch {
    statx = null;
  }
  return statx;
}

export interface Attributes {
  immutable: boolean;
  appendOnly: boolean;
}

/** The attributes of `path` (followed if a symlink), or undefined when they cannot be read. */
export function attributes(path: string): Attributes | undefined {
  const call = load();
  if (call === null) return undefined;
  const buf = new Uint8Array(256);
  if (call(AT_FDCWD, new TextEncoder().encode(`${path}\0`), 0, 0, buf) !== 0) return undefined;
  const bits = new DataView(buf.buffer).getBigUint64(ATTRIBUTES_AT, true);
  return {
    immutable: (bits & STATX_ATTR_IMMUTABLE) !== 0n,
    appendOnly: (bits & STATX_ATTR_APPEND) !== 0n,
  };
}
