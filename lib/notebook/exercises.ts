/**
 * The checks of notebook 10's exercises, in the spirit of makemore's `cmp`. Each check runs
 * the learner's function on a fixed, seeded example whose sizes all differ (20 inputs,
 * 7 hidden neurons, m = 13 samples, 10 classes), so that a wrong dimension cannot pass for a
 * right one, and reports every matrix on its own: exact, close (the largest |difference|),
 * or wrong (a wrong shape, or the largest |difference|), then a hint aimed at the typical
 * mistake it recognises ("… is m = 13 times too large: where does 1/m go?"). "not done yet"
 * means the stub still calls `todo()`. A check never throws, so the notebook runs clean
 * whatever state the exercises are in.
 */
import { relu, softmax } from "../maths/activations.ts";
import { type Dataset, take } from "../data/dataset.ts";
import { createEngine } from "../engines/choose.ts";
import { compareGradients, numericalGradient, numericalGradients } from "../maths/gradcheck.ts";
import { oneHot } from "../maths/loss.ts";
import { clone, fromRows, map, matmul, type Matrix, zeros } from "../maths/matrix.ts";
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
import { gaussian, initNetwork } from "../maths/init.ts";
import { createRng } from "../maths/random.ts";
import { firingShares } from "../training/experiment.ts";
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

/** What a check found; shown in a notebook as its message: one line, then one per matrix and hint. */
export class Verdict {
  constructor(
    readonly exercise: string,
    readonly kind: VerdictKind,
    readonly detail = "",
    readonly maxDifference?: number,
    /** One line per matrix compared, then the hints. */
    readonly lines: readonly string[] = [],
    readonly hints: readonly string[] = [],
  ) {}

  get message(): string {
    const head = `${this.exercise}: ${this.kind}${this.detail ? ` — ${this.detail}` : ""}`;
    return [head, ...this.lines.map((l) => `  ${l}`), ...this.hints.map((h) => `  hint: ${h}`)]
      .join("\n");
  }

  toString(): string {
    return this.message;
  }

  [Symbol.for("Jupyter.display")]() {
    return { "text/plain": this.message };
  }
}

/** A hint for one matrix that differs from the expected one (undefined: no idea). */
export type Hint = (name: string, have: Matrix, want: Matrix) => string | undefined;

/** How one named matrix compares with the expected one. */
export interface Part {
  name: string;
  kind: "exact" | "close" | "wrong";
  line: string;
  maxDifference: number;
  hint?: string;
}

const shapeOf = (M: { rows: number; cols: number }) => `(${M.rows}, ${M.cols})`;
const exp1 = (x: number) => x.toExponential(1);

/** One matrix against the expected one: a wrong shape, or exact, close (≤ tolerance) or wrong. */
export function comparePart(
  name: string,
  have: Matrix | undefined,
  want: Matrix,
  tolerance: number,
  hint: Hint = () => undefined,
): Part {
  if (!have || !(have.data instanceof Float64Array || Array.isArray(have.data))) {
    return {
      name,
      kind: "wrong",
      line: `${name}: missing, expected a matrix ${shapeOf(want)}`,
      maxDifference: Infinity,
    };
  }
  if (have.rows !== want.rows || have.cols !== want.cols) {
    return {
      name,
      kind: "wrong",
      line: `${name} is ${shapeOf(have)}, expected ${shapeOf(want)}`,
      maxDifference: Infinity,
      hint: hint(name, have, want) ?? shapeHint(name, have, want),
    };
  }
  let worst = 0;
  for (let i = 0; i < want.data.length; i++) {
    const d = Math.abs(have.data[i] - want.data[i]);
    worst = Math.max(worst, Number.isNaN(d) ? Infinity : d);
  }
  const line = `${name} ${shapeOf(want)}: `;
  if (worst === 0) return { name, kind: "exact", line: line + "exact", maxDifference: 0 };
  if (worst <= tolerance) {
    return {
      name,
      kind: "close",
      line: `${line}close, max |difference| ${exp1(worst)}`,
      maxDifference: worst,
    };
  }
  return {
    name,
    kind: "wrong",
    line: `${line}wrong, max |difference| ${exp1(worst)}`,
    maxDifference: worst,
    hint: hint(name, have, want) ?? valueHint(name, have, want),
  };
}

