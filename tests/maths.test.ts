/**
 * The maths of the reference implementation, checked against finite differences and invariants.
 */
import assert from "node:assert/strict";
import {
  backward,
  backwardSteps,
  column,
  compareGradients,
  createRng,
  crossEntropy,
  forward,
  fromRows,
  hadamard,
  initNetwork,
  map,
  matmul,
  type Matrix,
  numericalGradient,
  numericalGradients,
  oneHot,
  relativeError,
  relu,
  reluDerivative,
  type Rng,
  scale,
  softmax,
  softmaxJacobian,
  softmaxNaive,
  step,
  sub,
  sumColumns,
  transpose,
  zeros,
} from "../lib/mod.ts";

function randomMatrix(rng: Rng, rows: number, cols: number, scale = 1): Matrix {
  const M = zeros(rows, cols);
  for (let i = 0; i < M.data.length; i++) M.data[i] = rng.uniform(-scale, scale);
  return M;
}

function randomLabels(rng: Rng, m: number): number[] {
  return Array.from({ length: m }, () => rng.int(10));
}

Deno.test("matmul and transpose agree with hand-computed values", () => {
  const A = fromRows([[1, 2, 3], [4, 5, 6]]);
  const B = fromRows([[7, 8], [9, 10], [11, 12]]);
  assert.deepEqual(Array.from(matmul(A, B).data), [58, 64, 139, 154]);
  assert.deepEqual(Array.from(transpose(A).data), [1, 4, 2, 5, 3, 6]);
  assert.throws(() => matmul(A, A), /do not fit/);
});

Deno.test("forward pass shapes follow the dimensions table", () => {
  const rng = createRng(3);
  const net = initNetwork(rng, 16);
  const X = randomMatrix(rng, 784, 5);
  const { Z_h, A_h, Z_o, A_o } = forward(net, X);
  assert.deepEqual([net.W_h.rows, net.W_h.cols, net.b_h.rows, net.b_h.cols], [16, 784, 16, 1]);
  assert.deepEqual([net.W_o.rows, net.W_o.cols, net.b_o.rows, net.b_o.cols], [10, 16, 10, 1]);
  assert.deepEqual([Z_h.rows, Z_h.cols, A_h.rows, A_h.cols], [16, 5, 16, 5]);
  assert.deepEqual([Z_o.rows, Z_o.cols, A_o.rows, A_o.cols], [10, 5, 10, 5]);
  const grads = backward(net, X, oneHot([0, 1, 2, 3, 4]), forward(net, X));
  assert.deepEqual([grads.dW_h.rows, grads.dW_h.cols, grads.db_h.rows, grads.db_h.cols], [
    16,
    784,
    16,
    1,
  ]);
  assert.deepEqual([grads.dW_o.rows, grads.dW_o.cols, grads.db_o.rows, grads.db_o.cols], [
    10,
    16,
    10,
    1,
  ]);
});

Deno.test("initial parameters are uniform in [-1, 1) and depend only on the seed", () => {
  const a = initNetwork(createRng(7));
  const b = initNetwork(createRng(7));
  const c = initNetwork(createRng(8));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.W_h.data, c.W_h.data);
  const w = a.W_h.data;
  assert.ok(w.every((v) => v >= -1 && v < 1));
  const mean = w.reduce((s, v) => s + v, 0) / w.length;
  assert.ok(Math.abs(mean) < 0.05, `mean ${mean}`);
  assert.ok(w.some((v) => v < -0.9) && w.some((v) => v > 0.9));
});

Deno.test("ReLU and its derivative", () => {
  const Z = fromRows([[-2, 0, 3]]);
  assert.deepEqual(Array.from(relu(Z).data), [0, 0, 3]);
  assert.deepEqual(Array.from(reluDerivative(Z).data), [0, 0, 1]);
});

Deno.test("softmax columns sum to 1, and stay finite for logits of ±1000", () => {
  const Z = fromRows([[1000, -1000, 1], [999, -1000, 2], [-1000, -999, 3]]);
  const A = softmax(Z);
  for (let j = 0; j < 3; j++) {
    const col = column(A, j).data;
    assert.ok(col.every(Number.isFinite));
    assert.ok(Math.abs(col.reduce((s, v) => s + v, 0) - 1) < 1e-12);
  }
  // e^1000 overflows without the max shift: that is why it is there.
  assert.ok(softmaxNaive(Z).data.some(Number.isNaN));
  // Shift invariance: softmax(z + c) = softmax(z).
  const shifted = softmax(map(fromRows([[1], [2], [3]]), (v) => v + 500));
  assert.ok(relativeError(shifted, column(A, 2)) < 1e-12);
});

