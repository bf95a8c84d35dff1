/**
 * The network's computational graph, X → Z_h → A_h → Z_o → A_o → L, drawn as SVG: the forward
 * pass in blue along the top, the backward pass in orange below it, and on every backward edge
 * its formula, the shape of the gradient it produces (h hidden neurons, m samples) and the
 * forward value it needs — the values the forward pass must keep for the backward one.
 * Hand-written SVG (no Plot), so it reaches no Deno API and the book draws it too.
 */
import { type Figure, figureFromSvg } from "./plot.ts";

/** One backward edge: the gradient it produces, from which gradient, and what it needs. */
export interface BackwardEdge {
  /** The gradient the edge produces, as the code names it. */
  gradient: string;
  /** The gradient it starts from (L for the first). */
  from: string;
  formula: string;
  /** Rows and columns, in the symbols h (hidden neurons) and m (samples) or numbers. */
  shape: readonly [string, string];
  /** The forward values (or targets) the formula reads, besides the incoming gradient. */
  needs: readonly string[];
}

/** The seven backward edges, in the order backpropagation computes them (lib/maths/network.ts). */
export const BACKWARD_EDGES: readonly BackwardEdge[] = [
  {
    gradient: "dZ_o",
    from: "L",
    formula: "dZ_o = A_o − Y",
    shape: ["10", "m"],
    needs: ["A_o", "Y"],
  },
  {
    gradient: "dW_o",
    from: "dZ_o",
    formula: "dW_o = (1/m)·dZ_o·A_hᵀ",
    shape: ["10", "h"],
    needs: ["A_h"],
  },
  {
    gradient: "db_o",
    from: "dZ_o",
    formula: "db_o = (1/m)·Σ_j dZ_o",
    shape: ["10", "1"],
    needs: [],
  },
  {
    gradient: "dA_h",
    from: "dZ_o",
    formula: "dA_h = W_oᵀ·dZ_o",
    shape: ["h", "m"],
    needs: ["W_o"],
  },
  {
    gradient: "dZ_h",
    from: "dA_h",
    formula: "dZ_h = dA_h ⊙ ReLU′(Z_h)",
    shape: ["h", "m"],
    needs: ["Z_h"],
  },
  {
    gradient: "dW_h",
    from: "dZ_h",
    formula: "dW_h = (1/m)·dZ_h·Xᵀ",
    shape: ["h", "784"],
    needs: ["X"],
  },
  {
    gradient: "db_h",
    from: "dZ_h",
    formula: "db_h = (1/m)·Σ_j dZ_h",
    shape: ["h", "1"],
    needs: [],
  },
];

/** The forward nodes along the top, left to right, with the operation that leads to the next. */
const FORWARD = [
  { name: "X", shape: "(784, m)", op: "W_h·X + b_h" },
  { name: "Z_h", shape: "(h, m)", op: "ReLU" },
  { name: "A_h", shape: "(h, m)", op: "W_o·A_h + b_o" },
  { name: "Z_o", shape: "(10, m)", op: "softmax" },
  { name: "A_o", shape: "(10, m)", op: "cross-entropy" },
  { name: "L", shape: "a number", op: "" },
] as const;

const BLUE = "#1f5fa8", ORANGE = "#c25a00";
const COLUMN = 180, LEFT = 70, NODE_W = 70, NODE_H = 32;
const Y_FORWARD = 90, Y_BACKWARD = 235, Y_PARAMETERS = 370;

