/**
 * The digit panels: the forward pass of the digit shown, then one step of backpropagation on
 * it, every value in a table named like the notebooks' (data-values holds the exact numbers),
 * beside its formula in KaTeX. They compute with lib/maths/network.ts here (one digit is cheap).
 */
import katex from "katex";
import type { Matrix } from "../lib/maths/matrix.ts";
import type { Network } from "../lib/maths/network.ts";
import { $ } from "./dom.ts";
import { mapCanvas, probabilityChart } from "./pictures.ts";
import type { PageState } from "./state.ts";
import { backpropNumbers, forwardNumbers } from "./steps.ts";

/** KaTeX's HTML per formula, rendered once: the panels are redrawn while training. */
const typeset = new Map<string, string>();
function tex(formula: string): string {
  let html = typeset.get(formula);
  if (html === undefined) {
    html = katex.renderToString(formula, { throwOnError: false });
    typeset.set(formula, html);
  }
  return html;
}

const format = (v: number) =>
  v === 0 ? "0" : Math.abs(v) < 1e-3 ? v.toExponential(2) : v.toFixed(4);

/** A table of a matrix's numbers, named like the notebooks; data-values holds them exactly. */
function numbers(name: string, M: Matrix, { rowLabel = "neuron", signs = true } = {}): HTMLElement {
  const table = document.createElement("table");
  table.className = "numbers";
  table.dataset.name = name;
  table.dataset.values = JSON.stringify(Array.from(M.data));
  const th = (text: string) => Object.assign(document.createElement("th"), { textContent: text });
  const head = table.insertRow();
  head.append(th(""));
  for (let j = 0; j < (M.cols === 1 ? M.data.length : M.cols); j++) head.append(th(String(j)));
  const rows = M.cols === 1
    ? [M.data]
    : Array.from({ length: M.rows }, (_, i) => M.data.subarray(i * M.cols, (i + 1) * M.cols));
  rows.forEach((values, i) => {
    const row = table.insertRow();
    row.append(th(M.cols === 1 ? name : `${rowLabel} ${i}`));
    for (const v of values) {
      const cell = row.insertCell();
      cell.textContent = format(v);
      if (signs && v !== 0) cell.className = v > 0 ? "pos" : "neg";
    }
  });
  return table;
}

function stepRow(formula: string, ...content: (Node | string)[]): HTMLElement {
  const div = document.createElement("div");
  div.className = "step";
  const left = document.createElement("div");
  left.className = "formula";
  left.innerHTML = tex(formula);
  const right = document.createElement("div");
  right.append(...content);
  div.append(left, right);
  return div;
}

function mapsOf(name: string, M: Matrix, signed: boolean): HTMLElement {
  const box = document.createElement("div");
  box.className = "maps";
  box.dataset.name = name;
  box.dataset.values = JSON.stringify(Array.from(M.data));
  for (let i = 0; i < M.rows; i++) {
    const figure = document.createElement("figure");
    const values = M.data.subarray(i * M.cols, (i + 1) * M.cols);
    figure.append(
      mapCanvas(values, { signed, size: M.rows > 16 ? 56 : 84 }),
      M.rows > 16 ? String(i) : M.rows > 1 ? `neuron ${i}` : "",
    );
    box.append(figure);
  }
  return box;
}

export interface Panels {
  /** Redraws both panels; with "later", the backprop panel in a task of its own. */
  show(backprop?: "now" | "later"): void;
  /** Shows test digit `i` (clamped to the test set) with its label. */
  pick(i: number): void;
}

