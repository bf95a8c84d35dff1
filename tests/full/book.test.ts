/**
 * The book in headless Chromium: the site served by `deno task book` (COOP/COEP, two threads)
 * and written by `deno task book:build` (a plain static host, one thread). Every notebook's
 * Run all must give its stored Jupyter outputs (text and SVG, after tools/nbrun.py's
 * normalisation); then the kernel's semantics, Stop and Restart, the exercises' solutions,
 * the learner's edits, the download (run again in the real Jupyter client), the layout, the
 * links to and from the playground, and that no request leaves the site or fails.
 * Expectations come from the committed notebooks, never from this file.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import type { Output } from "../../book/jupyter.ts";
import { cellSource, comparable, type Notebook, sameOutputs } from "../../book/notebook.ts";
import type { BookApi } from "../../book/page.ts";
import { CHROMIUM, hasChromium, launchChromium } from "../../tools/browser.ts";
import { serveSite } from "../../site/server.ts";
import { hasJupyter, PYTHON, ROOT } from "../helpers.ts";
import { pageProblems, startSite, task } from "./site.ts";

declare const book: BookApi;

const NOTEBOOKS = [...Deno.readDirSync(join(ROOT, "notebooks"))]
  .filter((e) => e.isFile && e.name.endsWith(".ipynb"))
  .map((e) => e.name.replace(/\.ipynb$/, ""))
  .sort();

function stored(name: string): Notebook {
  return JSON.parse(Deno.readTextFileSync(join(ROOT, "notebooks", `${name}.ipynb`)));
}

interface Watched {
  page: Page;
  problems: string[];
  requests: string[];
}

/** A page that records console errors, failed requests and requests to other origins. */
async function open(browser: Browser, url: string, ready = true): Promise<Watched> {
  const page = await browser.newPage({ acceptDownloads: true });
  const problems = pageProblems(page);
  const requests: string[] = [];
  const origin = new URL(url).origin;
  page.on("requestfailed", (r) => problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on("request", (r) => {
    requests.push(r.url());
    const u = new URL(r.url());
    if (!["data:", "blob:"].includes(u.protocol) && u.origin !== origin) {
      problems.push(`outside: ${r.url()}`);
    }
  });
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.goto(url);
  if (ready) await page.evaluate(() => book.ready);
  return { page, problems, requests };
}

const codeIndices = (nb: Notebook) => nb.cells.flatMap((c, i) => c.cell_type === "code" ? [i] : []);

/** A function's signature, its whitespace and a trailing comma removed (deno fmt may wrap it). */
const normalSignature = (params: string, returns: string) =>
  `${params.replace(/\s+/g, "").replace(/,\)$/, ")")}:${returns.replace(/\s+/g, "")}`;

/** A function's parameters and return type, up to the brace that opens its body. */
const FUNCTION = /^function (\w+)(\([\s\S]*?\)): ([^\n]*?) \{$/m;

/** The reference solutions, declaration by declaration (name → TypeScript text). */
function solutionDeclarations(): Map<string, { text: string; signature: string }> {
  const source = Deno.readTextFileSync(join(ROOT, "notebooks/solutions/10_exercises.ts"));
  const out = new Map<string, { text: string; signature: string }>();
  const decl = /^export (function (\w+)[\s\S]*?^\}|const (\w+): ([\w.]+) = ([^;]+);)/gm;
  for (const m of source.matchAll(decl)) {
    if (m[2]) {
      const [, , params, returns] = m[1].match(FUNCTION)!;
      out.set(m[2], { text: m[1], signature: normalSignature(params, returns) });
    } else out.set(m[3], { text: m[5], signature: m[4] });
  }
  return out;
}

/**
 * Notebook 10's stubs with the reference solutions pasted in as they are (the notebook's one
 * import line, `import * as lib`, provides every lib name they use): a stub function gets the
 * solution of the same name, or else the one with the same signature (the three buggy backward
 * passes share fixedBackward); a stub constant of a type gets the solution value of that type.
 */
function solvedStubs(nb: Notebook): Map<number, string> {
  const solutions = solutionDeclarations();
  const out = new Map<number, string>();
  for (const index of codeIndices(nb)) {
    const source = cellSource(nb.cells[index]);
    const fn = source.match(FUNCTION);
    if (fn) {
      const signature = normalSignature(fn[2], fn[3]);
      const match = solutions.get(fn[1]) ??
        [...solutions.values()].find((s) =>
          s.signature === signature && s.text.startsWith("function")
        );
      if (match) out.set(index, `${match.text.replace(/^function \w+/, `function ${fn[1]}`)}\n`);
      continue;
    }
    const constant = source.match(/^const (\w+): ([\w.]+)( \| undefined)? = undefined;/m);
    if (constant) {
      const value = [...solutions.values()].find((s) => s.signature === constant[2]);
      if (value) {
        out.set(
          index,
          `const ${constant[1]}: ${constant[2]}${constant[3] ?? ""} = ${value.text};\n`,
        );
      }
    }
  }
  return out;
}

Deno.test({
  name: "the book in Chromium" + (hasChromium() ? "" : ` (skipped: no browser at ${CHROMIUM})`),
  ignore: !hasChromium(),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const tmp = await Deno.makeTempDir({ prefix: "book-test-" });
    const site = join(tmp, "site");
    const server = await startSite();
    await task("book:build", "--out", site);
    const plain = serveSite(site, { hostname: "127.0.0.1", port: 0, isolated: false });
    const staticUrl = `http://127.0.0.1:${plain.addr.port}/`;
    const browser = await launchChromium();
    const problems: string[] = [];
    const watch = async (url: string, ready = true) => {
      const w = await open(browser, url, ready);
      problems.push(...w.problems);
      w.page.on("close", () => problems.push(...w.problems.splice(0)));
      return w;
    };
    const pageOf = (name: string, base = server.url) => `${base}notebooks/${name}.html`;
    try {
      await t.step(
        "the contents page lists every notebook and links to the playground",
        async () => {
          const { page } = await watch(server.url, false);
          const links = await page.$$eval(
            "ol.notebooks li > a",
            (as) => as.map((a) => (a as HTMLAnchorElement).getAttribute("href")),
          );
          assert.deepEqual(
            links,
            NOTEBOOKS.map((n) => `notebooks/${n}.html`),
          );
          const summaries = await page.$$eval(
            "ol.notebooks li p",
            (ps) => ps.map((p) => p.textContent!.trim()),
          );
          assert.ok(summaries.every((s) => s.length > 10), `${summaries}`);
          assert.ok(await page.$('a[href="playground/"]'));
          await page.close();
        },
      );

      await t.step(
        "each notebook page shows its stored content, previous / next, no KaTeX error",
        async () => {
          for (const [i, name] of NOTEBOOKS.entries()) {
            const { page } = await watch(pageOf(name), false);
            const nb = stored(name);
            const shown = await page.$$eval(".cell", (cells) => cells.length);
            assert.equal(shown, nb.cells.filter((c) => c.cell_type !== "raw").length, name);
            assert.equal(
              await page.$$eval(".katex-error", (e) => e.length),
              0,
              `${name}: KaTeX errors`,
            );
            const stdout = nb.cells.flatMap((c) => c.outputs ?? []).find((o) =>
              o.output_type === "stream"
            ) as Extract<Output, { output_type: "stream" }> | undefined;
            if (stdout) {
              const first =
                (Array.isArray(stdout.text) ? stdout.text[0] : stdout.text).split("\n")[0];
              assert.ok((await page.textContent("main"))!.includes(first), `${name}: ${first}`);
            }
            const rel = await page.$$eval(
              "nav.pager a",
              (as) => as.map((a) => `${a.getAttribute("rel")} ${a.getAttribute("href")}`),
            );
            if (i > 0) {
              assert.ok(rel.includes(`prev ${NOTEBOOKS[i - 1]}.html`), `${name}: ${rel}`);
            }
            if (i < NOTEBOOKS.length - 1) {
              assert.ok(rel.includes(`next ${NOTEBOOKS[i + 1]}.html`), `${name}: ${rel}`);
            }
            await page.close();
          }
        },
      );

      await t.step(
        "the playground links to the sections that explain its panels, and back",
        async () => {
          const { page } = await watch(`${server.url}playground/`, false);
          const links = await page.$$eval(
            "a.notebook-link",
            (as) => as.map((a) => (a as HTMLAnchorElement).href),
          );
          const wanted = ["02_", "05_", "06_", "07_", "08_"];
          for (const w of wanted) {
            assert.ok(links.some((l) => l.includes(`/notebooks/${w}`)), w);
          }
          for (const link of links) {
            const url = new URL(link);
            const target = await browser.newPage();
            await target.goto(link);
            if (url.hash) {
              assert.ok(await target.$(`[id="${url.hash.slice(1)}"]`), `${link}: no such section`);
            }
            await target.close();
          }
          await page.close();
        },
      );

      // BOOK_TEST_ONLY=06,10 runs only those notebooks' Run all (for a quick look; CI runs all)
      const only = Deno.env.get("BOOK_TEST_ONLY")?.split(",");
      for (const name of NOTEBOOKS.filter((n) => !only || only.some((o) => n.startsWith(o)))) {
        await t.step(`Run all of ${name} gives the stored outputs`, async () => {
          const { page } = await watch(pageOf(name));
          await page.evaluate(() => book.runAll());
          const nb = stored(name);
          for (const index of codeIndices(nb)) {
            const [state, fresh] = await page.evaluate(
              (i) => [book.cells()[i].state, book.outputs(i)] as const,
              index,
            );
            assert.equal(state, "fresh", `${name} cell ${index}: ${JSON.stringify(fresh)}`);
            assertSameOutputs(fresh, nb.cells[index].outputs ?? [], `${name} cell ${index}`);
            const label = await page.textContent(`[data-index="${index}"] .state`);
            assert.equal(label, "fresh · the same as stored", `${name} cell ${index}`);
          }
          await page.close();
        });
      }

      const probe = NOTEBOOKS.find((n) => n.startsWith("04")) ?? NOTEBOOKS[0];
      await t.step(
        "declarations are shared, re-declared; an error shows its message and line",
        async () => {
          const { page } = await watch(pageOf(probe));
          const [a, b, c] = codeIndices(stored(probe));
          await page.evaluate(([a, b]) => {
            book.setSource(
              a,
              "const bookX: number = 41;\nfunction bookNext(n: number) { return n + 1; }",
            );
            book.setSource(b, "bookNext(bookX)");
          }, [a, b]);
          assert.deepEqual(await page.evaluate((i) => book.run(i), a), []);
          const result = await page.evaluate((i) => book.run(i), b);
          assert.deepEqual(result.map((o) => o.output_type), ["execute_result"]);
          assert.equal((result[0] as { data: Record<string, string> }).data["text/plain"], "42");
          // the declaring cell runs again, with a new value
          await page.evaluate(
            (i) =>
              book.setSource(i, "const bookX = 1;\nfunction bookNext(n: number) { return n + 1; }"),
            a,
          );
          await page.evaluate((i) => book.run(i), a);
          const again = await page.evaluate((i) => book.run(i), b);
          assert.equal((again[0] as { data: Record<string, string> }).data["text/plain"], "2");
          // an error: its message and its line, and Run all stops there
          await page.evaluate(
            (i) => book.setSource(i, "const ok = 1;\n\nthrow new RangeError(`no ${ok}`);"),
            b,
          );
          await page.evaluate(() => book.runAll());
          const error = await page.evaluate((i) => book.outputs(i), b);
          assert.equal(error.length, 1);
          assert.equal(error[0].output_type, "error");
          const e = error[0] as Extract<Output, { output_type: "error" }>;
          assert.deepEqual([e.ename, e.evalue], ["RangeError", "no 1"]);
          const shown = (await page.textContent(`[data-index="${b}"] .outputs`))!;
          assert.match(shown, /RangeError: no 1/);
          assert.match(shown, /line 3\b/);
          assert.equal(
            await page.evaluate((i) => book.cells()[i].state, c),
            "stored",
            "Run all stopped",
          );
          // a syntax error names its line too
          await page.evaluate((i) => book.setSource(i, "const a = 1;\nconst b = ;"), b);
          const syntax = (await page.evaluate((i) => book.run(i), b))[0] as Extract<
            Output,
            { output_type: "error" }
          >;
          assert.equal(syntax.ename, "SyntaxError");
          assert.match(syntax.traceback.join("\n"), /line 2\b/);
          await page.evaluate(() => localStorage.clear());
          await page.close();
        },
      );

      const training = NOTEBOOKS.find((n) => n.startsWith("06"));
      await t.step({
        name: "Stop during 06's training loop, then Restart; its live curves arrive frame by frame",
        ignore: !training,
        fn: async () => {
          const { page } = await watch(pageOf(training!));
          const nb = stored(training!);
          // the first cell that updates a display is the loop; run the cells before it
          const loop = codeIndices(nb).find((i) => /display_id/.test(cellSource(nb.cells[i])))!;
          for (const i of codeIndices(nb).filter((i) => i < loop)) {
            await page.evaluate((i) => book.run(i), i);
          }
          await page.evaluate((i) => {
            const box = document.querySelector(`[data-index="${i}"] .outputs`)!;
            const frames = new Set<string>();
            new MutationObserver(() => {
              const img = box.querySelector("img");
              if (img) frames.add(img.src);
              (globalThis as unknown as { frames_: number }).frames_ = frames.size;
            }).observe(box, { childList: true, subtree: true, attributes: true });
            void book.run(i);
          }, loop);
          await page.waitForFunction(
            () => ((globalThis as unknown as { frames_?: number }).frames_ ?? 0) >= 2,
            undefined,
            { timeout: 120_000 },
          );
          assert.equal(await page.evaluate((i) => book.cells()[i].state, loop), "running");
          await page.evaluate(() => book.interrupt());
          const [state, outputs] = await page.evaluate(
            (i) => [book.cells()[i].state, book.outputs(i)] as const,
            loop,
          );
          assert.equal(state, "error");
          assert.equal(outputs.at(-1)!.output_type, "error");
          assert.match((await page.textContent("#kernel-status"))!, /stopped.*state is lost/);
          await page.evaluate(() => book.restart());
          assert.match((await page.textContent("#kernel-status"))!, /ready/);
          const first = codeIndices(nb)[0];
          const fresh = await page.evaluate((i) => book.run(i), first);
          assertSameOutputs(fresh, nb.cells[first].outputs ?? [], `${probe} cell ${first}`);
          await page.close();
        },
      });

      const exercises = NOTEBOOKS.find((n) => n.startsWith("10"));
      const jupyter = await hasJupyter();
      await t.step({
        name: "every reference solution passes its check; the downloaded .ipynb runs in Jupyter",
        ignore: !exercises,
        fn: async () => {
          const { page } = await watch(pageOf(exercises!));
          const nb = stored(exercises!);
          const solved = solvedStubs(nb);
          assert.equal(solved.size, 10, `${solved.size} stubs matched`);
          for (const [index, text] of solved) {
            await page.evaluate(([i, s]) => book.setSource(i as number, s as string), [
              index,
              text,
            ]);
          }
          await page.evaluate(() => book.runAll());
          const verdicts: string[] = [];
          for (const index of codeIndices(nb)) {
            const outputs = await page.evaluate((i) => book.outputs(i), index);
            assert.ok(outputs.every((o) => o.output_type !== "error"), JSON.stringify(outputs));
            const storedText = JSON.stringify(nb.cells[index].outputs);
            if (/not done yet|wrong/.test(storedText)) {
              const text = JSON.stringify(outputs);
              verdicts.push(text);
              // every reference solution is exact (the prediction: right), as
              // tests/exercises.test.ts proves under Deno; nbrun --check below proves the page
              // printed what Jupyter prints
              assert.match(text, /: (exact|right)\b/, `cell ${index}: ${text}`);
            }
          }
          assert.equal(verdicts.length, solved.size, "one check per stub");
          if (!jupyter) return;
          const [download] = await Promise.all([
            page.waitForEvent("download"),
            page.click("#download"),
          ]);
          const project = join(tmp, "project");
          await Deno.mkdir(join(project, "notebooks"), { recursive: true });
          for (const f of ["lib", "node_modules", "jupyter"]) {
            await Deno.symlink(join(ROOT, f), join(project, f));
          }
          for (const f of ["deno.json", "deno.lock"]) {
            await Deno.copyFile(join(ROOT, f), join(project, f));
          }
          const path = join(project, "notebooks", `${exercises}.ipynb`);
          await download.saveAs(path);
          const downloaded: Notebook = JSON.parse(await Deno.readTextFile(path));
          for (const [index, text] of solved) {
            assert.equal(cellSource(downloaded.cells[index]), text);
          }
          const { code, stdout, stderr } = await new Deno.Command(PYTHON, {
            args: [join(ROOT, "tools/nbrun.py"), "--check", path],
            stdout: "piped",
            stderr: "piped",
          }).output();
          const decode = (b: Uint8Array) => new TextDecoder().decode(b);
          assert.equal(code, 0, decode(stdout) + decode(stderr));
          await page.evaluate(() => localStorage.clear());
          await page.close();
        },
      });

      await t.step("edits survive a reload; revert cell and revert notebook", async () => {
        const { page } = await watch(pageOf(probe));
        const [a, b] = codeIndices(stored(probe));
        const original = cellSource(stored(probe).cells[a]);
        await page.evaluate(([a, b]) => {
          book.setSource(a, "// edited a\n" + book.cells()[a].source);
          book.setSource(b, "// edited b\n" + book.cells()[b].source);
        }, [a, b]);
        await page.reload();
        await page.evaluate(() => book.ready);
        let cells = await page.evaluate(() => book.cells());
        assert.equal(cells[a].source, "// edited a\n" + original);
        assert.ok(cells[b].source.startsWith("// edited b\n"));
        assert.ok(await page.$(`[data-index="${a}"].edited`));
        await page.click(`[data-index="${a}"] .revert`);
        cells = await page.evaluate(() => book.cells());
        assert.equal(cells[a].source, original);
        await page.click("#revert-notebook");
        await page.reload();
        await page.evaluate(() => book.ready);
        cells = await page.evaluate(() => book.cells());
        const nb = stored(probe);
        for (const i of codeIndices(nb)) assert.equal(cells[i].source, cellSource(nb.cells[i]));
        assert.equal(await page.evaluate(() => localStorage.length), 0);
        await page.close();
      });

      await t.step(
        "served: two threads; static build: one thread, and the page says so",
        async () => {
          const cell = [
            'import { createRng, fastPredict, initNetwork, loadMnist, take } from "../lib/mod.ts";',
            'const bookP = await fastPredict(initNetwork(createRng(1)), take(await loadMnist("test"), 5000));',
            "bookP.length",
          ].join("\n");
          for (const [base, threads] of [[server.url, 2], [staticUrl, 1]] as const) {
            const w = await watch(pageOf(probe, base));
            const [a] = codeIndices(stored(probe));
            await w.page.evaluate(([i, s]) => book.setSource(i as number, s as string), [a, cell]);
            const out = await w.page.evaluate((i) => book.run(i), a);
            assert.equal((out[0] as { data: Record<string, string> }).data["text/plain"], "5000");
            const status = (await w.page.textContent("#kernel-status"))!;
            assert.match(
              status,
              threads === 2 ? /2 threads/ : /1 thread \(this page is not cross-origin isolated/,
            );
            const wasm = w.requests.map((r) => new URL(r).pathname).filter((p) =>
              p.endsWith(".wasm")
            );
            assert.ok(
              wasm.includes(threads === 2 ? "/book/kernels.wasm" : "/book/kernels-unshared.wasm"),
              `${wasm}`,
            );
            await w.page.evaluate(() => localStorage.clear());
            await w.page.close();
          }
        },
      );

      await t.step("readable at 390 px and at 1920 px, and printable", async () => {
        const name = NOTEBOOKS.find((n) => n.startsWith("08")) ?? NOTEBOOKS[0];
        for (const width of [390, 1920]) {
          const page = await browser.newPage({ viewport: { width, height: 900 } });
          await page.goto(pageOf(name));
          await page.evaluate(() => book.ready);
          const [scrollWidth, main] = await page.evaluate(() => [
            document.documentElement.scrollWidth,
            document.querySelector("main")!.getBoundingClientRect().width,
          ]);
          assert.ok(scrollWidth <= width, `${width}: the page is ${scrollWidth} px wide`);
          assert.ok(main <= Math.min(width, 1200), `${width}: the text column is ${main} px`);
          if (width === 1920) {
            await page.emulateMedia({ media: "print" });
            assert.equal(await page.$eval(".toolbar", (e) => getComputedStyle(e).display), "none");
            assert.ok((await page.pdf()).length > 10_000);
          }
          await page.close();
        }
      });

      await t.step("no request left the site, and none failed", () => {
        assert.deepEqual(problems, []);
      });
    } finally {
      await browser.close();
      await plain.shutdown();
      await server.stop();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

/** The page's own judgement (sameOutputs); when it fails, the diff of the two. */
function assertSameOutputs(fresh: Output[], stored: Output[], message: string): void {
  if (!sameOutputs(fresh, stored)) {
    assert.deepEqual(comparable(fresh), comparable(stored), message);
    assert.fail(`${message}: an SVG's numbers differ by more than 1e-9`);
  }
}