/** Combines the parts into one verdict: wrong if any is wrong, exact only if all are. */
export function verdictOf(exercise: string, parts: Part[], extra: string[] = []): Verdict {
  const worst = Math.max(0, ...parts.map((p) => p.maxDifference));
  const hints = [...new Set(parts.flatMap((p) => p.hint ? [p.hint] : []))];
  const kind = parts.some((p) => p.kind === "wrong")
    ? "wrong"
    : parts.every((p) => p.kind === "exact")
    ? "exact"
    : "close";
  const names = parts.map((p) => p.name).join(", ");
  const detail = kind === "exact"
    ? `${names} equal lib's, bit for bit`
    : kind === "close"
    ? `the same up to rounding, max |difference| ${exp1(worst)}`
    : "";
  return new Verdict(exercise, kind, detail, worst, [...parts.map((p) => p.line), ...extra], hints);
}

/** Runs the learner's code: its result, or the verdict that it is not done or threw. */
function attempt<T>(
  exercise: string,
  run: () => T,
  threw: (message: string) => string | undefined = () => undefined,
): { value: T } | { verdict: Verdict } {
  try {
    return { value: run() };
  } catch (e) {
    if (e instanceof NotDone) {
      return { verdict: new Verdict(exercise, "not done yet", "fill in the stub above") };
    }
    const message = e instanceof Error ? e.message : String(e);
    const hint = threw(message);
    return {
      verdict: new Verdict(
        exercise,
        "wrong",
        `it threw: ${message}`,
        undefined,
        [],
        hint ? [hint] : [],
      ),
    };
  }
}

/**
 * Compares named matrices with the expected ones, each on its own line, with a hint for each
 * wrong one (from `hint`, else a generic one: a transposed shape, a constant factor, NaN).
 */
export function compare(
  exercise: string,
  yours: () => Record<string, Matrix>,
  expected: Record<string, Matrix>,
  tolerance = 1e-9,
  hint?: Hint,
  threw?: (message: string) => string | undefined,
): Verdict {
  const got = attempt(exercise, yours, threw);
  if ("verdict" in got) return got.verdict;
  const parts = Object.entries(expected).map(([name, want]) =>
    comparePart(name, got.value?.[name], want, tolerance, hint)
  );
  return verdictOf(exercise, parts);
}

function shapeHint(name: string, have: Matrix, want: Matrix): string {
  if (have.rows === want.cols && have.cols === want.rows) {
    return `${name} is the transpose of what is expected: a gradient has its parameter's shape ${
      shapeOf(want)
    }; check the order of the factors of the product`;
  }
  return `${name} must have the shape of what it is the gradient of, ${shapeOf(want)}`;
}

/** The constant c with have = c·want, if there is one (to 1e-9), else undefined. */
export function constantFactor(have: Matrix, want: Matrix): number | undefined {
  let hw = 0, ww = 0, scaleOfWant = 0;
  for (let i = 0; i < want.data.length; i++) {
    hw += have.data[i] * want.data[i];
    ww += want.data[i] * want.data[i];
    scaleOfWant = Math.max(scaleOfWant, Math.abs(want.data[i]));
  }
  if (!(ww > 0)) return undefined;
  const c = hw / ww;
  for (let i = 0; i < want.data.length; i++) {
    if (
      !(Math.abs(have.data[i] - c * want.data[i]) <= 1e-9 * scaleOfWant * Math.max(1, Math.abs(c)))
    ) {
      return undefined;
    }
  }
  return c;
}

const near = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.abs(b);

