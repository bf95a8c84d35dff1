/**
 * What every command-line task shares: flag parsing with one-line errors, checked
 * numbers, loading the training/test data, and the `main` wrapper that turns user
 * errors into `error: …` on stderr with exit status 1 and no stack trace.
 */
import { parseArgs } from "node:util";
import { InputError, printable } from "../lib/errors.ts";
import { DivergenceError } from "../lib/training/train.ts";
import { type Dataset, take } from "../lib/data/dataset.ts";
import {
  locateMnist,
  type MnistFiles,
  mnistPaths,
  readMnist,
  requireMnist,
  type Split,
} from "../lib/io/mnist.ts";
import { type EngineName, ENGINES } from "../lib/engines/choose.ts";
import { layout } from "../lib/engines/fast/layout.ts";
import { fileKey, probeWritable } from "../lib/io/files.ts";
import type { Figure } from "../lib/pictures/plot.ts";

export interface Flag {
  type: "string" | "boolean";
  /** Shown in --help after the flag. */
  help: string;
  /** Shown in --help as the default; also the value when the flag is absent. */
  default?: string;
  /** The value's placeholder in --help, e.g. "N" or "FILE". */
  arg?: string;
}

export type Flags = Record<string, Flag>;

export interface Command {
  /** The task's name as in `deno task NAME`. */
  name: string;
  /** One paragraph: what it does. */
  summary: string;
  flags: Flags;
}

/** The --help text: usage, summary, one line per flag with its default. */
export function helpText(command: Command): string {
  const rows = Object.entries(command.flags).map(([name, f]) => {
    const left = `  --${name}${f.type === "string" ? ` ${f.arg ?? "VALUE"}` : ""}`;
    const def = f.default !== undefined ? ` (default: ${f.default})` : "";
    return `${left.padEnd(28)} ${f.help}${def}`;
  });
  return [
    `usage: deno task ${command.name} [flags]`,
    "",
    command.summary,
    "",
    "flags:",
    ...rows,
    `  --help${" ".repeat(22)} show this help and exit`,
  ].join("\n");
}

export type Values = Record<string, string | boolean | undefined>;

/**
 * Parses `args` strictly against the command's flags. `--help` prints the help and
 * returns undefined; an unknown flag, a missing value or a stray argument is an InputError.
 */
export function parseFlags(command: Command, args: string[]): Values | undefined {
  const options: Record<string, { type: "string" | "boolean"; default?: string }> = {
    help: { type: "boolean" },
  };
  for (const [name, f] of Object.entries(command.flags)) {
    options[name] = f.default !== undefined && f.type === "string"
      ? { type: f.type, default: f.default }
      : { type: f.type };
  }
  // node:util reads "--learning-rate -0.1" as a flag followed by another flag; a value
  // that looks like a negative number belongs to the flag, so it can be checked and named.
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i].startsWith("--") ? args[i].slice(2) : undefined;
    if (
      name !== undefined && options[name]?.type === "string" && /^-[\d.]/.test(args[i + 1] ?? "")
    ) {
      joined.push(`${args[i]}=${args[++i]}`);
    } else joined.push(args[i]);
  }
  let parsed;
  try {
    parsed = parseArgs({ args: joined, options, strict: true, allowPositionals: false });
  } catch (e) {
    throw new InputError(
      `${describeParseError(e as Error)} (see deno task ${command.name} --help)`,
    );
  }
  if (parsed.values.help) {
    console.log(helpText(command));
    return undefined;
  }
  // An empty path names no file: say so before anything resolves it to the current folder.
  for (const [name, f] of Object.entries(command.flags)) {
    if ((f.arg === "FILE" || f.arg === "PATH") && parsed.values[name] === "") {
      const what = f.arg === "FILE" ? "file" : "file or folder";
      throw new InputError(`--${name} '': expected a ${what} path`);
    }
  }
  return parsed.values as Values;
}

/** node:util's messages are long and mention its API; keep the flag and the problem. */
function describeParseError(e: Error): string {
  const m = e.message;
  const unknown = m.match(/Unknown option '([^']+)'/);
  if (unknown) return `unknown flag ${unknown[1]}`;
  const missing = m.match(/Option '(?:-\w, )?(--[\w-]+)[^']*' argument missing/);
  if (missing) return `${missing[1]} needs a value`;
  const positional = m.match(/Unexpected argument '([^']+)'/);
  if (positional) return `unexpected argument ${positional[1]}`;
  const bool = m.match(/Option '(--[\w-]+)' does not take an argument/);
  if (bool) return `${bool[1]} takes no value`;
  return m.split("\n")[0];
}

