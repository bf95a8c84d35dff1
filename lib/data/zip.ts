/**
 * Reading zip files as the original project ships its CSVs (mnist_train.zip): the entries
 * are listed from the central directory, and an entry is read only when its local header
 * agrees with the directory, its data inflates (pako) to exactly its declared size, and
 * its CRC-32 (npm crc-32) matches — what `unzip -t` checks. No file access here.
 */
import CRC32 from "crc-32";
import { InputError } from "../errors.ts";
import { inflateRaw } from "./gzip.ts";

export interface ZipEntry {
  name: string;
  /** 0: stored, 8: deflated. */
  method: number;
  crc: number;
  compressedSize: number;
  /** The declared uncompressed size. */
  size: number;
  /** Where its local header starts. */
  offset: number;
  flags: number;
}

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;

/** True when the bytes start like a zip file. */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 3 &&
    bytes[3] === 4;
}

/** The entries of a zip, from its central directory; nothing is inflated. */
export function zipEntries(bytes: Uint8Array, path: string): ZipEntry[] {
  const bad = (problem: string): never => {
    throw new InputError(path, `not a valid zip file (${problem})`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end record sits in the last 22 bytes, or before a comment of up to 65,535 bytes.
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === END_OF_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) bad("no end of central directory: truncated?");
  const count = view.getUint16(end + 10, true);
  const size = view.getUint32(end + 12, true);
  let at = view.getUint32(end + 16, true);
  if (count === 0xffff || at === 0xffffffff) bad("zip64 files are not supported");
  if (at + size > end) bad("the central directory lies outside the file: truncated?");
  const entries: ZipEntry[] = [];
  const decoder = new TextDecoder();
  for (let k = 0; k < count; k++) {
    if (at + 46 > end || view.getUint32(at, true) !== DIRECTORY_ENTRY) {
      bad(`central directory entry ${k} is damaged`);
    }
    const nameLength = view.getUint16(at + 28, true);
    const extra = view.getUint16(at + 30, true);
    const comment = view.getUint16(at + 32, true);
    const entry = {
      name: decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength)),
      flags: view.getUint16(at + 8, true),
      method: view.getUint16(at + 10, true),
      crc: view.getUint32(at + 16, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      offset: view.getUint32(at + 42, true),
    };
    if ([entry.compressedSize, entry.size, entry.offset].includes(0xffffffff)) {
      bad("zip64 files are not supported");
    }
    entries.push(entry);
    at += 46 + nameLength + extra + comment;
  }
  return entries;
}

/**
 * The bytes of one entry, checked: local header, declared size (the caller checks first
 * that `entry.size` is one it can hold), CRC-32. `name` names it in errors (`z.zip:x.csv`).
 */
export function unzipEntry(
  bytes: Uint8Array,
  entry: ZipEntry,
  name: string,
): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const damaged = (problem: string): never => {
    throw new InputError(name, `damaged zip entry: ${problem} (unzip -t would refuse it too)`);
  };
  const at = entry.offset;
  if (at + 30 > bytes.length || view.getUint32(at, true) !== LOCAL_HEADER) {
    damaged("no local header where the directory says");
  }
  if (entry.flags & 1) throw new InputError(name, "encrypted zip entries are not supported");
  // Without a data descriptor (flag bit 3), the local header repeats the directory's sizes.
  if (!(entry.flags & 8)) {
    const local = [view.getUint32(at + 14, true), view.getUint32(at + 18, true)];
    const listed = [entry.crc, entry.compressedSize];
    if (
      local[0] !== listed[0] || local[1] !== listed[1] ||
      view.getUint32(at + 22, true) !== entry.size
    ) {
      damaged("its local header and the central directory disagree on its size or CRC");
    }
  }
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  if (start + entry.compressedSize > bytes.length) {
    damaged("its data runs past the end of the file");
  }
  const packed = bytes.subarray(start, start + entry.compressedSize);
  let data: Uint8Array;
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.size) {
      damaged(`stored, yet ${entry.compressedSize} bytes packed for ${entry.size} declared`);
    }
    data = packed;
  } else if (entry.method === 8) {
    data = inflateRaw(packed, name, {
      limit: entry.size,
      limitWhy: `its declared size (${entry.size} bytes): damaged`,
    });
    if (data.length !== entry.size) {
      damaged(`${data.length} bytes inflated, ${entry.size} declared`);
    }
  } else {
    throw new InputError(
      name,
      `compression method ${entry.method} is not supported (only stored and deflated)`,
    );
  }
  if (CRC32.buf(data) >>> 0 !== entry.crc) damaged("its CRC-32 does not match its data");
  return data;
}