function valueHint(name: string, have: Matrix, want: Matrix): string | undefined {
  if (have.data.some((v) => !Number.isFinite(v))) return `${name} has NaN or ±Infinity entries`;
  const c = constantFactor(have, want);
  if (c === undefined) return undefined;
  if (near(c, -1)) return `${name} has the right size but the opposite sign`;
  if (Math.abs(c) < 1e-12) return `${name} is all zeros`;
  return `${name} has the right shape but is ${c.toPrecision(3)} times the expected values`;
}

/** The sizes of the example that exercises 1–6 and 8–9 run on. */
export const EXAMPLE = { inputs: 20, hidden: 7, samples: 13, classes: 10 } as const;

/**
 * A small seeded example: m = 13 samples of 20 pixels, a network of 7 hidden neurons, so that
 * every dimension differs from every other one.
 */
export function exerciseExample(
  inputs: number = EXAMPLE.inputs,
  m: number = EXAMPLE.samples,
  hidden: number = EXAMPLE.hidden,
) {
  const rng = createRng(10);
  const X = zeros(inputs, m);
  for (let i = 0; i < X.data.length; i++) X.data[i] = rng.next();
  const labels = Array.from({ length: m }, (_, j) => j % EXAMPLE.classes);
  const net = initNetwork(createRng(11), hidden, inputs, EXAMPLE.classes);
  // Smaller weights than the original's, so that the gradients are not dominated by a few
  // saturated outputs.
  for (const p of PARAMETERS) net[p] = map(net[p], (v) => v / 4);
  return { X, Y: oneHot(labels, EXAMPLE.classes), labels, net };
}

const { inputs: N_IN, hidden: H, samples: M } = EXAMPLE;

/** Hints about the 1/m of the mean, shared by every gradient of a parameter. */
function meanHint(name: string, have: Matrix, want: Matrix): string | undefined {
  const c = constantFactor(have, want);
  if (c === undefined) return undefined;
  if (near(c, M)) {
    return `${name} has the right shape but is m = ${M} times too large: where does 1/m go?`;
  }
  if (near(c, M / H)) {
    return `${name} is ${M}/${H} times too large: it divides by ${H}, the number of hidden ` +
      `neurons (dZ_h.rows); m is the number of samples, X.cols = ${M}`;
  }
  if (near(c, 1 / M)) return `${name} is m = ${M} times too small: is 1/m applied twice?`;
  return undefined;
}

/** A bias gradient summed over the wrong axis: one entry per sample instead of per neuron. */
function biasAxisHint(name: string, have: Matrix, want: Matrix): string | undefined {
  if (want.cols === 1 && (have.rows === M || have.cols === M) && have.data.length === M) {
    return `${name} has one entry per sample: the sum runs over the samples j, along each row ` +
      `of dZ (sumColumns(dZ) adds up the columns), leaving one entry per ${
        want.rows === H ? "hidden neuron" : "class"
      } ${shapeOf(want)}`;
  }
  return undefined;
}

const productHint = (message: string) =>
  /matmul: shapes/.test(message)
    ? `a product does not fit: here X is (${N_IN}, ${M}), A_h and Z_h (${H}, ${M}), W_o ` +
      `(10, ${H}), dZ_o (10, ${M}); a product that sums over the ${M} samples needs the ` +
      `transpose of its second factor (dZ·Xᵀ, dZ_o·A_hᵀ)`
    : undefined;

/** Exercise 1: dW_h = (1/m)·dZ_h·Xᵀ and db_h = (1/m)·Σ_columns dZ_h. */
export function checkHiddenGradients(
  yours: (dZ_h: Matrix, X: Matrix) => { dW_h: Matrix; db_h: Matrix },
): Verdict {
  const { X, Y, net } = exerciseExample();
  const { dZ_h, dW_h, db_h } = backwardSteps(net, X, Y, forward(net, X));
  const hint: Hint = (name, have, want) =>
    biasAxisHint(name, have, want) ?? meanHint(name, have, want);
  return compare(
    "dW_h and db_h",
    () => yours(clone(dZ_h), clone(X)),
    { dW_h, db_h },
    1e-9,
    hint,
    productHint,
  );
}

