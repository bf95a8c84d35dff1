/**
 * A notebook page of the book: the build wrote its cells and stored outputs as HTML; this
 * script makes every code cell an editor (CodeMirror), runs cells in the kernel worker
 * (kernel.ts), shows fresh outputs in place of the stored ones and says whether they are the
 * same, keeps the learner's edits in localStorage, and downloads the notebook as .ipynb.
 * `window.book` exposes the same actions to scripts and the console.
 */
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { javascript } from "@codemirror/lang-javascript";
import { bracketMatching, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { EditorState } from "@codemirror/state";
import { drawSelection, EditorView, keymap, lineNumbers } from "@codemirror/view";
import { classHighlighter } from "@lezer/highlight";
import type { Bundle, Output } from "./jupyter.ts";
import {
  type Cell,
  cellSource,
  comparable,
  type Notebook,
  type Reply,
  sameOutputs,
  splitLines,
  storedForm,
} from "./notebook.ts";
import { renderOutput } from "./render.ts";

type State = "stored" | "running" | "fresh" | "error";

interface CodeCell {
  index: number;
  element: HTMLElement;
  original: string;
  stored: Output[];
  storedCount: number | null;
  outputs: Output[];
  count: number | null;
  state: State;
  editor?: EditorView;
  /** How many of `outputs` the page shows, and which of those changed since. */
  rendered: number;
  dirty: Set<number>;
  /** The static source's text until the editor exists. */
  text: string;
}

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const name = document.body.dataset.notebook!;
const storageKey = `book:edits:${name}`;

let notebook: Notebook;
const codeCells = new Map<number, CodeCell>();

// ---- edits kept in the browser

function loadEdits(): Record<string, string> {
  try {
    return JSON.parse(localStorage.getItem(storageKey) ?? "{}");
  } catch {
    return {};
  }
}

function saveEdit(cell: CodeCell): void {
  const edits = loadEdits();
  const text = sourceOf(cell);
  if (text === cell.original) delete edits[cell.index];
  else edits[cell.index] = text;
  try {
    if (Object.keys(edits).length) localStorage.setItem(storageKey, JSON.stringify(edits));
    else localStorage.removeItem(storageKey);
  } catch (e) {
    notice(`your edit could not be kept in this browser: ${(e as Error).message}`);
  }
  markEdited(cell);
}

function markEdited(cell: CodeCell): void {
  const edited = sourceOf(cell) !== cell.original;
  cell.element.classList.toggle("edited", edited);
  cell.element.querySelector<HTMLButtonElement>(".revert")!.hidden = !edited;
  $("revert-notebook").hidden = !Object.keys(loadEdits()).length;
}

function sourceOf(cell: CodeCell): string {
  return cell.editor ? cell.editor.state.doc.toString() : cell.text;
}

function setSource(index: number, text: string): void {
  const cell = codeCell(index);
  if (cell.editor) {
    cell.editor.dispatch({ changes: { from: 0, to: cell.editor.state.doc.length, insert: text } });
  } else {
    cell.text = text;
    const pre = cell.element.querySelector(".source pre");
    if (pre) pre.textContent = text;
  }
  saveEdit(cell);
}

// ---- editors

const saveTimers = new Map<number, ReturnType<typeof setTimeout>>();

function makeEditor(cell: CodeCell): void {
  if (cell.editor) return;
  const host = cell.element.querySelector<HTMLElement>(".source")!;
  cell.editor = new EditorView({
    parent: host,
    state: EditorState.create({
      doc: cell.text,
      extensions: [
        lineNumbers(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        syntaxHighlighting(classHighlighter),
        javascript({ typescript: true }),
        keymap.of([
          { key: "Shift-Enter", run: () => (void runCell(cell.index), true) },
          indentWithTab,
          ...defaultKeymap,
          ...historyKeymap,
        ]),
        EditorView.contentAttributes.of({ "aria-label": `code cell ${cell.index}` }),
        EditorView.updateListener.of((update) => {
          if (!update.docChanged) return;
          clearTimeout(saveTimers.get(cell.index));
          saveTimers.set(cell.index, setTimeout(() => saveEdit(cell), 200));
        }),
      ],
    }),
  });
  host.querySelector("pre")?.remove();
}

/** Editors one per task, so that the page stays responsive while they are made. */
function makeEditors(): Promise<void> {
  const cells = [...codeCells.values()];
  return new Promise((resolve) => {
    const next = () => {
      const cell = cells.shift();
      if (!cell) return resolve();
      makeEditor(cell);
      setTimeout(next);
    };
    next();
  });
}

// ---- outputs

const pendingRender = new Set<CodeCell>();
let renderScheduled = false;

/**
 * Draws what changed in a cell's outputs at the next frame: new outputs are appended and a
 * changed one (a live display, a growing stream) is redrawn alone, so that a cell that updates
 * its picture many times a second costs the page one picture per frame at most.
 */
function scheduleRender(cell: CodeCell): void {
  pendingRender.add(cell);
  if (renderScheduled) return;
  renderScheduled = true;
  requestAnimationFrame(flushRender);
}

function flushRender(): void {
  renderScheduled = false;
  for (const cell of pendingRender) drawChanges(cell);
  pendingRender.clear();
}

function outputsBox(cell: CodeCell): HTMLElement {
  return cell.element.querySelector<HTMLElement>(".outputs")!;
}

function drawChanges(cell: CodeCell): void {
  const box = outputsBox(cell);
  for (const i of cell.dirty) {
    if (i < cell.rendered) box.children[i].outerHTML = renderOutput(cell.outputs[i]);
  }
  cell.dirty.clear();
  if (cell.rendered < cell.outputs.length) {
    box.insertAdjacentHTML(
      "beforeend",
      cell.outputs.slice(cell.rendered).map(renderOutput).join(""),
    );
    cell.rendered = cell.outputs.length;
  }
}

/** A new output of the running cell; consecutive stream outputs join, as nbrun.py stores them. */
function addOutput(cell: CodeCell, output: Output): void {
  const last = cell.outputs.length - 1;
  const previous = cell.outputs[last];
  if (
    output.output_type === "stream" && previous?.output_type === "stream" &&
    previous.name === output.name
  ) {
    cell.outputs[last] = { ...previous, text: previous.text + output.text };
    cell.dirty.add(last);
  } else cell.outputs.push(output);
  scheduleRender(cell);
}

/** Redraws all of a cell's outputs, its count and its state. */
function renderCell(cell: CodeCell): void {
  outputsBox(cell).innerHTML = cell.outputs.map(renderOutput).join("");
  cell.rendered = cell.outputs.length;
  cell.dirty.clear();
  showCount(cell);
  setState(cell, cell.state);
}

function showCount(cell: CodeCell): void {
  const count = cell.count ?? cell.storedCount;
  cell.element.querySelector(".count")!.textContent = count === null ? "[ ]" : `[${count}]`;
}

function setState(cell: CodeCell, state: State): void {
  cell.state = state;
  cell.element.dataset.state = state;
  const label = cell.element.querySelector(".state")!;
  if (state === "stored") label.textContent = "stored outputs";
  else if (state === "running") label.textContent = "running…";
  else {
    const same = sameOutputs(cell.outputs, cell.stored);
    cell.element.dataset.same = String(same);
    label.textContent = state === "error"
      ? "error"
      : same
      ? "fresh · the same as stored"
      : "fresh · differs from stored";
  }
}

// ---- the kernel

let worker: Worker | undefined;
let kernelReady: Promise<1 | 2> | undefined;
let nextId = 1;
let running: { id: number; cell: CodeCell; done: () => void } | undefined;
const queue: { cell: CodeCell; resolve: (outputs: Output[]) => void }[] = [];
const displays = new Map<string, { cell: CodeCell; output: Output }[]>();
let threads: 1 | 2 = 1;
/** When the first kernel said it was ready (ms since the page's navigation started). */
let kernelReadyAt: number | undefined;

function kernelStatus(text: string, state: string): void {
  const status = $("kernel-status");
  status.textContent = text;
  status.dataset.state = state;
}

function startKernel(): Promise<1 | 2> {
  const w = new Worker(new URL("./kernel.js", import.meta.url), { type: "module" });
  worker = w;
  kernelStatus("kernel: starting…", "starting");
  kernelReady = new Promise((resolve, reject) => {
    w.onmessage = (event: MessageEvent<Reply>) => {
      if (w !== worker) return;
      const reply = event.data;
      if (reply.type === "ready") {
        threads = reply.threads;
        kernelReadyAt ??= performance.now();
        restoreReadyText();
        resolve(threads);
      } else onReply(reply);
    };
    w.onerror = (event) => {
      const message = `the kernel failed: ${event.message || "it could not start"}`;
      kernelStatus(message, "failed");
      reject(new Error(message));
    };
  });
  kernelReady.catch(() => {});
  return kernelReady;
}

function onReply(reply: Reply): void {
  if (!running || reply.type === "ready" || reply.id !== running.id) return;
  const cell = running.cell;
  switch (reply.type) {
    case "output": {
      const output = reply.output;
      addOutput(cell, output);
      if (reply.displayId !== undefined) {
        const list = displays.get(reply.displayId) ?? [];
        list.push({ cell, output });
        displays.set(reply.displayId, list);
      }
      return;
    }
    case "update": {
      for (const shown of displays.get(reply.displayId) ?? []) {
        (shown.output as { data: Bundle }).data = reply.data;
        const index = shown.cell.outputs.indexOf(shown.output);
        if (index >= 0) shown.cell.dirty.add(index);
        scheduleRender(shown.cell);
      }
      return;
    }
    case "done":
      cell.count = reply.executionCount;
      drawChanges(cell);
      pendingRender.delete(cell);
      showCount(cell);
      setState(cell, reply.ok ? "fresh" : "error");
      running.done();
      return;
  }
}

async function runNext(): Promise<void> {
  if (running || !queue.length) return;
  const { cell, resolve } = queue.shift()!;
  if (!worker) {
    notice("a fresh kernel: what the cells above declared must be run again");
    startKernel();
  }
  try {
    await kernelReady;
  } catch {
    cell.outputs = [{
      output_type: "error",
      ename: "Error",
      evalue: "the kernel could not start",
      traceback: [],
    }];
    cell.state = "error";
    renderCell(cell);
    resolve(cell.outputs);
    return runNext();
  }
  const id = nextId++;
  for (const [displayId, shown] of displays) {
    displays.set(displayId, shown.filter((d) => d.cell !== cell));
  }
  cell.outputs = [];
  cell.count = null;
  setState(cell, "running");
  renderCell(cell);
  kernelStatus("kernel: busy", "busy");
  await new Promise<void>((done) => {
    running = { id, cell, done };
    worker!.postMessage({ type: "run", id, source: sourceOf(cell) });
  });
  running = undefined;
  if (worker) restoreReadyText();
  resolve(cell.outputs);
  void runNext();
}

function restoreReadyText(): void {
  kernelStatus(
    `kernel: ready · fast engine on ${threads} thread${threads === 2 ? "s" : ""} (this page is ${
      threads === 2 ? "cross-origin isolated" : "not cross-origin isolated: a plain static host"
    })`,
    "ready",
  );
}

function runCell(index: number): Promise<Output[]> {
  const cell = codeCell(index);
  return new Promise((resolve) => {
    queue.push({ cell, resolve });
    void runNext();
  });
}

/** Runs the code cells in order (those before `end` only, if given); stops at an error. */
async function runAll(end = Infinity): Promise<void> {
  const stop = ++runAllGeneration;
  for (const cell of codeCells.values()) {
    if (cell.index >= end) break;
    if (stop !== runAllGeneration) return;
    await runCell(cell.index);
    if (cell.state === "error") return;
  }
}
let runAllGeneration = 0;

/** Stops the kernel: the running cell ends with an error and every declaration is lost. */
function interrupt(): void {
  runAllGeneration++;
  if (!worker) return;
  worker.terminate();
  worker = undefined;
  kernelReady = undefined;
  displays.clear();
  const waiting = queue.splice(0);
  if (running) {
    const cell = running.cell;
    cell.outputs.push({
      output_type: "error",
      ename: "Interrupted",
      evalue: "the kernel was stopped; its state is lost",
      traceback: ["Interrupted: the kernel was stopped; its state is lost"],
    });
    cell.state = "error";
    renderCell(cell);
    running.done();
  }
  for (const w of waiting) w.resolve(w.cell.outputs);
  kernelStatus(
    "kernel: stopped — its state is lost; Restart (or Run) starts a fresh one",
    "stopped",
  );
}

async function restart(): Promise<void> {
  interrupt();
  hideNotice();
  await startKernel();
}

// ---- notices, download, buttons

function notice(text: string): void {
  const box = $("notice");
  box.textContent = text;
  box.hidden = false;
}
function hideNotice(): void {
  $("notice").hidden = true;
}

/** The notebook with the learner's sources and, where a cell ran, its fresh outputs. */
function currentNotebook(): Notebook {
  const cells = notebook.cells.map((c, index): Cell => {
    const cell = codeCells.get(index);
    if (!cell) return c;
    const fresh = cell.state === "fresh" || cell.state === "error";
    return {
      ...c,
      source: splitLines(sourceOf(cell)),
      outputs: (fresh ? cell.outputs : cell.stored).map(storedForm),
      execution_count: fresh ? cell.count : cell.storedCount,
    };
  });
  return { ...notebook, cells };
}

function download(): void {
  const text = JSON.stringify(currentNotebook(), null, 1) + "\n";
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text], { type: "application/x-ipynb+json" }));
  a.download = `${name}.ipynb`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function revertCell(index: number): void {
  const cell = codeCell(index);
  setSource(index, cell.original);
}

