/**
 * Reference solutions to notebook 10's exercises, kept out of the notebook so that the learner
 * meets the stubs first. `tests/exercises.test.ts` proves that each check accepts these and
 * rejects the typical wrong answers (also here, under `mistakes`), and that the buggy
 * backward passes the notebook gives are caught.
 */
import {
  backward,
  forward,
  type ForwardCache,
  type Gradients,
  hadamard,
  map,
  matmul,
  type Matrix,
  type Network,
  type Outcome,
  reluDerivative,
  scale,
  softmax,
  step,
  sub,
  sumColumns,
  transpose,
  zeros,
} from "../../lib/mod.ts";

/** Exercise 1: the hidden layer's parameter gradients from dZ_h. */
export function hiddenGradients(dZ_h: Matrix, X: Matrix): { dW_h: Matrix; db_h: Matrix } {
  const m = X.cols;
  return { dW_h: scale(matmul(dZ_h, transpose(X)), 1 / m), db_h: scale(sumColumns(dZ_h), 1 / m) };
}

/** Exercise 2: log softmax by log-sum-exp, column by column. */
export function logSoftmax(Z: Matrix): Matrix {
  const out = zeros(Z.rows, Z.cols);
  for (let j = 0; j < Z.cols; j++) {
    let c = -Infinity;
    for (let i = 0; i < Z.rows; i++) c = Math.max(c, Z.data[i * Z.cols + j]);
    let sum = 0;
    for (let i = 0; i < Z.rows; i++) sum += Math.exp(Z.data[i * Z.cols + j] - c);
    const logSum = Math.log(sum);
    for (let i = 0; i < Z.rows; i++) out.data[i * Z.cols + j] = Z.data[i * Z.cols + j] - c - logSum;
  }
  return out;
}

/** Exercise 3: one step of gradient descent. */
export function trainingStep(net: Network, X: Matrix, Y: Matrix, learningRate: number): Network {
  step(net, backward(net, X, Y, forward(net, X)), learningRate);
  return net;
}

/** Exercises 4–6: the backward pass, written out (the fix of each buggy version below). */
export function fixedBackward(net: Network, X: Matrix, Y: Matrix, cache: ForwardCache): Gradients {
  const m = X.cols;
  const dZ_o = sub(cache.A_o, Y);
  const dW_o = scale(matmul(dZ_o, transpose(cache.A_h)), 1 / m);
  const db_o = scale(sumColumns(dZ_o), 1 / m);
  const dA_h = matmul(transpose(net.W_o), dZ_o);
  const dZ_h = hadamard(dA_h, reluDerivative(cache.Z_h));
  const dW_h = scale(matmul(dZ_h, transpose(X)), 1 / m);
  const db_h = scale(sumColumns(dZ_h), 1 / m);
  return { dW_h, db_h, dW_o, db_o };
}

/** Exercise 7: what η = 5 does (notebook 07 and 09a explain why). */
export const prediction: Outcome = "stalls at a uniform guess";

/** The buggy backward passes as the notebook gives them, one bug each. */
export const given = {
  /** Exercise 4: dW_o without the transpose of A_h (shapes still fit when m = 10). */
  missingTranspose(net: Network, X: Matrix, Y: Matrix, cache: ForwardCache): Gradients {
    const m = X.cols;
    const dZ_o = sub(cache.A_o, Y);
    const dW_o = scale(matmul(dZ_o, cache.A_h), 1 / m);
    const db_o = scale(sumColumns(dZ_o), 1 / m);
    const dA_h = matmul(transpose(net.W_o), dZ_o);
    const dZ_h = hadamard(dA_h, reluDerivative(cache.Z_h));
    return {
      dW_h: scale(matmul(dZ_h, transpose(X)), 1 / m),
      db_h: scale(sumColumns(dZ_h), 1 / m),
      dW_o,
      db_o,
    };
  },
  /** Exercise 5: dW_h without the 1/m of the mean. */
  missingOneOverM(net: Network, X: Matrix, Y: Matrix, cache: ForwardCache): Gradients {
    const m = X.cols;
    const dZ_o = sub(cache.A_o, Y);
    const dA_h = matmul(transpose(net.W_o), dZ_o);
    const dZ_h = hadamard(dA_h, reluDerivative(cache.Z_h));
    return {
      dW_h: matmul(dZ_h, transpose(X)),
      db_h: scale(sumColumns(dZ_h), 1 / m),
      dW_o: scale(matmul(dZ_o, transpose(cache.A_h)), 1 / m),
      db_o: scale(sumColumns(dZ_o), 1 / m),
    };
  },
  /** Exercise 6: ReLU′ taken at the gradient (the original text's erratum). */
  reluErratum(net: Network, X: Matrix, Y: Matrix, cache: ForwardCache): Gradients {
    const m = X.cols;
    const dZ_o = sub(cache.A_o, Y);
    const dA_h = matmul(transpose(net.W_o), dZ_o);
    const dZ_h = hadamard(dA_h, reluDerivative(dA_h));
    return {
      dW_h: scale(matmul(dZ_h, transpose(X)), 1 / m),
      db_h: scale(sumColumns(dZ_h), 1 / m),
      dW_o: scale(matmul(dZ_o, transpose(cache.A_h)), 1 / m),
      db_o: scale(sumColumns(dZ_o), 1 / m),
    };
  },
};

/** Typical wrong answers to exercises 1–3, which the checks must reject. */
export const mistakes = {
  hiddenGradientsWithoutTranspose: (dZ_h: Matrix, X: Matrix) => ({
    dW_h: scale(matmul(dZ_h, X), 1 / X.cols),
    db_h: scale(sumColumns(dZ_h), 1 / X.cols),
  }),
  hiddenGradientsWithoutOneOverM: (dZ_h: Matrix, X: Matrix) => ({
    dW_h: matmul(dZ_h, transpose(X)),
    db_h: sumColumns(dZ_h),
  }),
  /** log of the (stable) softmax: right on ordinary logits, −Infinity on far ones. */
  logOfSoftmax: (Z: Matrix) => map(softmax(Z), Math.log),
  /** The shift forgotten: log Σ e^z overflows. */
  logSoftmaxWithoutShift: (Z: Matrix) => {
    const out = zeros(Z.rows, Z.cols);
    for (let j = 0; j < Z.cols; j++) {
      let sum = 0;
      for (let i = 0; i < Z.rows; i++) sum += Math.exp(Z.data[i * Z.cols + j]);
      for (let i = 0; i < Z.rows; i++) {
        out.data[i * Z.cols + j] = Z.data[i * Z.cols + j] - Math.log(sum);
      }
    }
    return out;
  },
  /** θ + η·dθ: uphill. */
  stepUphill: (net: Network, X: Matrix, Y: Matrix, learningRate: number) => {
    step(net, backward(net, X, Y, forward(net, X)), -learningRate);
    return net;
  },
  /** The learning rate forgotten: θ − dθ. */
  stepWithoutLearningRate: (net: Network, X: Matrix, Y: Matrix, _learningRate: number) => {
    step(net, backward(net, X, Y, forward(net, X)), 1);
    return net;
  },
};
