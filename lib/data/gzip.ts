/**
 * Inflating gzip files and zip entries, bounded and checked (pako, a port of zlib): every
 * member of a gzip file is read (`cat a.gz b.gz` is one file, as `zcat` reads it), each
 * member's CRC-32 and length field are checked, and the output stops at a limit, so that a
 * small file that inflates to gigabytes (a "gzip bomb") is refused after the limit, not
 * inflated whole. No file access here, so a browser page can import it.
 */
import { Inflate } from "pako";
import { InputError } from "../errors.ts";

/** Bytes of compressed input given to the inflater at a time: bounds what one push makes. */
const SLICE = 1 << 16;

/** True when the bytes start with the gzip signature. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export interface InflateLimits {
  /** The most bytes the output may hold. */
  limit: number;
  /** Says, in an error, why `limit` is the most (e.g. "the 500 MB a text can hold"). */
  limitWhy: string;
  /**
   * Called once the first `headBytes` bytes are out (or at the end, with fewer): may
   * throw (a wrong magic number stops at once), or return the exact size the output
   * must have (an IDX header's promise), which then replaces `limit`.
   */
  head?: { bytes: number; check(head: Uint8Array): number | undefined };
}

/** What pako says of damage, in the words of the file. */
function damage(msg: string, raw: boolean): string {
  if (msg === "incorrect data check") {
    return "damaged: a CRC-32 does not match the data (gzip -t would refuse it too)";
  }
  if (msg === "incorrect length check") {
    return "damaged: a length field does not match the data (gzip -t would refuse it too)";
  }
  if (msg === "buffer error") return "truncated: the compressed data ends early";
  return `damaged ${raw ? "deflate" : "gzip"} data (${msg})`;
}

/** The output of one inflate run, kept within its limit. */
class Output {
  bytes: Uint8Array;
  length = 0;
  over = false;
  exact?: number;
  headDone: boolean;

  constructor(private limits: InflateLimits, private limit: number, hint: number) {
    this.bytes = new Uint8Array(Math.min(limit, Math.max(SLICE, hint)));
    this.headDone = limits.head === undefined;
  }

  add(chunk: Uint8Array): void {
    if (this.over) return;
    if (this.length + chunk.length > this.limit) {
      this.over = true;
      return;
    }
    if (this.length + chunk.length > this.bytes.length) {
      this.resize(
        Math.min(this.limit, Math.max(this.bytes.length * 2, this.length + chunk.length)),
      );
    }
    this.bytes.set(chunk, this.length);
    this.length += chunk.length;
    if (!this.headDone && this.length >= this.limits.head!.bytes) this.checkHead();
  }

  checkHead(): void {
    this.headDone = true;
    const promised = this.limits.head!.check(this.bytes.subarray(0, this.length));
    if (promised === undefined) return;
    this.exact = this.limit = promised;
    if (this.length > promised) this.over = true;
    else if (this.bytes.length < promised) this.resize(promised);
  }

  private resize(size: number): void {
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }
}

/**
 * Inflates `bytes` from `start` with a fresh inflater until its stream ends; returns where
 * the compressed data it used ends. (pako reads the gzip members that follow in the same
 * slice itself, but not one that starts exactly at a slice's end.)
 */
function inflateFrom(
  bytes: Uint8Array,
  start: number,
  name: string,
  out: Output,
  raw: boolean,
): number {
  const inflater = new Inflate(raw ? { raw: true } : { windowBits: 16 + 15 });
  let stream: { next_in: number } | undefined;
  let failure: unknown;
  inflater.onStart = (s) => stream = s as unknown as { next_in: number };
  inflater.onData = (chunk: Uint8Array) => {
    if (failure !== undefined) return;
    try {
      out.add(chunk);
    } catch (e) {
      failure = e;
    }
  };
  inflater.onEnd = () => {};
  for (let at = start;; at += SLICE) {
    const last = at + SLICE >= bytes.length;
    inflater.push(bytes.subarray(at, at + SLICE), last);
    if (failure !== undefined) throw failure;
    if (out.over) return bytes.length;
    if (inflater.ended) {
      if (inflater.err) throw new InputError(name, damage(inflater.msg, raw));
      return at + (stream?.next_in ?? 0);
    }
    if (last) throw new InputError(name, damage("buffer error", raw));
  }
}

function inflateAll(
  bytes: Uint8Array,
  name: string,
  limits: InflateLimits,
  raw: boolean,
): Uint8Array {
  const out = new Output(limits, limits.limit, bytes.length * 4);
  let end = inflateFrom(bytes, 0, name, out, raw);
  // Further gzip members (`cat a.gz b.gz`); zero bytes after the last one are padding, which
  // gzip ignores too; anything else is damage.
  while (!out.over && end < bytes.length) {
    const rest = bytes.subarray(end);
    if (!raw && isGzip(rest)) end = inflateFrom(bytes, end, name, out, raw);
    else if (!raw && rest.every((b) => b === 0)) break;
    else {
      throw new InputError(
        name,
        raw
          ? `damaged: ${rest.length} bytes after the end of its deflate stream`
          : `damaged: ${rest.length} bytes after the last gzip member are not gzip data`,
      );
    }
  }
  if (!out.headDone) out.checkHead();
  if (out.over) {
    throw new InputError(
      name,
      out.exact !== undefined
        ? `inflates to more than the ${out.exact} bytes its header promises (trailing data)`
        : `inflates to more than ${limits.limitWhy}`,
    );
  }
  return out.bytes.subarray(0, out.length);
}

/** The bytes of a gzip file, all its members, checked (see the module's comment). */
export function gunzip(bytes: Uint8Array, name: string, limits: InflateLimits): Uint8Array {
  return inflateAll(bytes, name, limits, false);
}

/** The bytes of a raw deflate stream (a zip entry), bounded like gunzip. */
export function inflateRaw(bytes: Uint8Array, name: string, limits: InflateLimits): Uint8Array {
  return inflateAll(bytes, name, limits, true);
}