/** A string flag's value (or its default). */
export function text(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === "string" ? v : undefined;
}

/** A whole number ≥ 1. */
export function positiveInt(values: Values, name: string): number | undefined {
  const raw = text(values, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(n) || n < 1) {
    throw new InputError(`--${name} ${raw}: expected a whole number ≥ 1`);
  }
  return n;
}

/** A whole number ≥ 0 that fits the PRNG's 32-bit state. */
export function seed(values: Values, name = "seed"): number {
  const raw = text(values, name) ?? "1";
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new InputError(`--${name} ${raw}: expected a whole number from 0 to 4294967295`);
  }
  return n;
}

/** A finite number > 0 (a learning rate). */
export function positiveNumber(raw: string, flag: string): number {
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(n) || n <= 0) {
    throw new InputError(`--${flag} ${raw}: expected a number > 0`);
  }
  return n;
}

/** --engine: fast (default) or reference. */
export function engineName(values: Values): EngineName {
  const raw = text(values, "engine") ?? "fast";
  if (!(ENGINES as readonly string[]).includes(raw)) {
    throw new InputError(`--engine ${raw}: expected one of ${ENGINES.join(", ")}`);
  }
  return raw as EngineName;
}

/** True when the user typed the flag (its default does not count). */
export function given(args: string[], name: string): boolean {
  return args.some((a) => a === `--${name}` || a.startsWith(`--${name}=`));
}

/** The flags that choose the data set, shared by the tasks that read it. */
export const DATA_FLAGS: Flags = {
  data: {
    type: "string",
    arg: "PATH",
    help:
      "a folder of IDX files (raw or .gz), or a CSV file (mnist_train.csv, a .zip/.gz of it, or Kaggle-style with a header)",
    default: undefined,
  },
};

/** --engine, for the tasks that train or predict. */
export const ENGINE_FLAG: Flags = {
  engine: { type: "string", arg: "NAME", help: "fast or reference", default: "fast" },
};

/** What `train` and `tune` share: the network's size and seed, and the training data. */
export const TRAINING_FLAGS: Flags = {
  hidden: { type: "string", arg: "N", help: "hidden-layer size", default: "10" },
  seed: { type: "string", arg: "N", help: "seed of the initial weights", default: "1" },
  ...DATA_FLAGS,
  limit: { type: "string", arg: "N", help: "train on the first N samples only" },
};

/**
 * Runs `work`, putting `flag` before a lib error about the value the user typed
 * (`x.csv: line 3: …` → `--data x.csv: line 3: …`); errors about other files pass unchanged.
 */
export async function withFlag<T>(flag: string, value: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (
      e instanceof InputError && value !== "" && e.message.startsWith(`${value}:`)
    ) {
      throw new InputError(`${flag} ${e.message}`);
    }
    throw e;
  }
}

/**
 * Where a split is, from `--data` or the embedded MNIST, found before anything is read;
 * when `optional`, undefined for a --data folder without it.
 */
export async function locateData(
  split: Split,
  values: Values,
  optional = false,
): Promise<MnistFiles | undefined> {
  const path = text(values, "data");
  const locate = optional ? locateMnist : requireMnist;
  return await withFlag("--data", path ?? "", () => locate(split, path));
}

/** Reads located data, keeping the first `limit` samples. */
export async function readData(
  files: MnistFiles,
  values: Values,
  split: Split,
  limit?: number,
): Promise<Dataset> {
  const ds = await withFlag("--data", text(values, "data") ?? "", () => readMnist(files, split));
  return limit === undefined ? ds : take(ds, limit);
}

/** A file a run reads or writes, with the words that name it in an error. */
export interface NamedPath {
  path: string;
  /** How the user named it, e.g. `--out model.json` or `x.png (the PNG beside --plot x.svg)`. */
  label: string;
}

/** `--flag path`, as the user typed it. */
export function named(flag: string, path: string): NamedPath {
  return { path, label: `${flag} ${path === "" ? "''" : path}` };
}

