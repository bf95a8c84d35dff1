import assert from "node:assert/strict";
import { blankPixels, fromRows, rowChanges } from "../lib/mod.ts";

Deno.test("rowChanges: per row the largest and total |Δw| and how many weights went down or up", () => {
  const before = fromRows([[0, 0, 0, 0], [1, 1, 1, 1]]);
  const after = fromRows([[-0.5, -0.02, 0.005, 0.3], [1, 1, 1, 1]]);
  const [moved, still] = rowChanges(after, before);
  assert.equal(moved.row, 0);
  assert.equal(moved.maxChange, 0.5);
  assert.ok(Math.abs(moved.totalChange - 0.825) < 1e-12);
  assert.equal(moved.lowered, 2, "−0.5 and −0.02 are below −0.01");
  assert.equal(moved.raised, 1, "0.005 is within the threshold, 0.3 is not");
  assert.deepEqual(still, { row: 1, maxChange: 0, totalChange: 0, lowered: 0, raised: 0 });
  // a larger threshold counts fewer
  assert.equal(rowChanges(after, before, 0.1)[0].lowered, 1);
  assert.throws(() => rowChanges(after, fromRows([[0, 0, 0, 0]])), /shapes differ/);
});

Deno.test("blankPixels: the pixels that are 0 in every sample", () => {
  const images = new Uint8Array(3 * 784);
  images[5] = 1; // sample 0, pixel 5
  images[784 + 783] = 255; // sample 1, pixel 783
  images[2 * 784 + 5] = 9;
  const blank = blankPixels({ images, labels: new Uint8Array(3), count: 3, source: "test" });
  assert.equal(blank.length, 782);
  assert.ok(!blank.includes(5) && !blank.includes(783) && blank.includes(0) && blank.includes(782));
  // only the first sample: pixel 783 is blank again
  const first = blankPixels({
    images: images.subarray(0, 784),
    labels: new Uint8Array(1),
    count: 1,
    source: "t",
  });
  assert.ok(first.includes(783) && !first.includes(5));
});
