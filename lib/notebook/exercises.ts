/**
 * The checks of notebook 10's exercises. Each check runs the learner's function on a fixed,
 * seeded example and reports one line: exact, close (with the largest |difference|), wrong,
 * or "not done yet" when the stub still calls `todo()`. A check never throws, so the notebook
 * runs clean whatever state the exercises are in.
 */
import { softmax } from "../maths/activations.ts";
import { type Dataset, take } from "../data/dataset.ts";
import { createEngine } from "../engines/choose.ts";
import { compareGradients, numericalGradients } from "../maths/gradcheck.ts";
import { oneHot } from "../maths/loss.ts";
import { clone, fromRows, map, type Matrix, zeros } from "../maths/matrix.ts";
import {
  backward,
  backwardSteps,
  cloneNetwork,
  forward,
  type ForwardCache,
  type Gradients,
  type Network,
  PARAMETERS,
  step,
} from "../maths/network.ts";
import { initNetwork } from "../maths/init.ts";
import { createRng } from "../maths/random.ts";
import { DIVERGENCE_LOSS, DivergenceError, train } from "../training/train.ts";

/** Thrown by `todo()`: the exercise has not been attempted yet. */
export class NotDone extends Error {
  constructor() {
    super("not done yet");
    this.name = "NotDone";
  }
}

/** The body of an untouched stub. */
export function todo(): never {
  throw new NotDone();
}

export type VerdictKind = "exact" | "close" | "wrong" | "not done yet" | "right";

/** What a check found; shown in a notebook as its one-line message. */
export class Verdict {
  constructor(
    readonly exercise: string,
    readonly kind: VerdictKind,
    readonly detail = "",
    readonly maxDifference?: number,
  ) {}

  get message(): string {
    return `${this.exercise}: ${this.kind}${this.detail ? ` — ${this.detail}` : ""}`;
  }

  toString(): string {
    return this.message;
  }

  [Symbol.for("Jupyter.display")]() {
    return { "text/plain": this.message };
  }
}

/** Compares named matrices with the expected ones: exact, close (≤ tolerance), or wrong. */
export function compare(
  exercise: string,
  yours: () => Record<string, Matrix>,
  expected: Record<string, Matrix>,
  tolerance = 1e-9,
): Verdict {
  let got: Record<string, Matrix>;
  try {
    got = yours();
  } catch (e) {
    if (e instanceof NotDone) {
      return new Verdict(exercise, "not done yet", "fill in the stub above");
    }
    return new Verdict(exercise, "wrong", `it threw ${e instanceof Error ? e.message : e}`);
  }
  let worst = 0;
  for (const [name, want] of Object.entries(expected)) {
    const have = got?.[name];
    if (!have || have.rows !== want.rows || have.cols !== want.cols) {
      const shape = have ? `(${have.rows}, ${have.cols})` : "missing";
      return new Verdict(
        exercise,
        "wrong",
        `${name} is ${shape}, expected (${want.rows}, ${want.cols})`,
      );
    }
    for (let i = 0; i < want.data.length; i++) {
      const d = Math.abs(have.data[i] - want.data[i]);
      worst = Math.max(worst, Number.isNaN(d) ? Infinity : d);
    }
  }
  const names = Object.keys(expected).join(", ");
  if (worst === 0) return new Verdict(exercise, "exact", `${names} equal lib's`, 0);
  const size = `max |difference| ${worst.toExponential(1)}`;
  return worst <= tolerance
    ? new Verdict(exercise, "close", size, worst)
    : new Verdict(exercise, "wrong", size, worst);
}

/** A small seeded example: m = 10 samples of `inputs` pixels, a 10-neuron network. */
export function exerciseExample(inputs = 20, m = 10) {
  const rng = createRng(10);
  const X = zeros(inputs, m);
  for (let i = 0; i < X.data.length; i++) X.data[i] = rng.next();
  const labels = Array.from({ length: m }, (_, j) => j % 10);
  const net = initNetwork(createRng(11), 10, inputs);
  // Smaller weights than the original's, so that the gradients are not dominated by a few
  // saturated outputs.
  for (const p of PARAMETERS) net[p] = map(net[p], (v) => v / 4);
  return { X, Y: oneHot(labels), labels, net };
}

/** Exercise 1: dW_h = (1/m)·dZ_h·Xᵀ and db_h = (1/m)·Σ_columns dZ_h. */
export function checkHiddenGradients(
  yours: (dZ_h: Matrix, X: Matrix) => { dW_h: Matrix; db_h: Matrix },
): Verdict {
  const { X, Y, net } = exerciseExample();
  const { dZ_h, dW_h, db_h } = backwardSteps(net, X, Y, forward(net, X));
  return compare("dW_h and db_h", () => yours(clone(dZ_h), clone(X)), { dW_h, db_h });
}

/**
 * Exercise 2: log softmax, column by column, that stays finite: on ordinary logits it must
 * equal log(softmax(Z)); on logits 1000 apart it must give the exact −1000, not −Infinity.
 */
