/**
 * The book's kernel: a module worker that runs a notebook's cells one after the other with
 * Jupyter's semantics (transform.ts), as Deno's kernel would: console output as streams, the
 * last value displayed, `Deno.jupyter.display` with live updates, the project's files read
 * from the site, imports of `../lib/…` and `node:assert/strict` from the modules bundled in.
 * The page stops a cell by ending this worker (a busy loop never yields), as Jupyter restarts
 * a kernel it cannot interrupt.
 */
import { type FileInfo, NotFound, PermissionDenied, SiteFiles } from "./files.ts";
import { inspect } from "./inspect.ts";
import { formatLogArgs } from "./inspect.ts";
import { type Bundle, format, jupyterNamespace, type Output, shown } from "./jupyter.ts";
import type { Reply, Request } from "./notebook.ts";
import { CELL_DENO, CELL_IMPORT, CELL_MATH, CellSyntaxError, transformCell } from "./transform.ts";

/** A namespace made when a cell first imports it. */
export class Lazy {
  constructor(readonly load: () => object | Promise<object>) {}
}

/** A bundled module's namespace, or the Lazy that makes it. */
export type ModuleSource = object | Lazy;

/** The specifier a cell imports, as a key of the modules: `lib/…` or `node:…`. */
export function moduleKey(specifier: string): string {
  if (specifier === "node:assert" || specifier === "assert") return "node:assert";
  if (specifier === "node:assert/strict" || specifier === "assert/strict") {
    return "node:assert/strict";
  }
  if (specifier.startsWith("node:") || !/^\.\.?\//.test(specifier)) return specifier;
  return new URL(specifier, "file:///project/notebooks/cell.ts").pathname.replace(
    /^\/project\//,
    "",
  );
}

/** Math.min and Math.max over an array, with their results (NaN, −0 and 0, empty). */
export const spreadMath = {
  min(values: unknown[]): number {
    let result = Infinity, nan = false;
    for (const x of values) {
      const v = Number(x);
      if (Number.isNaN(v)) nan = true;
      else if (v < result || (v === 0 && result === 0 && Object.is(v, -0))) result = v;
    }
    return nan ? NaN : result;
  },
  max(values: unknown[]): number {
    let result = -Infinity, nan = false;
    for (const x of values) {
      const v = Number(x);
      if (Number.isNaN(v)) nan = true;
      else if (v > result || (v === 0 && result === 0 && Object.is(result, -0))) result = v;
    }
    return nan ? NaN : result;
  },
};

export interface KernelOptions {
  modules: Record<string, ModuleSource>;
  /** Where the site's files/ folder is. */
  files: URL;
  threads: 1 | 2;
}

export function startKernel(options: KernelOptions): void {
  // The worker's own functions, kept before any cell can declare a global of the same name.
  // deno-lint-ignore no-explicit-any
  const scope = globalThis as any;
  const post: (reply: Reply) => void = scope.postMessage.bind(scope);
  const createObjectURL = URL.createObjectURL.bind(URL);
  const revokeObjectURL = URL.revokeObjectURL.bind(URL);
  const define = Object.defineProperty;
  const describe = Object.getOwnPropertyDescriptor;
  const BlobClass = Blob;
  const loaded = new Map<string, Promise<object>>();
  const available = Object.keys(options.modules).sort();
  const importModule = (specifier: string): Promise<object> => {
    const key = moduleKey(String(specifier));
    let namespace = loaded.get(key);
    if (!namespace) {
      const source = options.modules[key];
      if (source === undefined) {
        return Promise.reject(
          new TypeError(
            `Module not found "${specifier}": the book bundles ${
              available.filter((k) => !k.startsWith("node:")).length
            } modules of lib/ (../lib/…) and node:assert/strict`,
          ),
        );
      }
      namespace = Promise.resolve(source instanceof Lazy ? source.load() : source);
      loaded.set(key, namespace);
    }
    return namespace;
  };

  let files: Promise<SiteFiles> | undefined;
  const site = () => files ??= SiteFiles.load(options.files);

  let current = -1;
  const emit = (output: Output, displayId?: string) =>
    post({ type: "output", id: current, output, displayId });

  const stream = (name: "stdout" | "stderr") => (...args: unknown[]) =>
    emit({ output_type: "stream", name, text: formatLogArgs(args) + "\n" });
  const stdout = stream("stdout"), stderr = stream("stderr");
  for (const name of ["log", "info", "debug", "trace"]) scope.console[name] = stdout;
  for (const name of ["error", "warn"]) scope.console[name] = stderr;
  scope.console.dir = (value: unknown) => stdout(inspect(value));
  scope.console.table = (value: unknown) => stdout(inspect(value));

  const jupyter = jupyterNamespace({
    display(data: Bundle, displayId: string | undefined, update: boolean) {
      if (update && displayId !== undefined) {
        post({ type: "update", id: current, displayId, data });
      } else emit({ output_type: "display_data", data, metadata: {} }, displayId);
    },
  });

  const refuse = (what: string) => () =>
    Promise.reject(new PermissionDenied(`${what}: the book cannot write files`));
  const cellDeno = {
    jupyter,
    errors: { NotFound, PermissionDenied },
    readTextFile: async (path: string | URL) => (await site()).readTextFile(path),
    readFile: async (path: string | URL) => (await site()).readFile(path),
    stat: async (path: string | URL): Promise<FileInfo> => (await site()).stat(path),
    lstat: async (path: string | URL): Promise<FileInfo> => (await site()).stat(path),
    writeTextFile: refuse("writeTextFile"),
    writeFile: refuse("writeFile"),
    remove: refuse("remove"),
    mkdir: refuse("mkdir"),
    cwd: () => "/project/notebooks",
    env: { get: (_: string) => undefined, toObject: () => ({}) },
    inspect: (value: unknown) => inspect(value),
    noColor: true,
    build: { os: "browser", arch: "wasm" },
  };
  define(scope, Symbol.for(CELL_DENO), { value: cellDeno });
  define(scope, Symbol.for(CELL_IMPORT), { value: importModule });
  define(scope, Symbol.for(CELL_MATH), { value: spreadMath });

  let executionCount = 0;

  /** Makes each declared name a writable global (shadowing the worker's own, if any). */
  function declare(names: string[]): void {
    for (const name of names) {
      const own = describe(scope, name);
      if (own && "value" in own && own.writable) continue;
      define(scope, name, {
        value: own && "value" in own ? own.value : undefined,
        writable: true,
        configurable: true,
        enumerable: true,
      });
    }
  }

  /** The line and column in the cell where `error` was thrown, from its stack. */
  function where(error: unknown, url: string): [number, number] | undefined {
    const stack = String((error as Error)?.stack ?? "");
    for (const line of stack.split("\n")) {
      const at = line.indexOf(url);
      if (at < 0) continue;
      const m = line.slice(at + url.length).match(/^:(\d+):(\d+)/);
      if (m) return [Number(m[1]), Number(m[2])];
    }
    return undefined;
  }

  function errorOutput(error: unknown, position?: [number, number]): Output {
    const e = error as { name?: unknown; message?: unknown };
    const isError = error instanceof Error ||
      (error !== null && typeof error === "object" && "message" in error);
    const ename = isError ? String(e.name ?? "Error") : "Error";
    const evalue = isError ? String(e.message ?? "") : `Uncaught ${inspect(error)}`;
    const traceback = [`${ename}: ${evalue}`];
    if (position) traceback.push(`    at line ${position[0]}, column ${position[1]} of this cell`);
    return { output_type: "error", ename, evalue, traceback };
  }

  async function run(id: number, source: string): Promise<void> {
    current = id;
    const count = ++executionCount;
    let ok = true;
    try {
      let url = "";
      try {
        const cell = transformCell(source);
        declare(cell.declared);
        url = createObjectURL(new BlobClass([cell.code], { type: "text/javascript" }));
        const namespace = await import(url);
        const value = namespace.__cellValue;
        if (shown(value)) {
          emit({
            output_type: "execute_result",
            data: await format(value),
            metadata: {},
            execution_count: count,
          });
        }
      } catch (e) {
        ok = false;
        const position = e instanceof CellSyntaxError
          ? [e.line, e.column] as [number, number]
          : where(e, url);
        emit(errorOutput(e, position));
      } finally {
        if (url) revokeObjectURL(url);
      }
    } finally {
      post({ type: "done", id, ok, executionCount: count });
    }
  }

  // Cells run one at a time, in the order asked.
  let queue = Promise.resolve();
  scope.onmessage = (event: MessageEvent<Request>) => {
    const request = event.data;
    if (request.type === "run") queue = queue.then(() => run(request.id, request.source));
  };
  post({ type: "ready", threads: options.threads });
}
