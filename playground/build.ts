/**
 * Builds the playground's part of the site (site/build.ts): the page (main.js), its training
 * worker (trainer.js) and the fast engine beside it (tools/bundle.ts), bundled for the browser
 * with npm packages inside; KaTeX's CSS and fonts. The MNIST files are the site's (../data/,
 * gzip-compressed). Nothing is fetched from elsewhere at run time.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { addFastEngine, bundle, copyKatex } from "../tools/bundle.ts";

const HERE = dirname(fileURLToPath(import.meta.url));

/** Writes the playground into `out` (created if needed; the files it writes are replaced). */
export async function buildPlayground(out: string): Promise<void> {
  await Deno.mkdir(out, { recursive: true });
  // The first `deno bundle` on a cold cache installs esbuild; bundles started beside it would
  // race to install it too (and fail), so the rest start once it is done.
  await bundle(join(HERE, "main.ts"), join(out, "main.js"));
  await bundle(join(HERE, "trainer.ts"), join(out, "trainer.js"));
  await addFastEngine(join(out, "trainer.js"));
  for (const name of ["index.html", "style.css"]) {
    await Deno.copyFile(join(HERE, name), join(out, name));
  }
  await copyKatex(out);
}