Deno.test("the softmax Jacobian s_i(δ_ij − s_j) equals finite differences", () => {
  const rng = createRng(11);
  const z = randomMatrix(rng, 10, 1, 3);
  const J = softmaxJacobian(z);
  for (let i = 0; i < 10; i++) {
    // Row i of J is the gradient of s_i with respect to z.
    const numeric = numericalGradient(() => softmax(z).data[i], z);
    const analytic = { rows: 10, cols: 1, data: J.data.slice(i * 10, i * 10 + 10) };
    assert.ok(relativeError(analytic, numeric) < 1e-8, `row ${i}`);
  }
});

Deno.test("dZ_o = A_o − Y is the gradient of the mean loss with respect to Z_o, times m", () => {
  const rng = createRng(5);
  const m = 4;
  const Z_o = randomMatrix(rng, 10, m, 4);
  const Y = oneHot(randomLabels(rng, m));
  const numeric = numericalGradient(() => crossEntropy(softmax(Z_o), Y), Z_o);
  // The mean loss divides by m, so its gradient is (A_o − Y)/m.
  const analytic = map(sub(softmax(Z_o), Y), (v) => v / m);
  assert.ok(relativeError(analytic, numeric) < 1e-8);
});

Deno.test("cross-entropy is finite for confident right and wrong predictions", () => {
  const Y = oneHot([0]);
  const right = softmax(fromRows([[800], ...Array(9).fill([-800])]));
  const wrong = softmax(fromRows([[-800], ...Array(9).fill([800])]));
  assert.equal(crossEntropy(right, Y), 0);
  assert.ok(Number.isFinite(crossEntropy(wrong, Y)) && crossEntropy(wrong, Y) > 700);
});

Deno.test("all four backprop gradients equal finite differences (relative error < 1e-6)", () => {
  const rng = createRng(2024);
  // A small float64 network: 784 inputs (only a few non-zero keeps it quick), 6 hidden, 5 samples.
  const net = initNetwork(rng, 6);
  const X = zeros(784, 5);
  for (let k = 0; k < 60; k++) X.data[rng.int(784) * 5 + rng.int(5)] = rng.next();
  const Y = oneHot(randomLabels(rng, 5));
  const analytic = backward(net, X, Y, forward(net, X));
  const errors = compareGradients(analytic, numericalGradients(net, X, Y, 1e-6));
  for (const [name, err] of Object.entries(errors)) assert.ok(err < 1e-6, `${name}: ${err}`);
});

Deno.test("backwardSteps keeps every value of the six formulas, and backward returns its gradients", () => {
  const rng = createRng(31);
  const net = initNetwork(rng, 7);
  const X = randomMatrix(rng, 784, 13, 0.2);
  const Y = oneHot(randomLabels(rng, 13));
  const cache = forward(net, X);
  const s = backwardSteps(net, X, Y, cache);
  assert.deepEqual(s.dZ_o, sub(cache.A_o, Y));
  assert.deepEqual(s.dA_h, matmul(transpose(net.W_o), s.dZ_o));
  assert.deepEqual(s.reluMask, reluDerivative(cache.Z_h));
  assert.deepEqual(s.dZ_h, hadamard(s.dA_h, s.reluMask));
  assert.deepEqual(s.db_o, scale(sumColumns(s.dZ_o), 1 / 13));
  assert.deepEqual(s.db_h, scale(sumColumns(s.dZ_h), 1 / 13));
  assert.ok(s.reluMask.data.some((v) => v === 0) && s.reluMask.data.some((v) => v === 1));
  const { dW_h, db_h, dW_o, db_o } = s;
  assert.deepEqual(backward(net, X, Y, cache), { dW_h, db_h, dW_o, db_o });
});

Deno.test("a wrong gradient fails the check (ReLU′ at dZ_h instead of Z_h)", () => {
  const rng = createRng(9);
  const net = initNetwork(rng, 6);
  const X = randomMatrix(rng, 784, 4, 0.2);
  const Y = oneHot(randomLabels(rng, 4));
  const cache = forward(net, X);
  const dZ_o = sub(cache.A_o, Y);
  const dA_h = matmul(transpose(net.W_o), dZ_o);
  // The original text's erratum: the derivative taken at dA_h (what it calls dZ_h).
  const wrong = map(matmul(hadamard(dA_h, reluDerivative(dA_h)), transpose(X)), (v) => v / 4);
  const numeric = numericalGradients(net, X, Y, 1e-6).dW_h;
  assert.ok(relativeError(wrong, numeric) > 1e-2);
});

Deno.test("one small gradient-descent step lowers the loss", () => {
  const rng = createRng(1);
  const net = initNetwork(rng, 10);
  const X = randomMatrix(rng, 784, 20, 0.5);
  const Y = oneHot(randomLabels(rng, 20));
  const before = crossEntropy(forward(net, X).A_o, Y);
  step(net, backward(net, X, Y, forward(net, X)), 0.01);
  const after = crossEntropy(forward(net, X).A_o, Y);
  assert.ok(after < before, `${after} < ${before}`);
});
