/**
 * A run's outputs, checked before any work and written at its end: each is a place that can
 * take it (lib/io/files.ts probeWritable), none is an input or another output (compared as
 * files, not names), stdout takes at most one of them (the summary then goes to stderr), and
 * a picture's format is known from its name.
 */
import { InputError } from "../lib/errors.ts";
import { fileKey, probeWritable } from "../lib/io/files.ts";
import { sweepStale } from "../lib/io/temporaries.ts";
import { writeFilesAtomic } from "../lib/io/write.ts";
import type { Figure } from "../lib/pictures/plot.ts";
import { note, summaryToStderr } from "./console.ts";
import { describe, label, named, type NamedPath, twin } from "./paths.ts";

/**
 * The files a picture flag writes: an .svg path and the PNG beside it (when `withPng`), or
 * a .png path (a real PNG). Any other name is an error naming the supported formats.
 */
export function picturePaths(flag: string, path: string, withPng: boolean): NamedPath[] {
  const out = named(flag, path);
  if (/\.png$/i.test(path)) return [out];
  if (!/\.svg$/i.test(path)) {
    throw new InputError(
      label(out),
      `unsupported picture format: name it .svg${
        withPng ? " (a PNG is written beside it)" : ""
      } or .png`,
    );
  }
  if (!withPng) return [out];
  return [out, twin(out, path.replace(/\.svg$/i, ".png"))];
}

/**
 * Checks, before any data is read or work is done, that a run's outputs can be written and
 * destroy nothing (see the module's comment). `json`: the summary is JSON on stdout.
 */
export function checkOutputs(inputs: NamedPath[], outputs: NamedPath[], json = false): void {
  let onStdout: NamedPath | undefined;
  for (const o of outputs) {
    if (probeWritable(o.path).kind !== "stdout") continue;
    if (onStdout) {
      throw new InputError(`${label(onStdout)} and ${label(o)} both want stdout: give one a file`);
    }
    if (json) {
      throw new InputError(`${label(o)} and --json both want stdout: give ${o.flag} a file`);
    }
    onStdout = o;
  }
  if (onStdout) summaryToStderr();
  const keys = new Map<string, NamedPath>();
  for (const i of inputs) {
    // A commit of several outputs that a kill cut short is finished before one is read.
    const real = regularTarget(i.path);
    if (real) sweepStale(real);
    const key = fileKey(i.path);
    const other = keys.get(key);
    // A pipe gives its bytes once: read as two inputs, the second would find it empty.
    const sameName = other?.path === i.path && other.flag === i.flag;
    if (other && !sameName && !isRegular(i.path)) {
      throw new InputError(
        `${label(other)} and ${label(i)} are the same stream, which can be read only once`,
      );
    }
    keys.set(key, i);
  }
  const inputKeys = new Set(keys.keys());
  for (const o of outputs) {
    const key = fileKey(o.path);
    const other = keys.get(key);
    if (other && inputKeys.has(key)) {
      throw new InputError(
        `${label(o)} is the input ${
          label(other)
        }: writing it would destroy it; nothing was written`,
      );
    }
    if (other) {
      throw new InputError(
        `${label(other)} and ${label(o)} are the same file: nothing was written`,
      );
    }
    keys.set(key, o);
  }
}

/** The real path of a regular file, or undefined. */
function regularTarget(path: string): string | undefined {
  try {
    return Deno.statSync(path).isFile ? Deno.realPathSync(path) : undefined;
  } catch {
    return undefined;
  }
}

function isRegular(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return true;
  }
}

/**
 * The files of a plot saved where the user asked: the SVG and a PNG beside it (x.svg →
 * x.png) for the README and every viewer, or only the PNG for a .png path.
 */
export function plotFiles(
  figure: Figure,
  plots: NamedPath[],
): { path: string; content: string | Uint8Array }[] {
  return plots.map((p) => ({
    path: p.path,
    content: p.twinOf || /\.png$/i.test(p.path) ? figure.png : figure.svg,
  }));
}

/** Writes the outputs together (lib/io/write.ts) and says what the user should know. */
export async function save(files: { path: string; content: string | Uint8Array }[]): Promise<void> {
  const notes = await writeFilesAtomic(files);
  for (const n of notes) note(`note: ${describe(new InputError(n.subject, n.text))}`);
}