/** The inputs a located data split is read from. */
export function dataInputs(files: MnistFiles | undefined): NamedPath[] {
  return files ? mnistPaths(files).map((p) => named("--data", p)) : [];
}

/**
 * The files a picture flag writes: an .svg path and the PNG beside it (when `twin`), or a
 * .png path (a real PNG). Any other name is an error naming the supported formats.
 */
export function picturePaths(flag: string, path: string, twin: boolean): NamedPath[] {
  const out = named(flag, path);
  if (/\.png$/i.test(path)) return [out];
  if (!/\.svg$/i.test(path)) {
    throw new InputError(
      `${out.label}: unsupported picture format: name it .svg${
        twin ? " (a PNG is written beside it)" : ""
      } or .png`,
    );
  }
  if (!twin) return [out];
  const png = path.replace(/\.svg$/i, ".png");
  return [out, { path: png, label: `${png} (the PNG beside ${out.label})` }];
}

/**
 * Checks, before any data is read or work is done, that a run's outputs can be written
 * and destroy nothing: each is a writable file path (a temporary file is created and
 * removed beside it), none is one of the inputs, and no two are the same file — compared
 * by device and inode (or real folder and name), not by spelling.
 */
export async function checkOutputs(inputs: NamedPath[], outputs: NamedPath[]): Promise<void> {
  for (const o of outputs) {
    try {
      await probeWritable(o.path);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      const detail = e.message.startsWith(`${o.path}: `)
        ? e.message.slice(o.path.length + 2)
        : e.message;
      throw new InputError(`${o.label}: ${detail}`);
    }
  }
  const keys = new Map<string, NamedPath>();
  for (const i of inputs) keys.set(await fileKey(i.path), i);
  const inputKeys = new Set(keys.keys());
  for (const o of outputs) {
    const key = await fileKey(o.path);
    const other = keys.get(key);
    if (other && inputKeys.has(key)) {
      throw new InputError(
        `${o.label} is the input ${other.label}: writing it would destroy it; nothing was written`,
      );
    }
    if (other) {
      throw new InputError(
        `${other.label} and ${o.label} are the same file: nothing was written`,
      );
    }
    keys.set(key, o);
  }
}

/**
 * Checks up front that the engine can hold `hidden` units, naming where the number comes
 * from (`--hidden 100000`, or a model file) and what to do instead.
 */
export function checkHidden(
  hidden: number,
  engine: EngineName,
  source = `--hidden ${hidden}`,
): void {
  if (engine !== "fast") return;
  try {
    layout(hidden, { count: 1 });
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    const limit = e.message.replace(/, got \d+$/, "");
    const instead = source.startsWith("--hidden") ? " or fewer hidden units" : "";
    throw new InputError(`${source}: ${limit}; use --engine reference (slower)${instead}`);
  }
}

/**
 * The files of a plot saved where the user asked: the SVG and a PNG beside it (x.svg →
 * x.png) for the README and every viewer, or only the PNG for a .png path.
 */
export function plotFiles(
  figure: Figure,
  path: string,
): { path: string; content: string | Uint8Array }[] {
  if (/\.png$/i.test(path)) return [{ path, content: figure.png }];
  return [{ path, content: figure.svg }, {
    path: path.replace(/\.svg$/i, ".png"),
    content: figure.png,
  }];
}

/** Prints an object as the one JSON document on stdout. */
export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

/** A divergence in the CLI's words: the library's message and the flag to change. */
export function divergence(e: DivergenceError): string {
  return `${e.message}; try a smaller --learning-rate`;
}

/**
 * Runs a task. User errors (bad flags, bad files, divergence) print one `error: …` line
 * and exit 1; anything else is a bug and prints `internal error: …` (stack with DEBUG=1).
 */
export async function main(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (e) {
    if (e instanceof InputError) {
      console.error(`error: ${e.message}`);
      Deno.exit(1);
    }
    if (e instanceof DivergenceError) {
      console.error(`error: ${divergence(e)}`);
      Deno.exit(1);
    }
    const err = e as Error;
    console.error(`internal error: ${printable(err?.message ?? String(e))}`);
    if (Deno.env.get("DEBUG")) console.error(err?.stack);
    Deno.exit(2);
  }
}
