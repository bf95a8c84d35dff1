/**
 * Writes the book into a site folder: a contents page, one page per notebook (its markdown and
 * KaTeX typeset, its code highlighted and its stored outputs drawn, all at build time, so that
 * the page shows its content before any script runs), the page script and the kernel worker
 * bundled for the browser with npm packages and lib/ inside, the WebAssembly and font files
 * they fetch, the project files that cells read, and each notebook's .ipynb.
 */
import { dirname, join } from "node:path";
import { addFastEngine, bundle, copyKatex } from "../tools/bundle.ts";
import { ADAPTED } from "./adapters.ts";
import { type FileEntry, PROJECT } from "./files.ts";
import { markdownRenderer } from "./markdown.ts";
import { kernelEntry, planModules, ROOT } from "./modules.ts";
import { cellSource, type Notebook, summary, title } from "./notebook.ts";
import { escapeHtml, highlight, renderOutputs } from "./render.ts";

const HERE = join(ROOT, "book");

export interface NotebookInfo {
  /** File name without .ipynb, e.g. 06_training. */
  name: string;
  title: string;
  summary: string;
  notebook: Notebook;
}

export async function readNotebooks(): Promise<NotebookInfo[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(join(ROOT, "notebooks"))) {
    if (e.isFile && e.name.endsWith(".ipynb")) names.push(e.name.replace(/\.ipynb$/, ""));
  }
  names.sort();
  return await Promise.all(names.map(async (name) => {
    const notebook: Notebook = JSON.parse(
      await Deno.readTextFile(join(ROOT, "notebooks", `${name}.ipynb`)),
    );
    return { name, title: title(notebook), summary: summary(notebook), notebook };
  }));
}

/** Seconds each notebook's Run all took in the page, from `deno task book:measure`. */
async function runTimes(): Promise<Record<string, number>> {
  try {
    return JSON.parse(await Deno.readTextFile(join(HERE, "times.json"))).seconds ?? {};
  } catch {
    return {};
  }
}

/** Typesets a title's $…$ maths inline (headings are one line). */
function inlineTitle(text: string): string {
  const md = markdownRenderer();
  return md.render(text).replace(/^<p>|<\/p>\n?$/g, "");
}

function head(pageTitle: string, base: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${escapeHtml(pageTitle)}</title>
    <link rel="icon" href="data:,">
    <link rel="stylesheet" href="${base}book/katex/katex.min.css">
    <link rel="stylesheet" href="${base}book/style.css">`;
}

function siteNav(base: string, here: string): string {
  const link = (href: string, text: string, id: string) =>
    id === here
      ? `<a href="${base}${href}" aria-current="page">${text}</a>`
      : `<a href="${base}${href}">${text}</a>`;
  return `<nav class="site" aria-label="site">${link("index.html", "Contents", "contents")}${
    link("playground/", "Playground", "playground")
  }</nav>`;
}

function contentsPage(notebooks: NotebookInfo[], times: Record<string, number>): string {
  const items = notebooks.map((n) => {
    const seconds = times[n.name];
    const time = seconds === undefined
      ? ""
      : `<span class="time">Run all: ${
        seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)
      } s in the browser</span>`;
    return `<li><a href="notebooks/${n.name}.html">${inlineTitle(n.title)}</a>${time}<p>${
      inlineTitle(n.summary)
    }</p></li>`;
  }).join("\n");
  return `${head("MNIST from scratch — the notebooks", "")}
  </head>
  <body class="contents">
    <header>${siteNav("", "contents")}
      <h1>MNIST from scratch, in TypeScript: the notebooks</h1>
      <p>The 784 → 10 (ReLU) → 10 (softmax) network, derived and checked notebook by notebook.
      Read them here with their stored outputs, or run them: every code cell is editable and runs
      in your browser, offline, with the same library and engine as under Jupyter, and the same
      numbers. The <a href="playground/">playground</a> trains the same network live.</p>
    </header>
    <main>
      <ol class="notebooks">
${items}
      </ol>
    </main>
  </body>
</html>
`;
}

function notebookPage(n: NotebookInfo, previous?: NotebookInfo, next?: NotebookInfo): string {
  const md = markdownRenderer();
  const cells = n.notebook.cells.map((cell, index) => {
    const source = cellSource(cell);
    if (cell.cell_type === "markdown") {
      return `<section class="cell markdown" data-index="${index}">${md.render(source)}</section>`;
    }
    if (cell.cell_type !== "code") return "";
    const count = cell.execution_count ?? null;
    return `<section class="cell code" data-index="${index}" data-state="stored">