function revertNotebook(): void {
  for (const cell of codeCells.values()) {
    if (sourceOf(cell) !== cell.original) setSource(cell.index, cell.original);
  }
  localStorage.removeItem(storageKey);
  markAll();
}

function markAll(): void {
  for (const cell of codeCells.values()) markEdited(cell);
}

function codeCell(index: number): CodeCell {
  const cell = codeCells.get(index);
  if (!cell) throw new RangeError(`cell ${index} is not a code cell of this notebook`);
  return cell;
}

// ---- start

async function start(): Promise<void> {
  const kernel = startKernel();
  const response = await fetch(`${name}.ipynb`);
  if (!response.ok) throw new Error(`${name}.ipynb: ${response.status}`);
  notebook = await response.json();
  const edits = loadEdits();
  for (const element of document.querySelectorAll<HTMLElement>(".cell.code")) {
    const index = Number(element.dataset.index);
    const c = notebook.cells[index];
    const original = cellSource(c);
    const cell: CodeCell = {
      index,
      element,
      original,
      stored: c.outputs ?? [],
      storedCount: c.execution_count ?? null,
      outputs: c.outputs ?? [],
      count: null,
      state: "stored",
      text: edits[index] ?? original,
      rendered: (c.outputs ?? []).length,
      dirty: new Set(),
    };
    codeCells.set(index, cell);
    if (edits[index] !== undefined) {
      const pre = element.querySelector(".source pre");
      if (pre) pre.textContent = edits[index];
    }
    element.querySelector(".run")!.addEventListener("click", () => void runCell(index));
    element.querySelector(".run-above")!.addEventListener("click", () => void runAll(index));
    element.querySelector(".revert")!.addEventListener("click", () => revertCell(index));
    // a click into the static source makes its editor at once
    element.querySelector(".source")!.addEventListener("pointerdown", () => makeEditor(cell));
  }
  markAll();
  $("run-all").addEventListener("click", () => void runAll());
  $("stop").addEventListener("click", interrupt);
  $("restart").addEventListener("click", () => void restart());
  $("revert-notebook").addEventListener("click", revertNotebook);
  $("download").addEventListener("click", download);
  for (const b of document.querySelectorAll<HTMLButtonElement>("button")) b.disabled = false;
  await makeEditors();
  await kernel;
}

const ready = start();
ready.catch((e) => notice(`the page could not start: ${(e as Error).message}`));

/** For scripts, tests and the devtools console. */
const api = {
  ready: ready.then(() => undefined),
  cells: () =>
    notebook.cells.map((c, index) => {
      const code = codeCells.get(index);
      return {
        index,
        type: c.cell_type === "code" ? "code" as const : "markdown" as const,
        source: code ? sourceOf(code) : cellSource(c),
        state: code?.state,
      };
    }),
  setSource,
  run: (index: number) => runCell(index).then((outputs) => structuredClone(outputs)),
  runAll: () => runAll(),
  outputs: (index: number) => structuredClone(codeCell(index).outputs),
  stored: (index: number) => structuredClone(codeCell(index).stored),
  comparable: (index: number) => comparable(codeCell(index).outputs),
  interrupt,
  restart,
  notebook: () => currentNotebook(),
  timings: () => ({ kernelReady: kernelReadyAt }),
};
Object.assign(globalThis, { book: api });
export type BookApi = typeof api;
