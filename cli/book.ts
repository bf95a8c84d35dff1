/**
 * `deno task book`: builds the site (the book's notebook pages and the playground) and serves
 * it on this machine with the headers that let the engine use two threads. Stops with Ctrl-C.
 */
import { buildSite } from "../site/build.ts";
import { isLoopback, serveSite } from "../site/server.ts";
import { InputError } from "../lib/errors.ts";
import { say } from "./console.ts";
import { type Command, parseFlags, text } from "./flags.ts";
import { main } from "./main.ts";

export const command: Command = {
  name: "book",
  summary:
    "Serves the book and the playground on this machine: every notebook as a page you can read and run in the browser (the same lib and engine, offline), and the page that trains the network live. Sends COOP/COEP so the pages are cross-origin isolated (the engine on two threads).",
  flags: {
    port: { type: "string", arg: "N", help: "port (0: any free port)", default: "8790" },
    host: { type: "string", arg: "H", help: "address to listen on", default: "127.0.0.1" },
  },
};

/** A port number 0..65535. */
export function port(raw: string): number {
  const n = Number(raw);
  if (!/^[0-9]+$/.test(raw) || n > 65535) {
    throw new InputError(`--port ${raw}`, "expected a whole number from 0 to 65535");
  }
  return n;
}

export async function run(args: string[]): Promise<void> {
  const values = parseFlags(command, args);
  if (!values) return;
  const chosen = port(text(values, "port")!);
  const hostname = text(values, "host")!;
  if (!isLoopback(hostname)) {
    console.error(
      `warning: --host ${hostname} is not this machine's loopback: other machines that reach it can read the site`,
    );
  }
  const root = await Deno.makeTempDir({ prefix: "book-site-" });
  const cleanUp = () => {
    Deno.removeSync(root, { recursive: true });
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", cleanUp);
  Deno.addSignalListener("SIGTERM", cleanUp);
  await buildSite(root);
  try {
    serveSite(root, {
      hostname,
      port: chosen,
      isolated: true,
      onListen: ({ hostname, port }) => {
        const host = hostname.includes(":") ? `[${hostname}]` : hostname;
        say(
          `book: http://${host}:${port}/ (the playground: http://${host}:${port}/playground/; Ctrl-C stops it)`,
        );
      },
    });
  } catch (e) {
    Deno.removeSync(root, { recursive: true });
    if (e instanceof Deno.errors.AddrInUse || e instanceof Deno.errors.AddrNotAvailable) {
      throw new InputError(`--host ${hostname} --port ${chosen}`, (e as Error).message);
    }
    throw e;
  }
}

if (import.meta.main) await main(() => run(Deno.args));
