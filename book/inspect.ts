/**
 * The text form of a value, as Deno's kernel shows a cell's last value and `console.log`
 * prints objects: Deno's inspect, which is Node's util.inspect (depth 4, compact 3, lines of
 * at most 80 characters, short array entries in columns) with strings in double quotes.
 * tests/book_units.test.ts compares it with Deno.inspect itself.
 */

const DEPTH = 4;
const COMPACT = 3;
const BREAK_LENGTH = 80;
const MAX_ARRAY_LENGTH = 100;

interface Context {
  seen: unknown[];
  circular: Map<unknown, number>;
  indentationLvl: number;
  currentDepth: number;
}

/** The settled state of promises, found by the kernel before it formats a value. */
export const promiseStates = new WeakMap<
  Promise<unknown>,
  { state: "fulfilled" | "rejected"; value: unknown }
>();

const IDENTIFIER = /^[a-zA-Z_][a-zA-Z_0-9]*$/;

const ESCAPES: Record<string, string> = {
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\v": "\\v",
  "\\": "\\\\",
};

/** A string in the first of ", ' and ` that it does not contain, escaped. */
export function quote(s: string): string {
  const q = ['"', "'", "`"].find((c) => !s.includes(c)) ?? '"';
  let out = "";
  for (const c of s) {
    const code = c.charCodeAt(0);
    if (c === q) out += "\\" + c;
    else if (ESCAPES[c]) out += ESCAPES[c];
    else if (code < 0x20 || code === 0x7f) out += "\\x" + code.toString(16).padStart(2, "0");
    else out += c;
  }
  return q + out + q;
}

function formatNumber(n: number): string {
  return Object.is(n, -0) ? "-0" : String(n);
}

function formatPrimitive(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      return quote(value);
    case "number":
      return formatNumber(value);
    case "bigint":
      return `${value}n`;
    case "boolean":
      return String(value);
    case "undefined":
      return "undefined";
    case "symbol":
      return value.toString();
  }
  if (value === null) return "null";
  return undefined;
}

function constructorName(value: object): string | null {
  let proto = Object.getPrototypeOf(value);
  while (proto !== null) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, "constructor");
    if (descriptor && typeof descriptor.value === "function" && descriptor.value.name !== "") {
      return descriptor.value.name;
    }
    proto = Object.getPrototypeOf(proto);
  }
  return null;
}

function functionBase(fn: (...args: unknown[]) => unknown): string {
  const source = Function.prototype.toString.call(fn);
  if (source.startsWith("class") && source.endsWith("}")) {
    return `[class ${fn.name || "(anonymous)"}]`;
  }
  const kind = constructorName(fn) ?? "Function";
  return fn.name ? `[${kind}: ${fn.name}]` : `[${kind} (anonymous)]`;
}

function isBelowBreakLength(output: string[], start: number, base: string): boolean {
  let total = output.length + start;
  if (total + output.length > BREAK_LENGTH) return false;
  for (const entry of output) {
    total += entry.length;
    if (total > BREAK_LENGTH) return false;
  }
  return base === "" || !base.includes("\n");
}

/** Short entries of long arrays in columns, as Node does. */
function groupArrayElements(ctx: Context, output: string[], value: ArrayLike<unknown>): string[] {
  let totalLength = 0, maxLength = 0;
  let outputLength = output.length;
  if (output.length > MAX_ARRAY_LENGTH || output[outputLength - 1].startsWith("... ")) {
    if (output[outputLength - 1].startsWith("... ")) outputLength--;
  }
  const separatorSpace = 2;
  const dataLen: number[] = new Array(outputLength);
  for (let i = 0; i < outputLength; i++) {
    const len = output[i].length;
    dataLen[i] = len;
    totalLength += len + separatorSpace;
    if (maxLength < len) maxLength = len;
  }
  const actualMax = maxLength + separatorSpace;
  if (
    actualMax * 3 + ctx.indentationLvl < BREAK_LENGTH &&
    (totalLength / actualMax > 5 || maxLength <= 6)
  ) {
    const averageBias = Math.sqrt(actualMax - totalLength / output.length);
    const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
    const columns = Math.min(
      Math.round(Math.sqrt(2.5 * biasedMax * outputLength) / biasedMax),
      Math.floor((BREAK_LENGTH - ctx.indentationLvl) / actualMax),
      COMPACT * 4,
      15,
    );
    if (columns <= 1) return output;
    const maxLineLength: number[] = [];
    for (let i = 0; i < columns; i++) {
      let lineLength = 0;
      for (let j = i; j < output.length; j += columns) {
        if (dataLen[j] > lineLength) lineLength = dataLen[j];
      }
      maxLineLength.push(lineLength + separatorSpace);
    }
    let padStart = true;
    for (let i = 0; i < outputLength; i++) {
      if (typeof value[i] !== "number" && typeof value[i] !== "bigint") {
        padStart = false;
        break;
      }
    }
    const grouped: string[] = [];
    for (let i = 0; i < outputLength; i += columns) {
      const max = Math.min(i + columns, outputLength);
      let line = "";
      let j = i;
      for (; j < max - 1; j++) {
        const cell = `${output[j]}, `;
        line += padStart
          ? cell.padStart(maxLineLength[j - i], " ")
          : cell.padEnd(maxLineLength[j - i], " ");
      }
      line += padStart ? output[j].padStart(maxLineLength[j - i] - separatorSpace, " ") : output[j];
      grouped.push(line);
    }
    if (outputLength < output.length) grouped.push(output[outputLength]);
    return grouped;
  }
  return output;
}

