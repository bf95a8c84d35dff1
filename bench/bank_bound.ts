/**
 * Where a bank's time goes (issue 20's goal of 0.55× at K = 4, hidden 10): per-network ms per
 * full-batch iteration on one thread, 60,000 digits, for hidden 4, 10 and 16 (1, 3 and 4
 * vectors of 4 units per network) at K = 1 and K = 4, medians of 9 iterations after one.
 *
 *   deno run -A bench/bank_bound.ts
 *
 * From K = 1's rows it fits time = shared + vectors × per-vector (least squares over the three
 * widths): what one pass pays whatever the width (decoding the entries, the loop, a network's
 * softmax) against what each 4 units add. At most the shared part is divided by K (not all of
 * it: each network keeps its own softmax), so a bank of K can at best reach
 * (shared / K + vectors × per-vector) / K = 1's time per network.
 */
import { loadMnist } from "../lib/io/mnist.ts";
import { fastBank } from "../lib/engines/fast/bank.ts";
import { initNetwork } from "../lib/maths/init.ts";
import { createRng } from "../lib/maths/random.ts";
import { paddedHidden } from "../lib/engines/fast/layout.ts";
import { stats } from "./timing.ts";

const data = await loadMnist("train");
const WIDTHS = [4, 10, 16];

async function perNetwork(K: number, hidden: number): Promise<number> {
  const nets = Array.from({ length: K }, (_, k) => initNetwork(createRng(k + 1), hidden));
  const rates = nets.map(() => 0.1);
  const bank = await fastBank(nets, data, { threads: 1 });
  try {
    await bank.iterate(rates);
    const ms: number[] = [];
    for (let i = 0; i < 9; i++) {
      const t = performance.now();
      await bank.iterate(rates);
      ms.push((performance.now() - t) / K);
    }
    return stats(ms).median;
  } finally {
    bank.dispose();
  }
}

const rows: { hidden: number; vectors: number; one: number; four: number }[] = [];
for (const hidden of WIDTHS) {
  // alternated, so drift on a shared machine touches both
  const one = await perNetwork(1, hidden), four = await perNetwork(4, hidden);
  rows.push({ hidden, vectors: paddedHidden(hidden) / 4, one, four });
}

// least squares of K = 1's time against the vectors per network
const n = rows.length;
const mx = rows.reduce((s, r) => s + r.vectors, 0) / n;
const my = rows.reduce((s, r) => s + r.one, 0) / n;
const slope = rows.reduce((s, r) => s + (r.vectors - mx) * (r.one - my), 0) /
  rows.reduce((s, r) => s + (r.vectors - mx) ** 2, 0);
const shared = my - slope * mx;

console.log("one thread, full batch of 60000, per-network ms per iteration (medians of 9)");
console.log("hidden  vectors    K=1    K=4   K=4/K=1   best K=4/K=1 (shared / 4)");
for (const r of rows) {
  const best = (shared / 4 + r.vectors * slope) / (shared + r.vectors * slope);
  console.log(
    [
      String(r.hidden).padStart(6),
      String(r.vectors).padStart(8),
      r.one.toFixed(1).padStart(6),
      r.four.toFixed(1).padStart(6),
      (r.four / r.one).toFixed(2).padStart(9),
      best.toFixed(2).padStart(14),
    ].join(" "),
  );
}
console.log(
  `fit of K=1: ${shared.toFixed(1)} ms shared + ${slope.toFixed(1)} ms per vector of 4 units`,
);
