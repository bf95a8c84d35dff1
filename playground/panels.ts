/**
 * The digit panels: the forward pass of the digit shown, then one step of backpropagation on
 * it, every value in a table named like the notebooks' (data-values holds the exact numbers),
 * beside its formula in KaTeX. They compute with lib/maths/network.ts here (one digit is cheap).
 */
import katex from "katex";
import type { Matrix } from "../lib/maths/matrix.ts";
import { INPUTS, type Network } from "../lib/maths/network.ts";
import { $ } from "./dom.ts";
import { colorBar, largestMagnitude, mapCanvas, probabilityChart } from "./pictures.ts";
import type { PageState } from "./state.ts";
import { type BackpropNumbers, backpropNumbers, forwardNumbers } from "./steps.ts";

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

/** What a vector's entries or a matrix's rows and columns are: hidden neurons or digits. */
type Index = "neuron" | "digit";

/**
 * A table of a matrix's numbers, named like the notebooks; data-values holds them exactly.
 * A column vector is shown as one row; the corner names what the columns count. The table
 * scrolls in its own focusable box when it is wider than the panel.
 */
function numbers(
  name: string,
  M: Matrix,
  { columns = "neuron" as Index, rows = "digit" as Index, signs = true } = {},
): HTMLElement {
  const table = document.createElement("table");
  table.className = "numbers";
  table.dataset.name = name;
  table.dataset.values = JSON.stringify(Array.from(M.data));
  const th = (text: string, scope: "row" | "col") => {
    const cell = Object.assign(document.createElement("th"), { textContent: text });
    cell.scope = scope;
    return cell;
  };
  const vector = M.cols === 1;
  const head = table.insertRow();
  head.append(th(vector ? columns : `${rows} \\ ${columns}`, "col"));
  for (let j = 0; j < (vector ? M.data.length : M.cols); j++) head.append(th(String(j), "col"));
  const lines = vector
    ? [M.data]
    : Array.from({ length: M.rows }, (_, i) => M.data.subarray(i * M.cols, (i + 1) * M.cols));
  lines.forEach((values, i) => {
    const row = table.insertRow();
    row.append(th(vector ? name : `${rows} ${i}`, "row"));
    for (const v of values) {
      const cell = row.insertCell();
      cell.textContent = format(v);
      if (signs && v !== 0) cell.className = v > 0 ? "pos" : "neg";
    }
  });
  return scrolling(table, `the values of ${name}`);
}

