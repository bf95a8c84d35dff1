/**
 * The reference engine: network.ts's forward, backward and step, composed as they are
 * written, in float64. It is the readable one, that the notebooks teach with and the fast
 * engine is checked against.
 */
import { type Dataset, toMatrix } from "../data/dataset.ts";
import { accuracyOf, crossEntropy, oneHot } from "../maths/loss.ts";
import { type Matrix, zeros } from "../maths/matrix.ts";
import { backward, cloneNetwork, forward, type Network, predict, step } from "../maths/network.ts";
import {
  assertSameShape,
  type BatchOptions,
  batchSchedule,
  type TrainingEngine,
} from "./engine.ts";

/** The columns `indices` of X (rows, m): a fresh (rows, indices.length) matrix. */
function columns(X: Matrix, indices: ArrayLike<number>): Matrix {
  const B = zeros(X.rows, indices.length);
  for (let i = 0; i < X.rows; i++) {
    const row = i * X.cols, out = i * B.cols;
    for (let j = 0; j < indices.length; j++) B.data[out + j] = X.data[row + indices[j]];
  }
  return B;
}

/**
 * The readable engine: network.ts's forward, backward and step on X (784, m), on all
 * samples at once or, with `batchSize`, on the batches of batchSchedule.
 */
export function referenceEngine(
  initial: Network,
  X: Matrix,
  labels: ArrayLike<number>,
  options: BatchOptions = {},
): TrainingEngine {
  let net = cloneNetwork(initial);
  let schedule = batchSchedule(X.cols, options);
  const fullBatch = (options.batchSize ?? X.cols) >= X.cols;
  const Y = fullBatch ? oneHot(labels, net.W_o.rows) : undefined;
  return {
    name: "reference",
    iterate(learningRate) {
      const { from, to } = schedule.next();
      const batch = schedule.order.subarray(from, to);
      const X_B = fullBatch ? X : columns(X, batch);
      const labels_B = fullBatch ? labels : Array.from(batch, (j) => labels[j]);
      const Y_B = Y ?? oneHot(labels_B, net.W_o.rows);
      const cache = forward(net, X_B);
      const loss = crossEntropy(cache.A_o, Y_B);
      const accuracy = accuracyOf(cache.A_o, labels_B);
      step(net, backward(net, X_B, Y_B, cache), learningRate);
      return { loss, accuracy };
    },
    network: () => cloneNetwork(net),
    reset(network) {
      assertSameShape(network, net);
      net = cloneNetwork(network);
      schedule = batchSchedule(X.cols, options);
    },
    dispose() {},
  };
}

/** The predicted digit for every sample of a data set. */
export function predictDataset(net: Network, ds: Dataset): Uint8Array {
  return predict(net, toMatrix(ds));
}
