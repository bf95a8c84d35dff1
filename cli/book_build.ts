/**
 * `deno task book:build`: writes the site (the book and the playground) as static files. Any
 * static host serves them; without COOP/COEP headers the engine runs on one thread there.
 */
import { buildSite } from "../site/build.ts";
import { InputError } from "../lib/errors.ts";
import { say } from "./console.ts";
import { type Command, parseFlags, text } from "./flags.ts";
import { main } from "./main.ts";

export const command: Command = {
  name: "book:build",
  summary:
    "Writes the site (the notebook pages, the playground, their bundled scripts, KaTeX, the WebAssembly kernels and the MNIST files) as static files, to be served by any web server. Without COOP/COEP headers from the host, the engine runs on one thread.",
  flags: {
    out: { type: "string", arg: "DIR", help: "the site's folder", default: "dist/site" },
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
    `site written to ${out}/ (serve that folder over http: index.html is the book's contents, playground/ the playground)`,
  );
}

if (import.meta.main) await main(() => run(Deno.args));