/**
 * log softmax(Z), column by column, by log-sum-exp: (z − c) − log Σ_k e^{z_k − c} with c the
 * column's maximum. The checks compare with this, so a solution that follows the same formula
 * in the same order is exact.
 */
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

/** The far logits of exercise 2: columns [1000, 0], [−1000, −1001] and [0.5, −0.5]. */
export const FAR_LOGITS = fromRows([[1000, -1000, 0.5], [0, -1001, -0.5]]);

/**
 * Exercise 2: log softmax, column by column, that stays finite: on the network's ordinary
 * logits and on columns of very different ranges, [1000, 0] (e^1000 overflows) and
 * [−1000, −1001] (every e^z underflows), where log(softmax) or a shift by the matrix's
 * maximum give ±Infinity.
 */
export function checkLogSoftmax(yours: (Z: Matrix) => Matrix): Verdict {
  const exercise = "log-softmax";
  const { X, net } = exerciseExample();
  const Z = forward(net, X).Z_o;
  const got = attempt(exercise, () => [yours(clone(Z)), yours(clone(FAR_LOGITS))] as const);
  if ("verdict" in got) return got.verdict;
  const [ordinary, far] = got.value;
  const farHint: Hint = (_name, have) => {
    const bad = (j: number) =>
      Array.from({ length: have.rows }, (_, i) => have.data[i * have.cols + j])
        .some((v) => !Number.isFinite(v));
    const [big, small] = [bad(0), bad(1)];
    if (big && small) {
      return "on [1000, 0] e^1000 overflows to Infinity and on [−1000, −1001] every e^z " +
        "underflows to 0: subtract each column's maximum c before exponentiating";
    }
    if (big) {
      return "the column [1000, 0] is not finite: there softmax gives a probability of exactly " +
        "0, and log 0 = −Infinity; never form the probability: log a_i = (z_i − c) − log Σ e^{z_k − c}";
    }
    if (small) {
      return "the column [−1000, −1001] is not finite: shifted by 1000, the largest logit of " +
        "the matrix, all its e^{z − c} underflow to 0; c must be each column's own maximum";
    }
    return undefined;
  };
  const parts = [
    comparePart("ordinary logits", ordinary, logSoftmax(Z), 1e-12),
    comparePart(
      "far logits [1000, 0], [−1000, −1001], [0.5, −0.5]",
      far,
      logSoftmax(FAR_LOGITS),
      1e-12,
      farHint,
    ),
  ];
  return verdictOf(exercise, parts);
}

/** The learning rate exercise 3 is checked with: not 0.5, the rate the notebooks use. */
export const CHECK_LEARNING_RATE = 0.37;

/** Exercise 3: one gradient-descent step, returning the updated network. */
export function checkTrainingStep(
  yours: (net: Network, X: Matrix, Y: Matrix, learningRate: number) => Network,
): Verdict {
  const { X, Y, net } = exerciseExample();
  const eta = CHECK_LEARNING_RATE;
  const expected = cloneNetwork(net);
  step(expected, backward(expected, X, Y, forward(expected, X)), eta);
  // The hints look at the step each parameter took: the learner's against θ − η·dθ's.
  const hint: Hint = (name, have, want) => {
    const before = net[name as keyof Network];
    const moved = map(have, (v) => v), should = map(want, (v) => v);
    for (let i = 0; i < before.data.length; i++) {
      moved.data[i] -= before.data[i];
      should.data[i] -= before.data[i];
    }
    const c = constantFactor(moved, should);
    if (c === undefined) return undefined;
    if (Math.abs(c) < 1e-12) {
      return "the parameters did not move: update them (lib's step works in place) and return the network";
    }
    if (near(c, -1)) return "every parameter moved uphill: θ − η·dθ, not θ + η·dθ";
    if (near(c, 0.5 / eta)) {
      return `every parameter moved ${(0.5 / eta).toFixed(2)} times as far as it should: is 0.5 ` +
        `written in your code? Use the learningRate argument (the check passes ${eta})`;
    }
    if (near(c, 1 / eta)) {
      return `every parameter moved 1/η = ${(1 / eta).toFixed(2)} times too far: multiply the ` +
        `gradient by the learning rate η`;
    }
    return `every parameter moved ${c.toPrecision(3)} times as far as θ − η·dθ would`;
  };
  return compare(
    `one training step (η = ${eta})`,
    () => ({ ...yours(cloneNetwork(net), clone(X), clone(Y), eta) }),
    { ...expected },
    1e-9,
    hint,
  );
}

