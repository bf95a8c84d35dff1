/**
 * The tasks' flags: their declaration, the --help text, strict parsing with one-line errors,
 * and the values read one way everywhere (whole numbers in decimal digits only, numbers in
 * decimal or exponent form, `-` for stdout or stdin, file names that must be valid UTF-8).
 */
import { parseArgs } from "node:util";
import { InputError } from "../lib/errors.ts";
import { type EngineName, ENGINES } from "../lib/engines/choose.ts";
import { say } from "./console.ts";

export interface Flag {
  type: "string" | "boolean";
  /** Shown in --help after the flag. */
  help: string;
  /** Shown in --help as the default; also the value when the flag is absent. */
  default?: string;
  /** The value's placeholder in --help, e.g. "N", "FILE" (a file) or "PATH" (file or folder). */
  arg?: string;
}

export type Flags = Record<string, Flag>;

export interface Command {
  /** The task's name as in `deno task NAME`. */
  name: string;
  /** One paragraph: what it does. */
  summary: string;
  flags: Flags;
  /** Paragraphs after the flags: what is checked, where outputs go, the limits. */
  notes?: string[];
}

/** Wraps text at `width` columns, indenting every line by `indent`. */
function wrap(text: string, indent: string, width = 100): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines;
}

/** The --help text: usage, summary, one line per flag with its default, then the notes. */
export function helpText(command: Command): string {
  const rows = Object.entries(command.flags).flatMap(([name, f]) => {
    const left = `  --${name}${f.type === "string" ? ` ${f.arg ?? "VALUE"}` : ""}`;
    const def = f.default !== undefined ? ` (default: ${f.default})` : "";
    const [first, ...rest] = wrap(`${f.help}${def}`, " ".repeat(29));
    return [`${left.padEnd(28)} ${first.trimStart()}`, ...rest];
  });
  return [
    `usage: deno task ${command.name} [flags]`,
    "",
    ...wrap(command.summary, ""),
    "",
    "flags:",
    ...rows,
    `${"  --help".padEnd(28)} show this help and exit`,
    ...(command.notes ?? []).flatMap((n) => ["", ...wrap(n, "")]),
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
  // A string flag takes the next argument as its value unless that is a flag itself (`--x`):
  // `--learning-rate -0.1` and `--out -m.json` are values, to be checked and named.
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i].startsWith("--") ? args[i].slice(2) : undefined;
    const next = args[i + 1];
    if (
      name !== undefined && options[name]?.type === "string" && next !== undefined &&
      next.startsWith("-") && !next.startsWith("--")
    ) {
      joined.push(`${args[i]}=${next}`);
      i++;
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
    say(helpText(command));
    return undefined;
  }
  for (const [name, f] of Object.entries(command.flags)) {
    const value = parsed.values[name];
    if (f.arg !== "FILE" && f.arg !== "PATH" && f.arg !== "DIR") continue;
    if (typeof value !== "string") continue;
    // An empty path names no file: say so before anything resolves it to the current folder.
    if (value === "") {
      const what = f.arg === "FILE" ? "file" : f.arg === "DIR" ? "folder" : "file or folder";
      throw new InputError(`--${name} ''`, `expected a ${what} path`);
    }
    // Deno hands over a name that is not UTF-8 with U+FFFD in place of its bytes: used, it
    // would name another file.
    if (value.includes("\ufffd")) {
      throw new InputError(
        `--${name} ${value}`,
        "the name is not valid UTF-8 (or holds U+FFFD), and would name another file: rename it",
      );
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

/** Whole numbers are written in decimal digits: no sign, hex, exponent or spaces. */
const WHOLE = /^[0-9]+$/;
/** Numbers are decimal, with an optional exponent: 0.25, .5, 1e-3. */
const DECIMAL = /^[+]?([0-9]+\.?[0-9]*|\.[0-9]+)(e[-+]?[0-9]+)?$/i;

/** A whole number from `lowest` to `highest`, as `--name raw` in its errors. */
export function wholeNumber(raw: string, flag: string, lowest = 1, highest = 2 ** 53 - 1): number {
  const n = Number(raw);
  if (!WHOLE.test(raw) || n < lowest || n > highest) {
    const range = highest === 2 ** 53 - 1 ? `≥ ${lowest}` : `from ${lowest} to ${highest}`;
    throw new InputError(`--${flag} ${raw}`, `expected a whole number ${range}`);
  }
  return n;
}

/** A whole number ≥ 1. */
export function positiveInt(values: Values, name: string): number | undefined {
  const raw = text(values, name);
  return raw === undefined ? undefined : wholeNumber(raw, name);
}

/** A whole number ≥ 0 that fits the PRNG's 32-bit state. */
export function seed(values: Values, name = "seed"): number {
  return wholeNumber(text(values, name) ?? "1", name, 0, 0xffffffff);
}

/** The smallest normal float64: below it a learning rate loses its precision. */
const SMALLEST_NORMAL = 2.2250738585072014e-308;

/** A finite number > 0 (a learning rate). */
export function positiveNumber(raw: string, flag: string): number {
  const n = Number(raw);
  if (!DECIMAL.test(raw) || !Number.isFinite(n) || n <= 0) {
    throw new InputError(`--${flag} ${raw}`, "expected a number > 0");
  }
  if (n < SMALLEST_NORMAL) {
    throw new InputError(
      `--${flag} ${raw}`,
      "is below the smallest normal float64 (2.2e-308): no step would move a weight",
    );
  }
  return n;
}

/** --engine: fast (default) or reference. */
export function engineName(values: Values): EngineName {
  const raw = text(values, "engine") ?? "fast";
  if (!(ENGINES as readonly string[]).includes(raw)) {
    throw new InputError(`--engine ${raw}`, `expected one of ${ENGINES.join(", ")}`);
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
      "a folder of IDX files (raw or .gz), or a CSV file (mnist_train.csv, a .zip/.gz of it, or Kaggle-style with a header); - for stdin (default: the embedded MNIST)",
  },
};

/** --engine, for the tasks that train or predict. */
export const ENGINE_FLAG: Flags = {
  engine: {
    type: "string",
    arg: "NAME",
    help: "fast (WebAssembly, float32, up to 5348 hidden units) or reference (float64)",
    default: "fast",
  },
};

/** What `train` and `tune` share: the network's size and seed, and the training data. */
export const TRAINING_FLAGS: Flags = {
  hidden: { type: "string", arg: "N", help: "hidden-layer size", default: "10" },
  seed: { type: "string", arg: "N", help: "seed of the initial weights", default: "1" },
  ...DATA_FLAGS,
  limit: { type: "string", arg: "N", help: "train on the first N samples only" },
};

/** What every task's --help says about outputs and errors (docs/cli.md has it all). */
export const OUTPUT_NOTES = [
  "Outputs: FILE - means stdout, as does any name of the task's stdout (/dev/stdout); the summary then goes to stderr. A file is replaced atomically (its mode kept, and its owner where the system allows; its other hard links keep the old content, and a note says so); a symlink's target gets the new content; stdout, a FIFO, /dev/null or a terminal are written through; other devices, sockets, files of /proc or /sys, and names ending in / are refused. Every output is checked before the work starts.",
  "Errors are one line (error: …) naming the flag and the file, exit status 1. A signal (SIGINT, SIGTERM, SIGHUP) leaves every output as it was, and no temporary file. Details: docs/cli.md.",
];
