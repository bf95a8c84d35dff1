/**
 * The seeded generator: reproducible, uniform enough, and the helpers built on it.
 */
import assert from "node:assert/strict";
import { createRng, sample, shuffle } from "../lib/mod.ts";

Deno.test("the same seed gives the same sequence, another seed another one", () => {
  const draw = (seed: number) => Array.from({ length: 5 }, createRng(seed).next);
  assert.deepEqual(draw(1), draw(1));
  assert.notDeepEqual(draw(1), draw(2));
});

Deno.test("draws are uniform in [0, 1) and integers in [0, n)", () => {
  const rng = createRng(3);
  const bins = new Array(10).fill(0);
  for (let i = 0; i < 100_000; i++) {
    const u = rng.next();
    assert.ok(u >= 0 && u < 1);
    bins[Math.floor(u * 10)]++;
  }
  // Each bin expects 10,000; ±500 is about 5 standard deviations.
  assert.ok(bins.every((b) => Math.abs(b - 10_000) < 500), String(bins));
  const ints = new Set(Array.from({ length: 1000 }, () => rng.int(7)));
  assert.deepEqual([...ints].sort(), [0, 1, 2, 3, 4, 5, 6]);
});

Deno.test("shuffle permutes in place; sample picks distinct indices", () => {
  const a = Uint32Array.from({ length: 100 }, (_, i) => i);
  shuffle(createRng(5), a);
  assert.notDeepEqual(Array.from(a), Array.from({ length: 100 }, (_, i) => i));
  assert.deepEqual(Array.from(a).sort((x, y) => x - y), Array.from({ length: 100 }, (_, i) => i));
  const s = sample(createRng(5), 50, 20);
  assert.equal(s.length, 20);
  assert.equal(new Set(s).size, 20);
  assert.ok(s.every((i) => i < 50));
  assert.deepEqual(sample(createRng(9), 50, 20), sample(createRng(9), 50, 20));
});