/** `clearPad` wipes the drawing pad when a test digit replaces what was drawn. */
export function createPanels(state: PageState, clearPad: () => void): Panels {
  const labelSelect = $<HTMLSelectElement>("label");
  for (let d = 0; d < 10; d++) labelSelect.add(new Option(String(d), String(d)));

  function show(backprop: "now" | "later" = "now"): void {
    if (!state.network) return;
    const { digit } = state;
    digit.drawnAt = performance.now();
    const net = state.network;
    const f = forwardNumbers(net, digit.pixels);
    const prediction = document.createElement("span");
    prediction.className = "prediction";
    prediction.dataset.name = "prediction";
    prediction.dataset.values = JSON.stringify([f.prediction]);
    prediction.textContent = `prediction: ${f.prediction}` +
      (digit.trueLabel === undefined ? "" : ` (label: ${digit.trueLabel})`);
    const probabilities = probabilityChart(f.A_o.data);
    $("forward").replaceChildren(
      stepRow("X \\in [0,1]^{784}", mapsOf("X", { rows: 1, cols: 784, data: f.X.data }, false)),
      stepRow("Z_h = W_h X + b_h", numbers("Z_h", f.Z_h)),
      stepRow("A_h = \\mathrm{ReLU}(Z_h)", numbers("A_h", f.A_h)),
      stepRow("Z_o = W_o A_h + b_o", numbers("Z_o", f.Z_o)),
      stepRow(
        "A_o = \\mathrm{softmax}(Z_o)",
        numbers("A_o", f.A_o, { signs: false }),
        probabilities,
      ),
      stepRow("\\hat y = \\arg\\max_k A_o", prediction),
    );
    const label = digit.chosenLabel ?? digit.trueLabel ?? f.prediction;
    labelSelect.value = String(label);
    if (backprop === "later") setTimeout(() => showBackprop(net, label));
    else showBackprop(net, label);
  }

  function showBackprop(net: Network, label: number): void {
    const { learningRate } = state.settings;
    const b = backpropNumbers(net, state.digit.pixels, label, learningRate);
    $("backprop").replaceChildren(
      stepRow(`Y = \\text{one-hot}(${label})`, numbers("Y", b.Y, { signs: false })),
      stepRow("dZ_o = A_o - Y", numbers("dZ_o", b.dZ_o)),
      stepRow(
        "dW_o = \\tfrac{1}{m}\\, dZ_o\\, A_h^{\\top}",
        numbers("dW_o", b.dW_o, { rowLabel: "output" }),
      ),
      stepRow("db_o = \\tfrac{1}{m} \\textstyle\\sum_j dZ_o^{(j)}", numbers("db_o", b.db_o)),
      stepRow("dA_h = W_o^{\\top} dZ_o", numbers("dA_h", b.dA_h)),
      stepRow("\\mathrm{ReLU}'(Z_h) = [\\,Z_h > 0\\,]", numbers("mask", b.mask, { signs: false })),
      stepRow("dZ_h = dA_h \\odot \\mathrm{ReLU}'(Z_h)", numbers("dZ_h", b.dZ_h)),
      stepRow("db_h = \\tfrac{1}{m} \\textstyle\\sum_j dZ_h^{(j)}", numbers("db_h", b.db_h)),
      stepRow("dW_h = \\tfrac{1}{m}\\, dZ_h\\, X^{\\top}", mapsOf("dW_h", b.dW_h, true)),
      stepRow(
        `\\theta \\leftarrow \\theta - \\eta\\, d\\theta,\\quad \\eta = ${learningRate}`,
        probabilityChart(b.before.data, b.after.data),
        numbers("before", b.before, { signs: false }),
        numbers("after", b.after, { signs: false }),
      ),
    );
  }

  function pick(i: number): void {
    const { test } = state;
    if (!test) return;
    i = Math.max(0, Math.min(test.count - 1, Math.floor(i) || 0));
    $<HTMLInputElement>("pick").value = String(i);
    state.digit.pixels = Float64Array.from(
      test.images.subarray(i * 784, (i + 1) * 784),
      (b) => b / 255,
    );
    state.digit.trueLabel = test.labels[i];
    state.digit.chosenLabel = undefined;
    clearPad();
    show();
  }

  labelSelect.addEventListener("change", () => {
    state.digit.chosenLabel = Number(labelSelect.value);
    show();
  });
  $("pick").addEventListener("change", () => pick(Number($<HTMLInputElement>("pick").value)));
  $("random").addEventListener(
    "click",
    () => pick(Math.floor(Math.random() * (state.test?.count ?? 1))),
  );
  return { show, pick };
}
