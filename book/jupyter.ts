/**
 * What Deno's kernel gives a cell as `Deno.jupyter`, and how it turns a value into the MIME
 * bundle a notebook stores: an object's `Symbol.for("Jupyter.display")` bundle, PNG bytes as
 * an image, an SVG or HTML element as its markup, anything else as its text form (inspect).
 * Outputs are nbformat's JSON shapes, so the page stores and compares them as Jupyter does.
 */
import { inspect, promiseStates } from "./inspect.ts";

export type Bundle = Record<string, unknown>;

export type Output =
  | { output_type: "stream"; name: "stdout" | "stderr"; text: string }
  | { output_type: "display_data"; data: Bundle; metadata: Record<string, unknown> }
  | {
    output_type: "execute_result";
    data: Bundle;
    metadata: Record<string, unknown>;
    execution_count: number;
  }
  | { output_type: "error"; ename: string; evalue: string; traceback: string[] };

/** nbformat stores multi-line strings as arrays of lines. */
export function joinText(value: unknown): string {
  return Array.isArray(value) ? value.join("") : String(value ?? "");
}

export const $display = Symbol.for("Jupyter.display");

export interface DisplayOptions {
  raw?: boolean;
  update?: boolean;
  display_id?: string;
}

function displayable(bundle: Bundle) {
  return { [$display]: () => bundle };
}

/** A tagged template's text: its (cooked) strings with the values between them. */
function joined(strings: TemplateStringsArray, values: unknown[]): string {
  let out = "";
  strings.forEach((s, i) => {
    out += s;
    if (i < values.length) out += values[i];
  });
  return out;
}

function isPng(bytes: Uint8Array): boolean {
  return bytes.length > 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e &&
    bytes[3] === 0x47;
}

function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

/** Records a promise's state (if settled) so that inspect can show it, as Deno's does. */
async function settle(value: unknown): Promise<void> {
  if (!(value instanceof Promise)) return;
  const pending = Symbol();
  const result = await Promise.race([
    value.then(
      (v) => ({ state: "fulfilled" as const, value: v }),
      (e) => ({ state: "rejected" as const, value: e }),
    ),
    // two turns later than the settled promise's own reaction
    Promise.resolve().then().then(() => pending),
  ]);
  if (result !== pending) promiseStates.set(value, result as never);
}

/** The MIME bundle of a value, as Deno's kernel makes it. */
export async function format(value: unknown): Promise<Bundle> {
  if (value !== null && typeof value === "object" || typeof value === "function") {
    const method = (value as { [$display]?: () => Bundle | Promise<Bundle> })[$display];
    if (typeof method === "function") return await method.call(value);
    if (value instanceof Uint8Array && isPng(value)) return { "image/png": base64(value) };
    const element = value as { outerHTML?: unknown; namespaceURI?: unknown };
    if (typeof element.outerHTML === "string") {
      return element.namespaceURI === "http://www.w3.org/2000/svg"
        ? { "image/svg+xml": element.outerHTML }
        : { "text/html": element.outerHTML };
    }
  }
  await settle(value);
  return { "text/plain": inspect(value) };
}

/** Whether Deno's kernel shows a cell's value at all (it skips undefined, null and bigints). */
export function shown(value: unknown): boolean {
  return value !== undefined && value !== null && typeof value !== "bigint";
}

export interface Sink {
  display(data: Bundle, displayId: string | undefined, update: boolean): void;
}

/** `Deno.jupyter` for cells, sending displays to `sink`. */
export function jupyterNamespace(sink: Sink) {
  return {
    $display,
    md: (strings: TemplateStringsArray, ...values: unknown[]) =>
      displayable({ "text/markdown": joined(strings, values) }),
    html: (strings: TemplateStringsArray, ...values: unknown[]) =>
      displayable({ "text/html": joined(strings, values) }),
    svg: (strings: TemplateStringsArray, ...values: unknown[]) =>
      displayable({ "image/svg+xml": joined(strings, values) }),
    format,
    async display(value: unknown, options: DisplayOptions = {}): Promise<void> {
      const data = options.raw ? value as Bundle : await format(value);
      sink.display(data, options.display_id, options.update === true);
    },
    image(bytes: Uint8Array) {
      return displayable({ "image/png": base64(bytes) });
    },
  };
}

/**
 * Consecutive stream outputs of the same stream joined into one, as tools/nbrun.py stores
 * them (the kernel sends one message per console.log).
 */
export function coalesceStreams(outputs: Output[]): Output[] {
  const merged: Output[] = [];
  for (const output of outputs) {
    const previous = merged.at(-1);
    if (
      output.output_type === "stream" && previous?.output_type === "stream" &&
      previous.name === output.name
    ) {
      merged[merged.length - 1] = { ...previous, text: previous.text + output.text };
    } else merged.push(output);
  }
  return merged;
}
