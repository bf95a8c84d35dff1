/**
 * The computational graph's picture (lib/pictures/graph.ts) says what lib computes: each
 * backward edge's shape is the shape lib's backwardSteps returns, each edge's "needs" lists
 * exactly the forward values its gradient depends on (changing one of them changes the
 * gradient, changing any other forward value does not), and every label is drawn.
 */
import assert from "node:assert/strict";
import { parseHTML } from "linkedom";
import {
  BACKWARD_EDGES,
  computationalGraph,
  computationalGraphSvg,
} from "../lib/pictures/graph.ts";
import {
  backwardSteps,
  createRng,
  forward,
  type ForwardCache,
  initNetwork,
  map,
  type Matrix,
  type Network,
  oneHot,
  zeros,
} from "../lib/mod.ts";

const H = 7, M = 13;

function example() {
  const rng = createRng(3);
  const X = zeros(784, M);
  for (let i = 0; i < X.data.length; i++) X.data[i] = rng.next();
  const net = initNetwork(createRng(4), H);
  const Y = oneHot(Array.from({ length: M }, (_, j) => j % 10));
  return { X, Y, net, cache: forward(net, X) };
}

Deno.test("each backward edge's shape is the shape of lib's gradient (h = 7, m = 13)", () => {
  const { X, Y, net, cache } = example();
  const steps = backwardSteps(net, X, Y, cache) as unknown as Record<string, Matrix>;
  const size = (s: string) => s === "h" ? H : s === "m" ? M : Number(s);
  assert.equal(BACKWARD_EDGES.length, 7);
  for (const edge of BACKWARD_EDGES) {
    const g = steps[edge.gradient];
    assert.deepEqual([g.rows, g.cols], edge.shape.map(size), edge.gradient);
    assert.ok(edge.formula.startsWith(`${edge.gradient} = `), edge.formula);
    if (edge.from !== "L") assert.ok(edge.formula.includes(edge.from), edge.formula);
    for (const need of edge.needs) {
      assert.ok(edge.formula.includes(need), `${edge.formula}: ${need}`);
    }
  }
});

Deno.test("each edge needs exactly the forward values its gradient depends on", () => {
  const { X, Y, net, cache } = example();
  type Inputs = { net: Network; X: Matrix; Y: Matrix; cache: ForwardCache };
  // a change of each forward value (and of the targets), with the others kept
  const changes: Record<string, (i: Inputs) => Inputs> = {
    X: (i) => ({ ...i, X: map(i.X, (v) => 2 * v) }),
    Y: (i) => ({ ...i, Y: oneHot(Array.from({ length: M }, (_, j) => (j + 3) % 10)) }),
    W_o: (i) => ({ ...i, net: { ...i.net, W_o: map(i.net.W_o, (v) => -v) } }),
    Z_h: (i) => ({ ...i, cache: { ...i.cache, Z_h: map(i.cache.Z_h, (v) => -v) } }),
    A_h: (i) => ({ ...i, cache: { ...i.cache, A_h: map(i.cache.A_h, (v) => 2 * v) } }),
    A_o: (i) => ({ ...i, cache: { ...i.cache, A_o: map(i.cache.A_o, (v) => v / 2) } }),
  };
  const gradients = (i: Inputs) =>
    backwardSteps(i.net, i.X, i.Y, i.cache) as unknown as Record<string, Matrix>;
  const base = gradients({ net, X, Y, cache });
  // what a gradient needs, through the edges it is computed from
  const needs = (g: string): Set<string> => {
    const edge = BACKWARD_EDGES.find((e) => e.gradient === g)!;
    return new Set([...edge.needs, ...(edge.from === "L" ? [] : needs(edge.from))]);
  };
  for (const [value, change] of Object.entries(changes)) {
    const changed = gradients(change({ net, X, Y, cache }));
    for (const edge of BACKWARD_EDGES) {
      const moved = changed[edge.gradient].data.some((v, k) => v !== base[edge.gradient].data[k]);
      assert.equal(moved, needs(edge.gradient).has(value), `${edge.gradient} and ${value}`);
    }
  }
});

Deno.test("the picture draws every node and every edge's formula, shape and needs", async () => {
  const svg = computationalGraphSvg({ highlight: ["dZ_o"] });
  const { document } = parseHTML(`<html><body>${svg}</body></html>`);
  const flat = (s: string) => s.replace(/_/g, "");
  const names = [...document.querySelectorAll("g.node")].map((g) => g.getAttribute("data-name"));
  for (
    const n of [
      "X",
      "Z_h",
      "A_h",
      "Z_o",
      "A_o",
      "L",
      ...BACKWARD_EDGES.map((e) => e.gradient),
    ]
  ) {
    assert.ok(names.includes(n), n);
  }
  for (const edge of BACKWARD_EDGES) {
    const g = document.querySelector(`g.edge[data-gradient="${edge.gradient}"]`);
    assert.ok(g, edge.gradient);
    const lines = [...g.querySelectorAll("text")].map((t) => t.textContent);
    assert.equal(lines[0], flat(edge.formula));
    assert.equal(lines[1], `(${edge.shape.join(", ")})`);
    assert.equal(
      lines[2],
      edge.needs.length ? `needs ${flat(edge.needs.join(", "))}` : "needs no forward value",
    );
    const bold = g.querySelector("text")!.getAttribute("font-weight") === "bold";
    assert.equal(bold, edge.gradient === "dZ_o");
  }
  const figure = await computationalGraph();
  assert.deepEqual([...figure.png.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
  assert.equal(figure.svg, computationalGraphSvg());
});