/**
 * The typical wrong backward passes a check recognises: each computes the gradients with
 * one mistake, and its hint says what it is.
 */
const BACKWARD_MISTAKES: {
  hint: string;
  gradients: (net: Network, X: Matrix, Y: Matrix, cache: ForwardCache) => Partial<Gradients>;
}[] = [
  {
    hint: "dW_o is built from Z_h where the forward value A_h is needed: dW_o = (1/m)·dZ_o·A_hᵀ " +
      "(in notebook 05's graph each backward edge names the forward value it needs)",
    gradients: (net, X, Y, cache) => backward(net, X, Y, { ...cache, A_h: cache.Z_h }),
  },
  {
    hint: "dZ_h is masked by ReLU′(dA_h), the sign of the incoming gradient; whether a neuron " +
      "passes the gradient depends on the forward pass: dZ_h = dA_h ⊙ ReLU′(Z_h) (notebook 05, " +
      "erratum 1)",
    gradients: (net, X, Y, cache) => {
      const { dA_h } = backwardSteps(net, X, Y, cache);
      return backward(net, X, Y, { ...cache, Z_h: dA_h });
    },
  },
];

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
  const got = attempt(
    exercise,
    () => yours(cloneNetwork(net), clone(X), clone(Y), cache),
    productHint,
  );
  if ("verdict" in got) return got.verdict;
  const mistakes = BACKWARD_MISTAKES.map((m) => ({
    hint: m.hint,
    g: m.gradients(net, X, Y, cache),
  }));
  const hint: Hint = (name, have, want) => {
    for (const m of mistakes) {
      const theirs = m.g[name as keyof Gradients];
      if (theirs && comparePart(name, have, theirs, 1e-12).kind !== "wrong") return m.hint;
    }
    return meanHint(name, have, want) ?? biasAxisHint(name, have, want);
  };
  const parts = PARAMETERS.map((p) =>
    comparePart(`d${p}`, got.value?.[`d${p}`], expected[`d${p}`], 1e-9, hint)
  );
  const verdict = verdictOf(exercise, parts);
  if (verdict.kind !== "wrong" || parts.some((p) => p.maxDifference === Infinity)) return verdict;
  const errors = compareGradients(got.value, numericalGradients(net, X, Y));
  const failing = PARAMETERS.filter((p) => !(errors[p] < 1e-6));
  const check = `the gradient check (finite differences of the loss) fails on ${
    failing.map((p) => `d${p} (relative error ${exp1(errors[p])})`).join(", ")
  }`;
  return verdictOf(exercise, parts, failing.length ? [check] : []);
}

/** Exercise 8: db_o = (1/m)·Σ_columns dZ_o, derived from z_kj = Σ_i (W_o)_ki (A_h)_ij + (b_o)_k. */
export function checkOutputBiasGradient(yours: (dZ_o: Matrix) => Matrix): Verdict {
  const { X, Y, net } = exerciseExample();
  const { dZ_o, db_o } = backwardSteps(net, X, Y, forward(net, X));
  const hint: Hint = (name, have, want) =>
    biasAxisHint(name, have, want) ?? meanHint(name, have, want);
  return compare("db_o", () => ({ db_o: yours(clone(dZ_o)) }), { db_o }, 1e-9, hint);
}