function reduceToSingleString(
  ctx: Context,
  output: string[],
  base: string,
  braces: [string, string],
  isArrayLike: boolean,
  recurseTimes: number,
  value: unknown,
): string {
  const entries = output.length;
  if (isArrayLike && entries > 6) output = groupArrayElements(ctx, output, value as unknown[]);
  if (ctx.currentDepth - recurseTimes < COMPACT && entries === output.length) {
    const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
    if (isBelowBreakLength(output, start, base)) {
      const joined = output.join(", ");
      if (!joined.includes("\n")) {
        return `${base ? `${base} ` : ""}${braces[0]} ${joined} ${braces[1]}`;
      }
    }
  }
  const indentation = `\n${" ".repeat(ctx.indentationLvl)}`;
  return `${base ? `${base} ` : ""}${braces[0]}${indentation}  ${
    output.join(`,${indentation}  `)
  }${indentation}${braces[1]}`;
}

function formatKey(key: string | symbol): string {
  if (typeof key === "symbol") return key.toString();
  return IDENTIFIER.test(key) ? key : quote(key);
}

function formatProperty(
  ctx: Context,
  value: object,
  recurseTimes: number,
  key: string | symbol,
  arrayEntry: boolean,
): string {
  const desc = Object.getOwnPropertyDescriptor(value, key) ??
    { value: (value as Record<string | symbol, unknown>)[key], enumerable: true };
  let str: string;
  if (desc.value !== undefined || !("get" in desc || "set" in desc)) {
    ctx.indentationLvl += 2;
    str = formatValue(ctx, desc.value, recurseTimes);
    ctx.indentationLvl -= 2;
  } else if (desc.get !== undefined) {
    str = desc.set !== undefined ? "[Getter/Setter]" : "[Getter]";
  } else {
    str = desc.set !== undefined ? "[Setter]" : "undefined";
  }
  return arrayEntry ? str : `${formatKey(key)}: ${str}`;
}

type TypedArray = Float64Array | Float32Array | Uint8Array | Int32Array;

function isTypedArray(value: unknown): value is TypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

function formatValue(ctx: Context, value: unknown, recurseTimes: number): string {
  const primitive = formatPrimitive(value);
  if (primitive !== undefined) return primitive;
  const object = value as object;
  if (ctx.seen.includes(object)) {
    let index = ctx.circular.get(object);
    if (index === undefined) {
      index = ctx.circular.size + 1;
      ctx.circular.set(object, index);
    }
    return `[Circular *${index}]`;
  }
  return formatRaw(ctx, object, recurseTimes);
}