/** `content` in a box of its own that scrolls sideways, reachable with the keyboard. */
function scrolling(content: Element, label: string): HTMLElement {
  const box = document.createElement("div");
  box.className = "scroll";
  box.tabIndex = 0;
  box.setAttribute("role", "region");
  box.setAttribute("aria-label", label);
  box.append(content);
  return box;
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

/**
 * One 28×28 map per row of M (784 columns): the digit X in grey, or signed values on one
 * symmetric scale shared by every map (with its colour bar), so that sizes compare.
 */
function mapsOf(name: string, M: Matrix, scale: "ink" | "shared"): HTMLElement {
  const box = document.createElement("div");
  box.className = "maps";
  box.dataset.name = name;
  box.dataset.values = JSON.stringify(Array.from(M.data));
  const range = scale === "shared" ? largestMagnitude(M.data) : "ink";
  for (let i = 0; i < M.rows; i++) {
    const figure = document.createElement("figure");
    const values = M.data.subarray(i * M.cols, (i + 1) * M.cols);
    const zero = values.every((v) => v === 0);
    const label = M.rows > 1
      ? `${name} of hidden neuron ${i} as a 28×28 map${zero ? ": all zero" : ""}`
      : `${name}: the digit as 28×28 pixels`;
    figure.append(
      mapCanvas(values, { scale: range, size: M.rows > 16 ? 56 : 84, label }),
      M.rows > 16 ? String(i) : M.rows > 1 ? `neuron ${i}` : "",
    );
    box.append(figure);
  }
  if (range === "ink") return box;
  const both = document.createElement("div");
  both.append(colorBar(range, `${name}, every map`, M.data.some(Number.isNaN)), box);
  return both;
}

/** Where the target starts, and why (a target equal to a sure prediction teaches little). */
export function startingTarget(
  probabilities: ArrayLike<number>,
  prediction: number,
  trueLabel: number | undefined,
): { label: number; why: string } {
  if (trueLabel !== undefined && trueLabel !== prediction) {
    return {
      label: trueLabel,
      why: `The network misclassifies this digit (it says ${prediction}, the label is ` +
        `${trueLabel}), so the target Y starts at the true label: the step shows how one ` +
        "gradient step corrects the mistake.",
    };
  }
  const order = Array.from(probabilities, (p, d) => [p, d]).sort((a, b) => b[0] - a[0]);
  const second = order[1][1];
  return {
    label: second,
    why:
      `The network already predicts ${prediction}${
        trueLabel === undefined ? "" : ", the true label"
      }: with that as the target, A_o − Y is nearly 0 and the step changes almost nothing. So the ` +
      `target Y starts at the runner-up, ${second}, a wrong digit: a step towards it shows the ` +
      "gradients at work. Choose any target.",
  };
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
  const guessRises = $<HTMLSelectElement>("guess-rises");
  for (let d = 0; d < 10; d++) guessRises.add(new Option(String(d), String(d)));
  let last: BackpropNumbers | undefined;

  function show(backprop: "now" | "later" = "now"): void {
    if (!state.network) return;
    const { digit } = state;
    digit.drawnAt = performance.now();
    if (digit.pixels.every((v) => v === 0)) {
      // a blank input has a prediction too (the biases'), but it would mean nothing
      const ask = (text: string) =>
        Object.assign(document.createElement("p"), { className: "ask", textContent: text });
      $("forward").replaceChildren(
        ask(
          "The pad is blank: draw a digit in the box, or pick a test digit, to see it go " +
            "through the network.",
        ),
      );
      $("backprop").replaceChildren(ask("Draw or pick a digit first."));
      $("target-why").textContent = "";
      return;
    }
    const net = state.network;
    const f = forwardNumbers(net, digit.pixels);
    const prediction = document.createElement("span");
    prediction.className = "prediction";
    prediction.dataset.name = "prediction";
    prediction.dataset.values = JSON.stringify([f.prediction]);
    prediction.textContent = `prediction: ${f.prediction}` +
      (digit.trueLabel === undefined ? "" : ` (label: ${digit.trueLabel})`);
    const width = Math.max(240, $("forward").clientWidth - 16);
    $("forward").replaceChildren(
      stepRow("X \\in [0,1]^{784}", mapsOf("X", { rows: 1, cols: INPUTS, data: f.X.data }, "ink")),
      stepRow("Z_h = W_h X + b_h", numbers("Z_h", f.Z_h)),
      stepRow("A_h = \\mathrm{ReLU}(Z_h)", numbers("A_h", f.A_h)),
      stepRow("Z_o = W_o A_h + b_o", numbers("Z_o", f.Z_o, { columns: "digit" })),
      stepRow(
        "A_o = \\mathrm{softmax}(Z_o)",
        numbers("A_o", f.A_o, { columns: "digit", signs: false }),
        probabilityChart(f.A_o.data, undefined, width),
      ),
      stepRow("\\hat y = \\arg\\max_k A_o", prediction),
    );
    const start = startingTarget(f.A_o.data, f.prediction, digit.trueLabel);
    const label = digit.chosenLabel ?? start.label;
    labelSelect.value = String(label);
    $("target-why").textContent = digit.chosenLabel === undefined
      ? start.why
      : `You chose the target ${label}.`;
    if (backprop === "later") setTimeout(() => showBackprop(net, label));
    else showBackprop(net, label);
  }

  function showBackprop(net: Network, label: number): void {
    const { learningRate } = state.settings;
    const b = backpropNumbers(net, state.digit.pixels, label, learningRate);
    const width = Math.max(240, $("backprop").clientWidth - 16);
    const digits = { columns: "digit" as const };
    $("backprop").replaceChildren(
      stepRow(`Y = \\text{one-hot}(${label})`, numbers("Y", b.Y, { ...digits, signs: false })),
      stepRow("dZ_o = A_o - Y", numbers("dZ_o", b.dZ_o, digits)),
      stepRow(
        "dW_o = \\tfrac{1}{m}\\, dZ_o\\, A_h^{\\top}",
        numbers("dW_o", b.dW_o, { rows: "digit", columns: "neuron" }),
      ),
      stepRow(
        "db_o = \\tfrac{1}{m} \\textstyle\\sum_j dZ_o^{(j)}",
        numbers("db_o", b.db_o, digits),
      ),
      stepRow("dA_h = W_o^{\\top} dZ_o", numbers("dA_h", b.dA_h)),
      stepRow("\\mathrm{ReLU}'(Z_h) = [\\,Z_h > 0\\,]", numbers("mask", b.mask, { signs: false })),
      stepRow("dZ_h = dA_h \\odot \\mathrm{ReLU}'(Z_h)", numbers("dZ_h", b.dZ_h)),
      stepRow("db_h = \\tfrac{1}{m} \\textstyle\\sum_j dZ_h^{(j)}", numbers("db_h", b.db_h)),
      stepRow("dW_h = \\tfrac{1}{m}\\, dZ_h\\, X^{\\top}", mapsOf("dW_h", b.dW_h, "shared")),
      stepRow(
        `\\theta \\leftarrow \\theta - \\eta\\, d\\theta,\\quad \\eta = ${learningRate}`,
        probabilityChart(b.before.data, b.after.data, width),
        numbers("before", b.before, { ...digits, signs: false }),
        numbers("after", b.after, { ...digits, signs: false }),
      ),
    );
    last = b;
    $("guess-score").textContent = "";
    const zeros = $("guess-zero");
    if (zeros.children.length !== b.mask.data.length) {
      zeros.replaceChildren(...Array.from(b.mask.data, (_, i) => {
        const box = Object.assign(document.createElement("input"), { type: "checkbox" });
        box.value = String(i);
        const name = document.createElement("label");
        name.append(box, ` ${i}`);
        return name;
      }));
    }
  }

  /** The learner's guess before the step, scored against what the step did. */
  function score(): void {
    if (!last) return;
    const b = last;
    const rises = Array.from(b.after.data, (p, d) => p - b.before.data[d]);
    const most = rises.indexOf(Math.max(...rises));
    const zero = Array.from(b.mask.data, (m, i) => m === 0 ? i : -1).filter((i) => i >= 0);
    const said = Number(guessRises.value);
    const saidZero = [...$("guess-zero").querySelectorAll("input")]
      .filter((box) => box.checked).map((box) => Number(box.value));
    const same = saidZero.length === zero.length && saidZero.every((i) => zero.includes(i));
    const list = (xs: number[]) => xs.length ? xs.join(", ") : "none";
    $("guess-score").textContent =
      `${
        (said === most ? 1 : 0) + (same ? 1 : 0)
      } of 2. The probability that rose most is digit ${most}'s (you said ${said}); the neurons ` +
      `whose dW_h is all zero are ${list(zero)} (you said ${list(saidZero)}): exactly those ` +
      "with ReLU′(Z_h) = 0, which pass no gradient back to their weights.";
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
  $("guess-check").addEventListener("click", score);
  $("pick").addEventListener("change", () => pick(Number($<HTMLInputElement>("pick").value)));
  $("random").addEventListener(
    "click",
    () => pick(Math.floor(Math.random() * (state.test?.count ?? 1))),
  );
  return { show, pick };
}