export function checkLogSoftmax(yours: (Z: Matrix) => Matrix): Verdict {
  const { X, net } = exerciseExample();
  const Z = forward(net, X).Z_o;
  const ordinary = compare("log-softmax", () => ({ logA: yours(clone(Z)) }), {
    logA: map(softmax(Z), Math.log),
  }, 1e-12);
  if (ordinary.kind === "wrong" || ordinary.kind === "not done yet") return ordinary;
  const extreme = fromRows([[0, -1000], [1000, 0], [-1000, 1000]]);
  const exact = fromRows([[-1000, -2000], [0, -1000], [-2000, 0]]);
  const far = compare("log-softmax", () => ({ logA: yours(clone(extreme)) }), { logA: exact });
  if (far.kind === "wrong") {
    return new Verdict(
      "log-softmax",
      "wrong",
      `right on ordinary logits, but on logits 1000 apart: ${far.detail} (is it stable?)`,
      far.maxDifference,
    );
  }
  return ordinary.kind === "exact" && far.kind === "exact" ? ordinary : new Verdict(
    "log-softmax",
    "close",
    `max |difference| ${
      Math.max(ordinary.maxDifference ?? 0, far.maxDifference ?? 0).toExponential(1)
    }`,
    Math.max(ordinary.maxDifference ?? 0, far.maxDifference ?? 0),
  );
}

/** Exercise 3: one gradient-descent step, returning the updated network. */
export function checkTrainingStep(
  yours: (net: Network, X: Matrix, Y: Matrix, learningRate: number) => Network,
): Verdict {
  const { X, Y, net } = exerciseExample();
  const expected = cloneNetwork(net);
  step(expected, backward(expected, X, Y, forward(expected, X)), 0.5);
  return compare(
    "one training step",
    () => {
      const after = yours(cloneNetwork(net), clone(X), clone(Y), 0.5);
      return { ...after };
    },
    { ...expected },
  );
}

/**
 * Exercises 4–6: a backward pass, checked against lib's `backward` and, to show what a
 * gradient check sees, against finite differences of the loss.
 */
export function checkBackward(
  exercise: string,
  yours: (net: Network, X: Matrix, Y: Matrix, cache: ForwardCache) => Gradients,
): Verdict {
  const { X, Y, net } = exerciseExample();
  const cache = forward(net, X);
  const expected = backward(net, X, Y, cache);
  const verdict = compare(
    exercise,
    () => ({ ...yours(cloneNetwork(net), clone(X), clone(Y), cache) }),
    { ...expected },
  );
  if (verdict.kind !== "wrong") return verdict;
  let check = "";
  try {
    const numeric = numericalGradients(net, X, Y);
    const errors = compareGradients(yours(cloneNetwork(net), X, Y, cache), numeric);
    const failing = PARAMETERS.filter((p) => !(errors[p] < 1e-6));
    check = `; the gradient check fails on ${
      failing.map((p) => `d${p} (relative error ${errors[p].toExponential(1)})`).join(", ")
    }`;
  } catch {
    // A shape error was already reported.
  }
  return new Verdict(exercise, "wrong", verdict.detail + check, verdict.maxDifference);
}

/** What training at a learning rate does, as exercise 7 asks the learner to predict. */
export const OUTCOMES = [
  "trains well",
  "zig-zags but trains",
  "stalls at a uniform guess",
  "diverges",
] as const;
export type Outcome = typeof OUTCOMES[number];

/** Trains 100 full-batch iterations on the first 5,000 digits from seed 1 and names what happened. */
export async function outcomeOf(learningRate: number, data: Dataset): Promise<{
  outcome: Outcome;
  loss: number;
  accuracy: number;
}> {
  const engine = await createEngine({
    engine: "fast",
    network: initNetwork(createRng(1)),
    data: take(data, 5000),
  });
  let loss = NaN, accuracy = NaN, rises = 0;
  try {
    for await (const r of train(engine, { iterations: 100, learningRate })) {
      if (r.loss > loss) rises++;
      [loss, accuracy] = [r.loss, r.accuracy];
    }
  } catch (e) {
    if (!(e instanceof DivergenceError)) throw e;
    return { outcome: "diverges", loss: DIVERGENCE_LOSS, accuracy };
  } finally {
    engine.dispose();
  }
  const outcome: Outcome = Math.abs(loss - Math.log(10)) < 0.1 && accuracy < 0.2
    ? "stalls at a uniform guess"
    : rises > 20
    ? "zig-zags but trains"
    : "trains well";
  return { outcome, loss, accuracy };
}

/** Exercise 7: the learner's prediction against what training at η actually does. */
export async function checkPrediction(
  learningRate: number,
  prediction: Outcome | undefined,
  data: Dataset,
): Promise<Verdict> {
  const exercise = `η = ${learningRate}`;
  if (prediction === undefined) {
    return new Verdict(exercise, "not done yet", `predict one of: ${OUTCOMES.join(", ")}`);
  }
  const { outcome, loss, accuracy } = await outcomeOf(learningRate, data);
  const what = `it ${outcome} (after 100 iterations: loss ${loss.toFixed(3)}, accuracy ${
    accuracy.toFixed(3)
  })`;
  return new Verdict(exercise, prediction === outcome ? "right" : "wrong", what);
}