function formatRaw(ctx: Context, value: object, recurseTimes: number): string {
  const name = constructorName(value);
  let keys: (string | symbol)[] = Object.keys(value);
  const symbols = Object.getOwnPropertySymbols(value).filter((s) =>
    Object.getOwnPropertyDescriptor(value, s)?.enumerable
  );
  keys.push(...symbols);
  const prefix = (fallback: string, size = "") => {
    const n = name ?? `[${fallback}: null prototype]`;
    return n === fallback && size === "" ? "" : `${n}${size} `;
  };
  let base = "";
  let braces: [string, string] = ["{", "}"];
  let isArrayLike = false;
  let formatter: (() => string[]) | undefined;
  let noEntries = false;

  if (Array.isArray(value)) {
    const shown = Math.min(value.length, MAX_ARRAY_LENGTH);
    keys = keys.filter((k) => typeof k === "symbol" || !/^(0|[1-9]\d*)$/.test(k));
    braces = [`${name === "Array" ? "" : prefix("Array", `(${value.length})`)}[`, "]"];
    isArrayLike = true;
    noEntries = value.length === 0;
    formatter = () => {
      const out: string[] = [];
      let holes = 0;
      const flushHoles = () => {
        if (holes) out.push(`<${holes} empty item${holes > 1 ? "s" : ""}>`);
        holes = 0;
      };
      for (let i = 0; i < shown; i++) {
        if (!Object.hasOwn(value, i)) {
          holes++;
          continue;
        }
        flushHoles();
        out.push(formatProperty(ctx, value, recurseTimes, String(i), true));
      }
      flushHoles();
      if (value.length > shown) {
        const rest = value.length - shown;
        out.push(`... ${rest} more item${rest > 1 ? "s" : ""}`);
      }
      return out;
    };
  } else if (isTypedArray(value)) {
    const length = value.length;
    const shown = Math.min(length, MAX_ARRAY_LENGTH);
    keys = keys.filter((k) => typeof k === "symbol" || !/^(0|[1-9]\d*)$/.test(k));
    braces = [`${name ?? "TypedArray"}(${length}) [`, "]"];
    isArrayLike = true;
    noEntries = length === 0;
    formatter = () => {
      const out: string[] = [];
      for (let i = 0; i < shown; i++) out.push(formatNumber(value[i]));
      if (length > shown) {
        out.push(`... ${length - shown} more item${length - shown > 1 ? "s" : ""}`);
      }
      return out;
    };
  } else if (value instanceof Map) {
    braces = [`${prefix("Map", `(${value.size})`)}{`, "}"];
    noEntries = value.size === 0;
    formatter = () => {
      const out: string[] = [];
      ctx.indentationLvl += 2;
      for (const [k, v] of value) {
        out.push(`${formatValue(ctx, k, recurseTimes)} => ${formatValue(ctx, v, recurseTimes)}`);
      }
      ctx.indentationLvl -= 2;
      return out;
    };
  } else if (value instanceof Set) {
    braces = [`${prefix("Set", `(${value.size})`)}{`, "}"];
    noEntries = value.size === 0;
    formatter = () => {
      const out: string[] = [];
      ctx.indentationLvl += 2;
      for (const v of value) out.push(formatValue(ctx, v, recurseTimes));
      ctx.indentationLvl -= 2;
      return out;
    };
  } else if (typeof value === "function") {
    base = functionBase(value as (...args: unknown[]) => unknown);
    keys = keys.filter((k) => k !== "prototype");
    if (keys.length === 0) return base;
  } else if (value instanceof Date) {
    base = Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
    if (keys.length === 0) return base;
  } else if (value instanceof RegExp) {
    base = String(value);
    if (keys.length === 0) return base;
  } else if (value instanceof Error) {
    base = value.stack ?? `${value.name}: ${value.message}`;
    keys = keys.filter((k) => k !== "stack" && k !== "message");
    if (keys.length === 0) return base;
  } else if (value instanceof Promise) {
    const settled = promiseStates.get(value);
    braces = ["Promise {", "}"];
    formatter = () => {
      if (!settled) return ["<pending>"];
      ctx.indentationLvl += 2;
      const shown = formatValue(ctx, settled.value, recurseTimes);
      ctx.indentationLvl -= 2;
      return [settled.state === "rejected" ? `<rejected> ${shown}` : shown];
    };
  } else {
    if (name === null) braces = ["[Object: null prototype] {", "}"];
    else if (name !== "Object") braces = [`${name} {`, "}"];
    if (keys.length === 0) return `${braces[0]}}`;
  }

  if (recurseTimes > DEPTH) {
    return `[${name ?? "Object"}]`;
  }
  recurseTimes += 1;
  ctx.seen.push(value);
  ctx.currentDepth = recurseTimes;
  const output = formatter ? formatter() : [];
  for (const key of keys) output.push(formatProperty(ctx, value, recurseTimes, key, false));
  ctx.seen.pop();
  const index = ctx.circular.get(value);
  if (index !== undefined) {
    const reference = `<ref *${index}>`;
    base = base ? `${reference} ${base}` : reference;
  }
  if (output.length === 0 && (noEntries || formatter)) {
    return `${base ? `${base} ` : ""}${braces[0]}${braces[1]}`;
  }
  if (output.length === 0) return base || `${braces[0]}}`;
  return reduceToSingleString(ctx, output, base, braces, isArrayLike, recurseTimes, value);
}

/** The text form of a value, as Deno.inspect(value) gives it without colours. */
export function inspect(value: unknown): string {
  return formatValue(
    { seen: [], circular: new Map(), indentationLvl: 0, currentDepth: 0 },
    value,
    0,
  );
}

/** console.log's line: strings as they are, other values inspected, separated by spaces. */
export function formatLogArgs(args: unknown[]): string {
  return args.map((a) => typeof a === "string" ? a : inspect(a)).join(" ");
}
