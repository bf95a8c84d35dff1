/**
 * The files a run reads and writes, each with the flag that named it, so that an error about
 * a file (lib's InputError: its subject and its problem) is said with that flag in front:
 * `--data x/train-images-idx3-ubyte: truncated …`. `-` is stdout for an output flag and stdin
 * for an input flag, the same for every task.
 */
import { resolve } from "node:path";
import { InputError, printable, shortened } from "../lib/errors.ts";

export interface NamedPath {
  /** The path to use. */
  path: string;
  /** The flag that named it, e.g. `--out`. */
  flag: string;
  /** The value as typed (`-` for /dev/stdout). */
  given: string;
  /** For a PNG written beside an SVG: the SVG's flag and path. */
  twinOf?: NamedPath;
  role: "input" | "output";
}

const known: NamedPath[] = [];

/** How the user named it, e.g. `--out model.json` or `x.png (the PNG beside --plot x.svg)`. */
export function label(p: NamedPath): string {
  if (p.twinOf) return `${shortened(p.path)} (the PNG beside ${label(p.twinOf)})`;
  return `${p.flag} ${p.given === "" ? "''" : shortened(p.given)}`;
}

/** `--flag path` for a file the run writes (`-`: stdout) or reads (`-`: stdin). */
export function named(flag: string, given: string, role: "input" | "output" = "output"): NamedPath {
  const path = given === "-" ? (role === "output" ? "/dev/stdout" : "/dev/stdin") : given;
  const p = { path, flag, given, role };
  known.push(p);
  return p;
}

/** A PNG written beside `svg`, at `path`. */
export function twin(svg: NamedPath, path: string): NamedPath {
  const p = { path, flag: svg.flag, given: path, twinOf: svg, role: "output" as const };
  known.push(p);
  return p;
}

/** Whether `inner` is `outer` or lies in it (a file of a --data folder, an entry of a zip). */
function within(inner: string, outer: string): boolean {
  const a = resolve(inner), b = resolve(outer);
  return a === b || a.startsWith(`${b}/`) || a.startsWith(`${b}:`);
}

/**
 * An InputError's one line, its subject named by the flag that gave it: the same file, a file
 * inside a --data folder (or zip), or else the subject as lib named it.
 */
export function describe(e: InputError): string {
  const subject = e.subject;
  if (subject === undefined) return e.message;
  const exact = known.findLast((p) => p.path === subject || p.given === subject);
  if (exact) return printable(`${label(exact)}: ${e.problem}`);
  const folder = known.findLast((p) => p.role === "input" && within(subject, p.path));
  if (folder) return printable(`${folder.flag} ${shortened(subject)}: ${e.problem}`);
  return e.message;
}