/**
 * dZ for the squared-error loss L = (1/m) Σ_j ½‖a_j − y_j‖² with a_j = softmax(z_j), in the
 * per-sample convention of notebook 05 (dZ = ∂(mL)/∂Z): the softmax Jacobian times a − y,
 * column by column, dZ_ij = a_ij·(g_ij − Σ_k a_kj g_kj) with g = A − Y.
 */
export function squaredErrorDZ(A: Matrix, Y: Matrix): Matrix {
  const dZ = zeros(A.rows, A.cols);
  for (let j = 0; j < A.cols; j++) {
    let s = 0;
    for (let k = 0; k < A.rows; k++) {
      s += A.data[k * A.cols + j] * (A.data[k * A.cols + j] - Y.data[k * A.cols + j]);
    }
    for (let i = 0; i < A.rows; i++) {
      const a = A.data[i * A.cols + j];
      dZ.data[i * A.cols + j] = a * (a - Y.data[i * A.cols + j] - s);
    }
  }
  return dZ;
}

/** Mean over the columns of ½‖softmax(z_j) − y_j‖²: the squared-error loss of exercise 9. */
export function squaredErrorLoss(Z: Matrix, Y: Matrix): number {
  const A = softmax(Z);
  let total = 0;
  for (let i = 0; i < A.data.length; i++) total += 0.5 * (A.data[i] - Y.data[i]) ** 2;
  return total / Z.cols;
}

/**
 * Exercise 9: dZ_o for the squared-error loss, compared with lib's formula and with finite
 * differences of that loss; the line after shows how far cross-entropy's A − Y is from it.
 */
export function checkSquaredErrorGradient(yours: (A_o: Matrix, Y: Matrix) => Matrix): Verdict {
  const exercise = "dZ_o for squared error";
  const { X, Y, net } = exerciseExample();
  const Z = forward(net, X).Z_o;
  const A = softmax(Z);
  const want = squaredErrorDZ(A, Y);
  const got = attempt(exercise, () => yours(clone(A), clone(Y)));
  if ("verdict" in got) return got.verdict;
  const aMinusY = map(A, (v) => v);
  for (let i = 0; i < A.data.length; i++) aMinusY.data[i] -= Y.data[i];
  const diagonalOnly = map(A, (v) => v);
  for (let i = 0; i < A.data.length; i++) {
    diagonalOnly.data[i] = aMinusY.data[i] * A.data[i] * (1 - A.data[i]);
  }
  const hint: Hint = (name, have) => {
    if (comparePart(name, have, aMinusY, 1e-12).kind !== "wrong") {
      return "that is A − Y, cross-entropy's dZ_o; with squared error ∂L/∂a = a − y must still " +
        "go through the softmax Jacobian J = diag(a) − a aᵀ (notebook 03): dz = Jᵀ(a − y)";
    }
    if (comparePart(name, have, diagonalOnly, 1e-12).kind !== "wrong") {
      return "that keeps only the Jacobian's diagonal a_i(1 − a_i), as for a sigmoid; every " +
        "a_i depends on every z_j, so the off-diagonal −a_i a_j terms count too";
    }
    const c = constantFactor(have, want);
    if (c !== undefined && near(c, 2)) return "twice the expected values: the loss has a ½";
    if (c !== undefined && near(c, 1 / M)) {
      return `m = ${M} times too small: dZ is per sample, ∂(mL)/∂Z; the 1/m comes later, in dW and db`;
    }
    return undefined;
  };
  const part = comparePart("dZ_o", got.value, want, 1e-12, hint);
  const numeric = numericalGradient(() => squaredErrorLoss(Z, Y), Z);
  let fd = 0;
  for (let i = 0; i < want.data.length; i++) {
    fd = Math.max(fd, Math.abs(M * numeric.data[i] - want.data[i]));
  }
  let gap = 0;
  for (let i = 0; i < want.data.length; i++) {
    gap = Math.max(gap, Math.abs(aMinusY.data[i] - want.data[i]));
  }
  return verdictOf(exercise, [part], [
    `lib's Jᵀ(a − y) against m · finite differences of the squared-error loss: max |difference| ${
      exp1(fd)
    }`,
    `cross-entropy's A − Y would differ from it by up to ${gap.toFixed(3)}`,
  ]);
}

