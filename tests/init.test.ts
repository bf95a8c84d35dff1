/**
 * The scaled (He) start: shapes, zero biases, the variance 2/fan-in, and the seed.
 */
import assert from "node:assert/strict";
import { createRng, gaussian, initHe, PARAMETERS } from "../lib/mod.ts";

const variance = (xs: ArrayLike<number>) => {
  let sum = 0, squares = 0;
  for (let i = 0; i < xs.length; i++) [sum, squares] = [sum + xs[i], squares + xs[i] * xs[i]];
  return squares / xs.length - (sum / xs.length) ** 2;
};

Deno.test("gaussian gives mean 0 and variance 1", () => {
  const rng = createRng(3);
  const xs = Array.from({ length: 100_000 }, () => gaussian(rng));
  assert.ok(Math.abs(xs.reduce((s, x) => s + x, 0) / xs.length) < 0.02);
  assert.ok(Math.abs(variance(xs) - 1) < 0.02);
  assert.ok(xs.every(Number.isFinite));
});

Deno.test("initHe: W ~ N(0, 2/fan-in) in the network's shapes, biases zero, seeded", () => {
  const net = initHe(createRng(1), 32);
  assert.deepEqual([net.W_h.rows, net.W_h.cols, net.W_o.rows, net.W_o.cols], [32, 784, 10, 32]);
  assert.ok(net.b_h.data.every((b) => b === 0) && net.b_o.data.every((b) => b === 0));
  assert.ok(Math.abs(variance(net.W_h.data) / (2 / 784) - 1) < 0.05);
  assert.ok(Math.abs(variance(net.W_o.data) / (2 / 32) - 1) < 0.3);
  const again = initHe(createRng(1), 32), other = initHe(createRng(2), 32);
  for (const p of PARAMETERS) assert.deepEqual(again[p], net[p]);
  assert.notDeepEqual(other.W_h, net.W_h);
});