function escapeXml(s: string): string {
  return s.replace(
    /[<>&"]/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!,
  );
}

/** Text with each `_x` written as a subscript (Z_h → Z with a lowered h). */
function rich(s: string): string {
  return escapeXml(s).replace(
    /_(\w)/g,
    '<tspan baseline-shift="sub" font-size="75%">$1</tspan>',
  );
}

function text(x: number, y: number, s: string, attrs = "", anchor = "middle"): string {
  return `<text x="${x}" y="${y}" text-anchor="${anchor}" ${attrs}>${rich(s)}</text>`;
}

function node(x: number, y: number, name: string, colour: string, bold: boolean): string {
  return `<g class="node" data-name="${name}">` +
    `<rect x="${x - NODE_W / 2}" y="${y - NODE_H / 2}" width="${NODE_W}" height="${NODE_H}" ` +
    `rx="8" fill="white" stroke="${colour}" stroke-width="${bold ? 3.5 : 1.5}"/>` +
    text(x, y + 5, name, `font-size="16" font-weight="bold" fill="${colour}"`) + `</g>`;
}

/** A line through `points` with a filled head at its end (drawn, not a marker: every renderer shows it). */
function arrow(points: [number, number][], colour: string, bold = false): string {
  const d = points.map(([x, y], i) => `${i ? "L" : "M"}${x},${y}`).join(" ");
  const [[x0, y0], [x1, y1]] = points.slice(-2);
  const length = Math.hypot(x1 - x0, y1 - y0), size = bold ? 13 : 10;
  const [ux, uy] = [(x1 - x0) / length, (y1 - y0) / length];
  const [bx, by] = [x1 - size * ux, y1 - size * uy];
  const head = [[x1, y1], [bx - 0.45 * size * uy, by + 0.45 * size * ux], [
    bx + 0.45 * size * uy,
    by - 0.45 * size * ux,
  ]].map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(" ");
  return `<path d="${d}" fill="none" stroke="${colour}" stroke-width="${bold ? 3 : 1.5}"/>` +
    `<polygon points="${head}" fill="${colour}"/>`;
}

/** The label block of one backward edge: formula, shape, the forward values it needs. */
function edgeLabel(x: number, y: number, edge: BackwardEdge, bold: boolean): string {
  const needs = edge.needs.length ? `needs ${edge.needs.join(", ")}` : "needs no forward value";
  return `<g class="edge" data-gradient="${edge.gradient}">` +
    text(
      x,
      y,
      edge.formula,
      `font-size="13" fill="${ORANGE}"${bold ? ' font-weight="bold"' : ""}`,
    ) +
    text(x, y + 17, `(${edge.shape.join(", ")})`, `font-size="12" fill="#444"`) +
    text(x, y + 33, needs, `font-size="12" fill="${BLUE}" font-style="italic"`) + `</g>`;
}

/** Where each gradient node sits. */
const GRADIENT_AT: Record<string, [number, number]> = {
  dZ_o: [LEFT + 3 * COLUMN, Y_BACKWARD],
  dA_h: [LEFT + 2 * COLUMN, Y_BACKWARD],
  dZ_h: [LEFT + 1 * COLUMN, Y_BACKWARD],
  dW_o: [LEFT + 2.5 * COLUMN + 35, Y_PARAMETERS],
  db_o: [LEFT + 3.5 * COLUMN + 35, Y_PARAMETERS],
  dW_h: [LEFT + 0.5 * COLUMN - 15, Y_PARAMETERS],
  db_h: [LEFT + 1.5 * COLUMN - 15, Y_PARAMETERS],
};

/** The SVG text of the graph; `highlight` names gradients drawn bold (e.g. ["dZ_o"]). */
export function computationalGraphSvg(options: { highlight?: readonly string[] } = {}): string {
  const highlight = new Set(options.highlight ?? []);
  const width = LEFT + 5 * COLUMN + 70, height = Y_PARAMETERS + 110;
  const parts: string[] = [];
  const heading = (y: number, s: string, colour: string) =>
    text(12, y, s, `font-size="14" font-weight="bold" fill="${colour}"`, "start");
  parts.push(heading(22, "forward pass", BLUE));
  FORWARD.forEach((f, k) => {
    const x = LEFT + k * COLUMN;
    parts.push(node(x, Y_FORWARD, f.name, BLUE, false));
    parts.push(text(x, Y_FORWARD + NODE_H / 2 + 15, f.shape, `font-size="12" fill="#444"`));
    if (f.op) {
      parts.push(
        arrow([[x + NODE_W / 2, Y_FORWARD], [x + COLUMN - NODE_W / 2 - 2, Y_FORWARD]], BLUE),
      );
      parts.push(text(x + COLUMN / 2, Y_FORWARD - 8, f.op, `font-size="12" fill="${BLUE}"`));
    }
  });
  // the parameters and the targets feeding the forward chain
  for (const [label, k] of [["W_h, b_h", 1], ["W_o, b_o", 3], ["Y", 5]] as const) {
    const x = LEFT + k * COLUMN;
    parts.push(text(x, 50, label, `font-size="13" fill="#333"`));
    parts.push(arrow([[x, 55], [x, Y_FORWARD - NODE_H / 2 - 2]], BLUE));
  }
  parts.push(heading(Y_BACKWARD + 5, "backward pass", ORANGE));
  const from = (name: string): [number, number] =>
    name === "L" ? [LEFT + 5 * COLUMN, Y_FORWARD + NODE_H / 2 + 22] : GRADIENT_AT[name];
  for (const edge of BACKWARD_EDGES) {
    const [x1, y1] = from(edge.from);
    const [x2, y2] = GRADIENT_AT[edge.gradient];
    const bold = highlight.has(edge.gradient);
    if (edge.from === "L") {
      // down from L, then left to dZ_o; the label above the horizontal part
      parts.push(arrow([[x1, y1], [x1, y2], [x2 + NODE_W / 2 + 2, y2]], ORANGE, bold));
      parts.push(edgeLabel((x1 + x2) / 2 + 10, y2 - 58, edge, bold));
    } else if (y1 === y2) {
      // along the backward row, right to left; the label above the edge
      parts.push(arrow([[x1 - NODE_W / 2, y1], [x2 + NODE_W / 2 + 2, y2]], ORANGE, bold));
      parts.push(edgeLabel((x1 + x2) / 2, y2 - 58, edge, bold));
    } else {
      // down to a parameter's gradient; the label under it
      parts.push(arrow([[x1, y1 + NODE_H / 2], [x2, y2 - NODE_H / 2 - 2]], ORANGE, bold));
      parts.push(edgeLabel(x2, y2 + 36, edge, bold));
    }
  }
  for (const [name, [x, y]] of Object.entries(GRADIENT_AT)) {
    parts.push(node(x, y, name, ORANGE, highlight.has(name)));
  }
  parts.push(
    text(
      12,
      height - 10,
      "On each backward edge: its formula, the shape of the gradient (h hidden neurons, m samples), " +
        "and the forward values it needs (blue).",
      `font-size="12" fill="#444"`,
      "start",
    ),
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, sans-serif">` +
    `<rect width="100%" height="100%" fill="white"/>${parts.join("")}</svg>`;
}

/**
 * The computational graph as a Figure (SVG, and PNG for viewers that do not show SVG), with
 * the backward edges named in `highlight` drawn bold.
 */
export function computationalGraph(
  options: { highlight?: readonly string[] } = {},
): Promise<Figure> {
  return figureFromSvg(
    computationalGraphSvg(options),
    "the computational graph X → Z_h → A_h → Z_o → A_o → L: forward values above; each " +
      "backward edge with its formula, shape and the forward value it needs",
  );
}
