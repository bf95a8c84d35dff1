/**
 * A small static server for the built site (the book and the playground). With `isolated`,
 * every response carries Cross-Origin-Opener-Policy: same-origin and
 * Cross-Origin-Embedder-Policy: require-corp, so the pages are cross-origin isolated and the
 * engine may share memory with a second thread. Hardened for a machine's loopback: only GET
 * and HEAD (405 otherwise), a malformed path is 400, no symlink is followed out of the site,
 * and every response says nosniff, a Content-Security-Policy that allows only the site's own
 * origin (plus the blob: modules the kernel runs cells as, WebAssembly, and the inline styles of
 * KaTeX's HTML and CodeMirror's themes) and a
 * Referrer-Policy. Files are revalidated by ETag: a reload gets 304s for the cached data.
 */
import { extname, join, normalize, sep as SEPARATOR } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".jsonl": "application/jsonl",
  ".ipynb": "application/x-ipynb+json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".gz": "application/gzip",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".ttf": "font/ttf",
};

/**
 * Only the site's own origin; the kernel runs each cell as a blob: module, WebAssembly needs
 * 'wasm-unsafe-eval', KaTeX's HTML has style attributes and CodeMirror adds style elements,
 * outputs are data: images.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' blob: 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join("; ");

export interface ServeOptions {
  hostname: string;
  port: number;
  /** Send COOP/COEP (two threads); without, the pages run as on any static host. */
  isolated: boolean;
  onListen?: (addr: Deno.NetAddr) => void;
}

/** Whether a host name is this machine's loopback (the server warns about any other). */
export function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || /^127\.\d+\.\d+\.\d+$/.test(hostname) ||
    hostname === "::1" || hostname === "[::1]";
}

function headersFor(isolated: boolean): Headers {
  const headers = new Headers({
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
  });
  if (isolated) {
    headers.set("Cross-Origin-Opener-Policy", "same-origin");
    headers.set("Cross-Origin-Embedder-Policy", "require-corp");
    headers.set("Cross-Origin-Resource-Policy", "same-origin");
  }
  return headers;
}

function plain(status: number, text: string, headers: Headers): Response {
  headers.set("Content-Type", "text/plain; charset=utf-8");
  return new Response(`${text}\n`, { status, headers });
}

/** The answer to one request for a file of the site at `root` (its real path). */
export async function answer(request: Request, root: string, isolated: boolean): Promise<Response> {
  const headers = headersFor(isolated);
  if (request.method !== "GET" && request.method !== "HEAD") {
    headers.set("Allow", "GET, HEAD");
    return plain(405, "method not allowed", headers);
  }
  const raw = new URL(request.url).pathname;
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    return plain(400, "bad path: malformed percent-encoding", headers);
  }
  if (path.includes("\0") || path.includes("\\") || path.split("/").includes("..")) {
    return plain(400, "bad path", headers);
  }
  const relative = normalize(path.endsWith("/") ? `${path}index.html` : path);
  let real: string;
  let info: Deno.FileInfo;
  try {
    real = await Deno.realPath(join(root, relative));
    if (real !== root && !real.startsWith(root + SEPARATOR)) throw new Deno.errors.NotFound();
    info = await Deno.stat(real);
  } catch {
    return plain(404, "not found", headers);
  }
  if (info.isDirectory) {
    headers.set("Location", `${raw}/`);
    return new Response(null, { status: 301, headers });
  }
  if (!info.isFile) return plain(404, "not found", headers);
  const etag = `"${info.size}-${info.mtime?.getTime() ?? 0}"`;
  headers.set("ETag", etag);
  headers.set("Content-Type", TYPES[extname(real)] ?? "application/octet-stream");
  if (request.headers.get("If-None-Match") === etag) {
    return new Response(null, { status: 304, headers });
  }
  headers.set("Content-Length", String(info.size));
  if (request.method === "HEAD") return new Response(null, { headers });
  const opened = await Deno.open(real);
  return new Response(opened.readable, { headers });
}

export function serveSite(root: string, options: ServeOptions): Deno.HttpServer<Deno.NetAddr> {
  const realRoot = Deno.realPathSync(root);
  return Deno.serve({
    hostname: options.hostname,
    port: options.port,
    onListen: options.onListen ?? (() => {}),
    onError: () => new Response("server error\n", { status: 500 }),
  }, (request) => answer(request, realRoot, options.isolated));
}