<div class="cell-bar"><span class="count">${count === null ? "[ ]" : `[${count}]`}</span>
<button class="run" disabled title="Run this cell (Shift+Enter in the editor)">▶ Run</button>
<button class="run-above" disabled title="Run every code cell above this one">Run all above</button>
<button class="revert" disabled hidden title="Back to the notebook's own code">Revert cell</button>
<span class="state" aria-live="polite">stored outputs</span></div>
<div class="source"><pre class="code">${highlight(source)}</pre></div>
<div class="outputs">${renderOutputs(cell.outputs ?? [])}</div>
</section>`;
  }).join("\n");
  const pager = `<nav class="pager" aria-label="notebooks">${
    previous
      ? `<a rel="prev" href="${previous.name}.html">← ${inlineTitle(previous.title)}</a>`
      : "<span></span>"
  }${
    next
      ? `<a rel="next" href="${next.name}.html">${inlineTitle(next.title)} →</a>`
      : "<span></span>"
  }</nav>`;
  return `${head(n.title.replace(/\$/g, ""), "../")}
    <script type="module" src="../book/page.js"></script>
  </head>
  <body class="notebook" data-notebook="${n.name}">
    <header>${siteNav("../", n.name)}${pager}</header>
      <div class="toolbar" role="toolbar" aria-label="notebook">
        <button id="run-all" disabled>▶▶ Run all</button>
        <button id="stop" disabled title="End the kernel: its state is lost">■ Stop</button>
        <button id="restart" disabled>⟲ Restart</button>
        <button id="revert-notebook" disabled hidden>Revert notebook</button>
        <button id="download" disabled>Download .ipynb</button>
        <span id="kernel-status" data-state="loading" aria-live="polite">kernel: loading…</span>
      </div>
      <p id="notice" class="notice" role="status" hidden></p>
    <main>
${cells}
    </main>
    <footer>${pager}</footer>
  </body>
</html>
`;
}

async function copyInto(from: string, to: string): Promise<void> {
  await Deno.mkdir(dirname(to), { recursive: true });
  await Deno.copyFile(from, to);
}

/**
 * The files a cell may read, in the site's files/ folder: everything under resources/, and the
 * original project's model where ../shared has it (notebook 08 compares with it).
 */
async function copyFiles(out: string): Promise<void> {
  const manifest: Record<string, FileEntry> = {};
  const add = async (path: string, virtual: string) => {
    const info = await Deno.stat(path);
    manifest[virtual] = { size: info.size, mtime: info.mtime?.getTime() ?? 0 };
    await copyInto(path, join(out, "files", virtual));
  };
  for await (const e of Deno.readDir(join(ROOT, "resources"))) {
    if (e.isFile) await add(join(ROOT, "resources", e.name), `${PROJECT}resources/${e.name}`);
  }
  const shared = join(ROOT, "../shared/data/original_weights_and_biases.json");
  if (await Deno.stat(shared).then((i) => i.isFile, () => false)) {
    await add(shared, "/shared/data/original_weights_and_biases.json");
  }
  await Deno.writeTextFile(join(out, "files", "index.json"), JSON.stringify(manifest));
}

/** Writes the book into `out` (created if needed; the files it writes are replaced). */
export async function buildBook(out: string): Promise<void> {
  const assets = join(out, "book");
  await Deno.mkdir(join(out, "notebooks"), { recursive: true });
  await Deno.mkdir(assets, { recursive: true });
  const entry = join(HERE, ".kernel-entry.ts");
  await Deno.writeTextFile(entry, kernelEntry(await planModules(ADAPTED), HERE));
  try {
    await bundle(join(HERE, "page.ts"), join(assets, "page.js"));
    await bundle(entry, join(assets, "kernel.js"));
  } finally {
    await Deno.remove(entry);
  }
  await addFastEngine(join(assets, "kernel.js"));
  // lib/pictures/plot.ts fetches resvg's wasm and its font relative to its own URL: in the
  // bundle that is kernel.js, so they go where "../../node_modules/…" lands from book/.
  for (const file of ["@resvg/resvg-wasm/index_bg.wasm", "dejavu-fonts-ttf/ttf/DejaVuSans.ttf"]) {
    await copyInto(join(ROOT, "node_modules", file), join(out, "node_modules", file));
  }
  await Deno.copyFile(join(HERE, "style.css"), join(assets, "style.css"));
  await copyKatex(assets);
  await copyFiles(out);

  const notebooks = await readNotebooks();
  await Deno.writeTextFile(join(out, "index.html"), contentsPage(notebooks, await runTimes()));
  for (const [i, n] of notebooks.entries()) {
    await Deno.writeTextFile(
      join(out, "notebooks", `${n.name}.html`),
      notebookPage(n, notebooks[i - 1], notebooks[i + 1]),
    );
    await Deno.copyFile(
      join(ROOT, "notebooks", `${n.name}.ipynb`),
      join(out, "notebooks", `${n.name}.ipynb`),
    );
  }
}
