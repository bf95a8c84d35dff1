/**
 * The network's starting parameters, drawn from a seeded generator: the original's uniform
 * [−1, 1) start (`initNetwork`), and He's scaled one (`initHe`), W ~ N(0, 2/fan_in) with
 * zero biases, which keeps the variance of each layer's pre-activations near that of its
 * inputs through a ReLU.
 */
import { type Matrix, zeros } from "./matrix.ts";
import { INPUTS, type Network, OUTPUTS } from "./network.ts";
import type { Rng } from "./random.ts";

function uniformMatrix(rng: Rng, rows: number, cols: number): Matrix {
  const M = zeros(rows, cols);
  for (let i = 0; i < M.data.length; i++) M.data[i] = rng.uniform(-1, 1);
  return M;
}

/** Every entry of W_h, b_h, W_o, b_o uniform in [−1, 1), as the original project initialises them. */
export function initNetwork(rng: Rng, hidden = 10, inputs = INPUTS, outputs = OUTPUTS): Network {
  return {
    W_h: uniformMatrix(rng, hidden, inputs),
    b_h: uniformMatrix(rng, hidden, 1),
    W_o: uniformMatrix(rng, outputs, hidden),
    b_o: uniformMatrix(rng, outputs, 1),
  };
}

/** A standard normal sample (Box–Muller on two uniforms of `rng`). */
export function gaussian(rng: Rng): number {
  const u = 1 - rng.next(); // in (0, 1], so the log is finite
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/** W_h ~ N(0, 2/inputs), W_o ~ N(0, 2/hidden), b_h = b_o = 0 (He et al., 2015). */
export function initHe(rng: Rng, hidden = 10, inputs = INPUTS, outputs = OUTPUTS): Network {
  const normal = (rows: number, cols: number) => {
    const M = zeros(rows, cols);
    const sd = Math.sqrt(2 / cols);
    for (let i = 0; i < M.data.length; i++) M.data[i] = sd * gaussian(rng);
    return M;
  };
  return {
    W_h: normal(hidden, inputs),
    b_h: zeros(hidden, 1),
    W_o: normal(outputs, hidden),
    b_o: zeros(outputs, 1),
  };
}