/** The fan-ins exercise 10 is checked at. */
export const FAN_INS = [784, 10, 7] as const;

/**
 * Pushes 200 standard normal inputs of width 100 through 10 ReLU layers with weights drawn
 * from N(0, variance(100)) and no biases: the mean square of z at each layer.
 */
export function meanSquareThroughLayers(
  variance: (fanIn: number) => number,
  layers = 10,
): number[] {
  const width = 100, m = 200, rng = createRng(12);
  let A = zeros(width, m);
  for (let i = 0; i < A.data.length; i++) A.data[i] = gaussian(rng);
  const out: number[] = [];
  const sd = Math.sqrt(variance(width));
  for (let l = 0; l < layers; l++) {
    const W = zeros(width, width);
    for (let i = 0; i < W.data.length; i++) W.data[i] = sd * gaussian(rng);
    const Z = matmul(W, A);
    out.push(Z.data.reduce((s, z) => s + z * z, 0) / Z.data.length);
    A = relu(Z);
  }
  return out;
}

/**
 * Exercise 10: He's variance 2/fan-in, derived from notebook 02's argument, Var(z) =
 * fan-in · Var(w) · E[x²], and E[ReLU(z)²] = Var(z)/2 for a z symmetric about 0.
 */
export function checkHeVariance(yours: (fanIn: number) => number): Verdict {
  const exercise = "He's variance";
  const got = attempt(exercise, () => FAN_INS.map((n) => yours(n)));
  if ("verdict" in got) return got.verdict;
  const have = fromRows([got.value.map(Number)]);
  const want = fromRows([FAN_INS.map((n) => 2 / n)]);
  const hint: Hint = (_name, h) => {
    const c = constantFactor(h, want);
    if (c !== undefined && near(c, 0.5)) {
      return "1/fan-in keeps Var(z) for a linear layer; ReLU sets the negative half of z to 0, " +
        "so E[ReLU(z)²] = Var(z)/2, and the next layer receives half the signal: the 2 puts it back";
    }
    if (h.data.every((v, i) => near(v, Math.sqrt(want.data[i])))) {
      return "that is the standard deviation √(2/fan-in); the exercise asks for the variance";
    }
    if (h.data.every((v) => near(v, 1 / 3))) {
      return "1/3 is the variance of the original's uniform start: it ignores the fan-in, so " +
        "Var(z) grows with the number of inputs (notebook 02)";
    }
    return undefined;
  };
  const part = comparePart(`Var(w) at fan-in ${FAN_INS.join(", ")}`, have, want, 1e-15, hint);
  const squares = got.value.every(Number.isFinite) && got.value.every((v) => v >= 0)
    ? meanSquareThroughLayers(yours)
    : undefined;
  const extra = squares
    ? [
      `with yours, the mean square of z through 10 ReLU layers of width 100: ${
        squares[0].toPrecision(3)
      } at layer 1, ${squares[squares.length - 1].toPrecision(3)} at layer 10`,
    ]
    : [];
  return verdictOf(exercise, [part], extra);
}

/** What training at a learning rate does, as exercise 7 asks the learner to predict. */
export const OUTCOMES = [
  "trains well",
  "zig-zags but trains",
  "stalls at a uniform guess",
  "diverges",
] as const;
export type Outcome = typeof OUTCOMES[number];

/** What 100 full-batch iterations on the first 5,000 digits from seed 1 did at one rate. */
export interface OutcomeRun {
  outcome: Outcome;
  loss: number;
  accuracy: number;
  /** The loss of the first forward pass (before any step). */
  startLoss: number;
  /** The iteration at which training diverged (diverges only). */
  divergedAt?: number;
  /** How many hidden neurons fire on none of the 5,000 digits at the end. */
  deadNeurons?: number;
  /** How many times the loss rose from one iteration to the next. */
  rises: number;
}

