/**
 * `deno task playground`: builds the playground page (playground/) and serves it on this
 * machine with the headers that let its engine use two threads. Stops with Ctrl-C.
 */
import { buildSite } from "../playground/build.ts";
import { serveSite } from "../playground/server.ts";
import { InputError } from "../lib/errors.ts";
import { say } from "./console.ts";
import { type Command, parseFlags, text } from "./flags.ts";
import { main } from "./main.ts";

export const command: Command = {
  name: "playground",
  summary:
    "Serves the playground: a page that trains the network live on MNIST in the browser (the fast engine, two threads), lets you draw a digit and step through backpropagation with numbers. Sends COOP/COEP so the page is cross-origin isolated.",
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
  const root = await Deno.makeTempDir({ prefix: "playground-" });
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
        say(`playground: http://${host}:${port}/ (Ctrl-C stops it)`);
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
