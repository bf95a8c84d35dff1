/**
 * `deno task playground:build`: writes the playground as a static site. Any static host
 * serves it; without COOP/COEP headers the engine runs on one thread there.
 */
import { buildSite } from "../playground/build.ts";
import { InputError } from "../lib/errors.ts";
import { say } from "./console.ts";
import { type Command, parseFlags, text } from "./flags.ts";
import { main } from "./main.ts";

export const command: Command = {
  name: "playground:build",
  summary:
    "Writes the playground page as a static site (bundled scripts, KaTeX, the WebAssembly kernels and the MNIST files), to be served by any web server. Without COOP/COEP headers from the host, training runs on one thread.",
  flags: {
    out: { type: "string", arg: "DIR", help: "the site's folder", default: "dist/playground" },
  },
};

export async function run(args: string[]): Promise<void> {
  const values = parseFlags(command, args);
  if (!values) return;
  const out = text(values, "out")!;
  const info = await Deno.stat(out).catch(() => undefined);
  if (info && !info.isDirectory) {
    throw new InputError(`--out ${out}`, "is a file, expected a folder");
  }
  await buildSite(out);
  say(
    `playground written to ${out}/ (serve that folder over http; index.html is the page)`,
  );
}

if (import.meta.main) await main(() => run(Deno.args));