/** Trains 100 full-batch iterations on the first 5,000 digits from seed 1 and names what happened. */
export async function outcomeOf(learningRate: number, data: Dataset): Promise<OutcomeRun> {
  const digits = take(data, 5000);
  const engine = await createEngine({
    engine: "fast",
    network: initNetwork(createRng(1)),
    data: digits,
  });
  let loss = NaN, accuracy = NaN, rises = 0, startLoss = NaN, iteration = 0;
  try {
    for await (const r of train(engine, { iterations: 100, learningRate })) {
      if (iteration++ === 0) startLoss = r.loss;
      if (r.loss > loss) rises++;
      [loss, accuracy] = [r.loss, r.accuracy];
    }
  } catch (e) {
    if (!(e instanceof DivergenceError)) throw e;
    return {
      outcome: "diverges",
      loss: DIVERGENCE_LOSS,
      accuracy,
      startLoss,
      divergedAt: iteration,
      rises,
    };
  } finally {
    engine.dispose();
  }
  const deadNeurons = firingShares(engine.network(), digits).filter((s) => s === 0).length;
  const outcome: Outcome = Math.abs(loss - Math.log(10)) < 0.1 && accuracy < 0.2
    ? "stalls at a uniform guess"
    : rises > 20
    ? "zig-zags but trains"
    : "trains well";
  return { outcome, loss, accuracy, startLoss, deadNeurons, rises };
}

/** Why a run ended as it did, from what was measured. */
function explanation(run: OutcomeRun, hidden = 10): string {
  switch (run.outcome) {
    case "diverges":
      return `each step overshot further: the loss passed ${
        DIVERGENCE_LOSS.toFixed(0)
      } (100 × ln 10) at iteration ${run.divergedAt}`;
    case "stalls at a uniform guess":
      return `${run.deadNeurons} of ${hidden} hidden neurons fire on none of the 5,000 digits: ` +
        `the large steps pushed their weighted sums below 0 on every digit, where ReLU′ = 0 ` +
        `and no gradient reaches them again. With A_h = 0 the output is softmax(b_o) whatever ` +
        `the digit: the loss stays near ln 10 = 2.303 and the accuracy is about the share of ` +
        `the commonest digit (where the erratum of exercise 6 led in notebook 05)`;
    case "zig-zags but trains":
      return `the loss rose in ${run.rises} of 100 iterations on its way down from ${
        run.startLoss.toFixed(2)
      }: the steps overshoot along the steepest directions (notebook 07)`;
    case "trains well":
      return `the loss fell from ${run.startLoss.toFixed(2)} to ${
        run.loss.toFixed(3)
      }, rising in ${run.rises} of 100 iterations`;
  }
}

/** Exercise 7: the learner's prediction against what training at η actually does, and why. */
export async function checkPrediction(
  learningRate: number,
  prediction: Outcome | undefined,
  data: Dataset,
): Promise<Verdict> {
  const exercise = `η = ${learningRate}`;
  if (prediction === undefined) {
    return new Verdict(exercise, "not done yet", `predict one of: ${OUTCOMES.join(", ")}`);
  }
  if (!(OUTCOMES as readonly string[]).includes(prediction)) {
    return new Verdict(exercise, "wrong", `"${prediction}" is not one of: ${OUTCOMES.join(", ")}`);
  }
  const run = await outcomeOf(learningRate, data);
  const what = `it ${run.outcome} (after 100 iterations: loss ${run.loss.toFixed(3)}, accuracy ${
    run.accuracy.toFixed(3)
  })`;
  return new Verdict(
    exercise,
    prediction === run.outcome ? "right" : "wrong",
    what,
    undefined,
    [`why: ${explanation(run)}`],
    prediction === run.outcome ? [] : [`you predicted "${prediction}"`],
  );
}
