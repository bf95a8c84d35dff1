/**
 * A small static server for the built site. With `isolated`, every response carries
 * Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp,
 * so the page is cross-origin isolated and the engine may share memory with a second thread.
 * Files are revalidated by ETag: a reload gets 304s and no bytes for the cached data.
 */
import { extname, join, normalize } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".ttf": "font/ttf",
};

export interface ServeOptions {
  hostname: string;
  port: number;
  /** Send COOP/COEP (two threads); without, the page runs as on any static host. */
  isolated: boolean;
  onListen?: (addr: Deno.NetAddr) => void;
}

export function serveSite(root: string, options: ServeOptions): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({
    hostname: options.hostname,
    port: options.port,
    onListen: options.onListen ?? (() => {}),
  }, async (request) => {
    const headers = new Headers({ "Cache-Control": "no-cache" });
    if (options.isolated) {
      headers.set("Cross-Origin-Opener-Policy", "same-origin");
      headers.set("Cross-Origin-Embedder-Policy", "require-corp");
      headers.set("Cross-Origin-Resource-Policy", "same-origin");
    }
    const path = decodeURIComponent(new URL(request.url).pathname);
    const relative = normalize(path.endsWith("/") ? `${path}index.html` : path);
    if (relative.split("/").includes("..")) {
      return new Response("bad path", { status: 400, headers });
    }
    const file = join(root, relative);
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(file);
      if (!info.isFile) throw new Deno.errors.NotFound();
    } catch {
      return new Response("not found", { status: 404, headers });
    }
    const etag = `"${info.size}-${info.mtime?.getTime() ?? 0}"`;
    headers.set("ETag", etag);
    headers.set("Content-Type", TYPES[extname(file)] ?? "application/octet-stream");
    if (request.headers.get("If-None-Match") === etag) {
      return new Response(null, { status: 304, headers });
    }
    headers.set("Content-Length", String(info.size));
    if (request.method === "HEAD") return new Response(null, { headers });
    const opened = await Deno.open(file);
    return new Response(opened.readable, { headers });
  });
}
