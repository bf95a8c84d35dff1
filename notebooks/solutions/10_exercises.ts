/**
 * Reference solutions to notebook 10's exercises, kept out of the notebook so that the learner
 * meets the stubs first. Each one can be pasted into its stub as it is: it uses `lib.` names
 * only, which the notebook's one import line provides. `tests/exercises.test.ts` proves that
 * each check accepts these ("exact", or "right" for the prediction) and rejects the typical
 * wrong answers (under `mistakes` and `given`), each with the hint meant for it.
 */
import * as lib from "../../lib/mod.ts";

/** Exercise 1: the hidden layer's parameter gradients from dZ_h. */
export function hiddenGradients(
  dZ_h: lib.Matrix,
  X: lib.Matrix,
): { dW_h: lib.Matrix; db_h: lib.Matrix } {
  const m = X.cols; // the number of samples (dZ_h.rows is the number of hidden neurons)
  return {
    dW_h: lib.scale(lib.matmul(dZ_h, lib.transpose(X)), 1 / m),
    db_h: lib.scale(lib.sumColumns(dZ_h), 1 / m),
  };
}

/** Exercise 2: log softmax by log-sum-exp, column by column. */
export function logSoftmax(Z: lib.Matrix): lib.Matrix {
  const out = lib.zeros(Z.rows, Z.cols);
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
export function trainingStep(
  net: lib.Network,
  X: lib.Matrix,
  Y: lib.Matrix,
  learningRate: number,
): lib.Network {
  lib.step(net, lib.backward(net, X, Y, lib.forward(net, X)), learningRate);
  return net;
}

/** Exercises 4–6: the backward pass, written out (the fix of each buggy version below). */
export function fixedBackward(
  net: lib.Network,
  X: lib.Matrix,
  Y: lib.Matrix,
  cache: lib.ForwardCache,
): lib.Gradients {
  const m = X.cols;
  const dZ_o = lib.sub(cache.A_o, Y);
  const dW_o = lib.scale(lib.matmul(dZ_o, lib.transpose(cache.A_h)), 1 / m);
  const db_o = lib.scale(lib.sumColumns(dZ_o), 1 / m);
  const dA_h = lib.matmul(lib.transpose(net.W_o), dZ_o);
  const dZ_h = lib.hadamard(dA_h, lib.reluDerivative(cache.Z_h));
  const dW_h = lib.scale(lib.matmul(dZ_h, lib.transpose(X)), 1 / m);
  const db_h = lib.scale(lib.sumColumns(dZ_h), 1 / m);
  return { dW_h, db_h, dW_o, db_o };
}

/** Exercise 7: what η = 5 does (the check says why; notebooks 05 and 09a explain it). */
export const prediction: lib.Outcome = "stalls at a uniform guess";

/** Exercise 8: db_o, the row sums of dZ_o over the samples, divided by m. */
export function outputBiasGradient(dZ_o: lib.Matrix): lib.Matrix {
  return lib.scale(lib.sumColumns(dZ_o), 1 / dZ_o.cols);
}

/** Exercise 9: dZ_o for L = (1/m) Σ_j ½‖a_j − y_j‖², column by column Jᵀ(a − y). */
export function squaredErrorDZ(A_o: lib.Matrix, Y: lib.Matrix): lib.Matrix {
  const dZ = lib.zeros(A_o.rows, A_o.cols);
  for (let j = 0; j < A_o.cols; j++) {
    // Jᵀg with J = diag(a) − a aᵀ and g = a − y: a_i (g_i − Σ_k a_k g_k)
    let s = 0;
    for (let k = 0; k < A_o.rows; k++) {
      s += A_o.data[k * A_o.cols + j] * (A_o.data[k * A_o.cols + j] - Y.data[k * A_o.cols + j]);
    }
    for (let i = 0; i < A_o.rows; i++) {
      const a = A_o.data[i * A_o.cols + j];
      dZ.data[i * A_o.cols + j] = a * (a - Y.data[i * A_o.cols + j] - s);
    }
  }
  return dZ;
}

/** Exercise 10: He's variance, which keeps E[z²] the same from layer to layer through ReLU. */
export function heVariance(fanIn: number): number {
  return 2 / fanIn;
}

/** The buggy backward passes as the notebook gives them, one bug each. */
export const given = {
  /** Exercise 4: dW_o from Z_h instead of A_h (the forward value that edge needs). */
  preActivation(
    net: lib.Network,
    X: lib.Matrix,
    Y: lib.Matrix,
    cache: lib.ForwardCache,
  ): lib.Gradients {
    const m = X.cols;
    const dZ_o = lib.sub(cache.A_o, Y);
    const dW_o = lib.scale(lib.matmul(dZ_o, lib.transpose(cache.Z_h)), 1 / m);
    const db_o = lib.scale(lib.sumColumns(dZ_o), 1 / m);
    const dA_h = lib.matmul(lib.transpose(net.W_o), dZ_o);
    const dZ_h = lib.hadamard(dA_h, lib.reluDerivative(cache.Z_h));
    const dW_h = lib.scale(lib.matmul(dZ_h, lib.transpose(X)), 1 / m);
    const db_h = lib.scale(lib.sumColumns(dZ_h), 1 / m);
    return { dW_h, db_h, dW_o, db_o };
  },
  /** Exercise 5: dW_h without the 1/m of the mean. */
  missingOneOverM(
    net: lib.Network,
    X: lib.Matrix,
    Y: lib.Matrix,
    cache: lib.ForwardCache,
  ): lib.Gradients {
    const m = X.cols;
    const dZ_o = lib.sub(cache.A_o, Y);
    const dW_o = lib.scale(lib.matmul(dZ_o, lib.transpose(cache.A_h)), 1 / m);
    const db_o = lib.scale(lib.sumColumns(dZ_o), 1 / m);
    const dA_h = lib.matmul(lib.transpose(net.W_o), dZ_o);
    const dZ_h = lib.hadamard(dA_h, lib.reluDerivative(cache.Z_h));
    const dW_h = lib.matmul(dZ_h, lib.transpose(X));
    const db_h = lib.scale(lib.sumColumns(dZ_h), 1 / m);
    return { dW_h, db_h, dW_o, db_o };
  },
  /** Exercise 6: ReLU′ taken at the gradient (the original text's erratum). */
  reluErratum(
    net: lib.Network,
    X: lib.Matrix,
    Y: lib.Matrix,
    cache: lib.ForwardCache,
  ): lib.Gradients {
    const m = X.cols;
    const dZ_o = lib.sub(cache.A_o, Y);
    const dW_o = lib.scale(lib.matmul(dZ_o, lib.transpose(cache.A_h)), 1 / m);
    const db_o = lib.scale(lib.sumColumns(dZ_o), 1 / m);
    const dA_h = lib.matmul(lib.transpose(net.W_o), dZ_o);
    const dZ_h = lib.hadamard(dA_h, lib.reluDerivative(dA_h));
    const dW_h = lib.scale(lib.matmul(dZ_h, lib.transpose(X)), 1 / m);
    const db_h = lib.scale(lib.sumColumns(dZ_h), 1 / m);
    return { dW_h, db_h, dW_o, db_o };
  },
};

type M = lib.Matrix;

/** Typical wrong answers, which the checks must reject, each with the hint the test expects. */
export const mistakes = {
  // Exercise 1
  /** m taken as dZ_h.rows, the number of hidden neurons. */
  mFromRows: (dZ_h: M, X: M) => ({
    dW_h: lib.scale(lib.matmul(dZ_h, lib.transpose(X)), 1 / dZ_h.rows),
    db_h: lib.scale(lib.sumColumns(dZ_h), 1 / dZ_h.rows),
  }),
  /** db_h summed over the hidden neurons instead of the samples. */
  biasWrongAxis: (dZ_h: M, X: M) => ({
    dW_h: lib.scale(lib.matmul(dZ_h, lib.transpose(X)), 1 / X.cols),
    db_h: lib.scale(lib.sumColumns(lib.transpose(dZ_h)), 1 / X.cols),
  }),
  hiddenGradientsWithoutTranspose: (dZ_h: M, X: M) => ({
    dW_h: lib.scale(lib.matmul(dZ_h, X), 1 / X.cols),
    db_h: lib.scale(lib.sumColumns(dZ_h), 1 / X.cols),
  }),
  hiddenGradientsWithoutOneOverM: (dZ_h: M, X: M) => ({
    dW_h: lib.matmul(dZ_h, lib.transpose(X)),
    db_h: lib.sumColumns(dZ_h),
  }),
  // Exercise 2
  /** log of the (stable) softmax: right on ordinary logits, −Infinity where a probability underflows. */
  logOfSoftmax: (Z: M) => lib.map(lib.softmax(Z), Math.log),
  /** The shift forgotten: log Σ e^z overflows. */
  logSoftmaxWithoutShift: (Z: M) => {
    const out = lib.zeros(Z.rows, Z.cols);
    for (let j = 0; j < Z.cols; j++) {
      let sum = 0;
      for (let i = 0; i < Z.rows; i++) sum += Math.exp(Z.data[i * Z.cols + j]);
      for (let i = 0; i < Z.rows; i++) {
        out.data[i * Z.cols + j] = Z.data[i * Z.cols + j] - Math.log(sum);
      }
    }
    return out;
  },
  /** Shifted by the matrix's maximum instead of each column's. */
  logSoftmaxGlobalShift: (Z: M) => {
    const c = Math.max(...Z.data);
    const out = lib.zeros(Z.rows, Z.cols);
    for (let j = 0; j < Z.cols; j++) {
      let sum = 0;
      for (let i = 0; i < Z.rows; i++) sum += Math.exp(Z.data[i * Z.cols + j] - c);
      for (let i = 0; i < Z.rows; i++) {
        out.data[i * Z.cols + j] = Z.data[i * Z.cols + j] - c - Math.log(sum);
      }
    }
    return out;
  },
  // Exercise 3
  /** θ + η·dθ: uphill. */
  stepUphill: (net: lib.Network, X: M, Y: M, learningRate: number) => {
    lib.step(net, lib.backward(net, X, Y, lib.forward(net, X)), -learningRate);
    return net;
  },
  /** The learning rate forgotten: θ − dθ. */
  stepWithoutLearningRate: (net: lib.Network, X: M, Y: M, _learningRate: number) => {
    lib.step(net, lib.backward(net, X, Y, lib.forward(net, X)), 1);
    return net;
  },
  /** η hard-coded to the notebooks' 0.5. */
  stepWithFixedRate: (net: lib.Network, X: M, Y: M, _learningRate: number) => {
    lib.step(net, lib.backward(net, X, Y, lib.forward(net, X)), 0.5);
    return net;
  },
  // Exercises 4–6, beyond the three given bugs
  /** Notebook 05's shape error: dZ_o·A_h without the transpose (it fits only when m = hidden). */
  missingTranspose(net: lib.Network, X: M, Y: M, cache: lib.ForwardCache): lib.Gradients {
    const m = X.cols;
    const dZ_o = lib.sub(cache.A_o, Y);
    const grads = lib.backward(net, X, Y, cache);
    return { ...grads, dW_o: lib.scale(lib.matmul(dZ_o, cache.A_h), 1 / m) };
  },
  // Exercise 8
  outputBiasWithoutOneOverM: (dZ_o: M) => lib.sumColumns(dZ_o),
  outputBiasWrongAxis: (dZ_o: M) => lib.scale(lib.sumColumns(lib.transpose(dZ_o)), 1 / dZ_o.cols),
  // Exercise 9
  /** Cross-entropy's dZ_o, A − Y, where the loss is squared error. */
  squaredErrorAsAMinusY: (A_o: M, Y: M) => lib.sub(A_o, Y),
  /** Only the Jacobian's diagonal, (a − y)·a·(1 − a), as for a sigmoid. */
  squaredErrorDiagonalOnly: (A_o: M, Y: M) =>
    lib.hadamard(lib.sub(A_o, Y), lib.hadamard(A_o, lib.map(A_o, (a) => 1 - a))),
  // Exercise 10
  /** LeCun's 1/fan-in: right for a linear layer, half too small through ReLU. */
  varianceOneOverN: (fanIn: number) => 1 / fanIn,
  /** The standard deviation instead of the variance. */
  standardDeviation: (fanIn: number) => Math.sqrt(2 / fanIn),
  /** The original's uniform [−1, 1) start. */
  uniformVariance: (_fanIn: number) => 1 / 3,
};
