/**
 * Notebook 10's checks accept the reference solutions (notebooks/solutions/) as "exact" (or
 * "right"), say "not done yet" for an untouched stub, and reject every typical wrong answer
 * (the three buggy backward passes the notebook gives included) with the hint meant for it.
 */
import assert from "node:assert/strict";
import {
  checkBackward,
  checkHeVariance,
  checkHiddenGradients,
  checkLogSoftmax,
  checkOutputBiasGradient,
  checkPrediction,
  checkSquaredErrorGradient,
  checkTrainingStep,
  fromRows,
  loadMnist,
  todo,
  type Verdict,
} from "../lib/mod.ts";
import {
  CHECK_LEARNING_RATE,
  constantFactor,
  EXAMPLE,
  exerciseExample,
  FAR_LOGITS,
  logSoftmax as libLogSoftmax,
  meanSquareThroughLayers,
  squaredErrorDZ as libSquaredErrorDZ,
  squaredErrorLoss,
} from "../lib/notebook/exercises.ts";
import { forward, numericalGradient, softmax } from "../lib/mod.ts";
import * as solutions from "../notebooks/solutions/10_exercises.ts";

const { given, mistakes } = solutions;

const exact = (v: Verdict) => assert.equal(v.kind, "exact", v.message);
/** Wrong, with a line for the named matrix and the intended hint. */
function wrong(v: Verdict, hint: RegExp, line?: RegExp) {
  assert.equal(v.kind, "wrong", v.message);
  assert.ok(v.hints.some((h) => hint.test(h)), `hint ${hint} not in:\n${v.message}`);
  if (line) assert.match(v.message, line);
}

Deno.test("the example's sizes all differ, and η is not 0.5", () => {
  const { X, Y, net } = exerciseExample();
  const sizes = [X.rows, net.W_h.rows, X.cols, Y.rows];
  assert.deepEqual(sizes, [EXAMPLE.inputs, EXAMPLE.hidden, EXAMPLE.samples, EXAMPLE.classes]);
  assert.equal(new Set(sizes).size, 4);
  assert.notEqual(CHECK_LEARNING_RATE, 0.5);
});

Deno.test("a constant factor is found only where there is one", () => {
  const a = fromRows([[1, 2], [3, 4]]), b = fromRows([[13, 26], [39, 52]]);
  assert.equal(constantFactor(b, a), 13);
  assert.equal(constantFactor(fromRows([[1, 2], [3, 5]]), a), undefined);
});

Deno.test("exercise 1: dW_h and db_h, each reported on its own", () => {
  const solved = checkHiddenGradients(solutions.hiddenGradients);
  exact(solved);
  assert.match(solved.message, /dW_h \(7, 20\): exact/);
  assert.match(solved.message, /db_h \(7, 1\): exact/);
  assert.equal(checkHiddenGradients(() => todo()).kind, "not done yet");
  const noMean = checkHiddenGradients(mistakes.hiddenGradientsWithoutOneOverM);
  wrong(noMean, /dW_h has the right shape but is m = 13 times too large: where does 1\/m go\?/);
  assert.match(noMean.message, /dW_h \(7, 20\): wrong, max \|difference\|/);
  assert.match(noMean.message, /db_h \(7, 1\): wrong/);
  wrong(
    checkHiddenGradients(mistakes.mFromRows),
    /13\/7 times too large: it divides by 7, the number of hidden neurons/,
  );
  const axis = checkHiddenGradients(mistakes.biasWrongAxis);
  wrong(axis, /db_h has one entry per sample/, /db_h is \(13, 1\), expected \(7, 1\)/);
  assert.match(axis.message, /dW_h \(7, 20\): exact/, "the right matrix is reported right");
  wrong(
    checkHiddenGradients(mistakes.hiddenGradientsWithoutTranspose),
    /a product does not fit/,
    /it threw: matmul: shapes \(7, 13\) and \(20, 13\) do not fit/,
  );
});

Deno.test("exercise 2: a stable log-softmax, on columns of very different ranges", () => {
  exact(checkLogSoftmax(solutions.logSoftmax));
  assert.equal(checkLogSoftmax(() => todo()).kind, "not done yet");
  // the reference is finite and right on the far columns: [1000, 0] → [0, −1000] exactly,
  // [−1000, −1001] → −log(1 + e^−1) and −1 − log(1 + e^−1)
  const far = libLogSoftmax(FAR_LOGITS).data;
  assert.equal(far[0], 0);
  assert.equal(far[3], -1000);
  assert.ok(Math.abs(far[1] + Math.log1p(Math.exp(-1))) < 1e-15);
  assert.ok(Math.abs(far[4] + 1 + Math.log1p(Math.exp(-1))) < 1e-15);
  const ofSoftmax = checkLogSoftmax(mistakes.logOfSoftmax);
  wrong(ofSoftmax, /the column \[1000, 0\] is not finite.*log 0 = −Infinity/);
  assert.match(ofSoftmax.message, /ordinary logits \(10, 13\): close/);
  wrong(
    checkLogSoftmax(mistakes.logSoftmaxGlobalShift),
    /the column \[−1000, −1001\] is not finite.*each column's own maximum/,
  );
  wrong(
    checkLogSoftmax(mistakes.logSoftmaxWithoutShift),
    /e\^1000 overflows.*each column's maximum/,
  );
});

Deno.test("exercise 3: one training step, at η = 0.37", () => {
  exact(checkTrainingStep(solutions.trainingStep));
  assert.equal(checkTrainingStep(() => todo()).kind, "not done yet");
  wrong(checkTrainingStep(mistakes.stepWithFixedRate), /is 0\.5 written in your code\?/);
  wrong(checkTrainingStep(mistakes.stepUphill), /moved uphill/);
  wrong(checkTrainingStep(mistakes.stepWithoutLearningRate), /1\/η = 2\.70 times too far/);
  const v = checkTrainingStep(mistakes.stepUphill);
  for (const p of ["W_h (7, 20)", "b_h (7, 1)", "W_o (10, 7)", "b_o (10, 1)"]) {
    assert.ok(v.lines.some((l) => l.startsWith(`${p}: wrong`)), `${p} in\n${v.message}`);
  }
});

Deno.test("exercises 4–6: each given bug is caught with its hint and the gradient check; the fix is exact", () => {
  const ex4 = checkBackward("exercise 4", given.preActivation);
  wrong(ex4, /dW_o is built from Z_h where the forward value A_h is needed/);
  assert.match(ex4.message, /the gradient check .* fails on dW_o/);
  assert.match(ex4.message, /dW_h \(7, 20\): exact/);
  const ex5 = checkBackward("exercise 5", given.missingOneOverM);
  wrong(ex5, /dW_h has the right shape but is m = 13 times too large/);
  assert.match(ex5.message, /fails on dW_h/);
  assert.doesNotMatch(ex5.message, /fails on .*dW_o/);
  const ex6 = checkBackward("exercise 6", given.reluErratum);
  wrong(ex6, /dZ_h is masked by ReLU′\(dA_h\)/);
  assert.match(ex6.message, /fails on dW_h .*db_h/);
  wrong(
    checkBackward("t", mistakes.missingTranspose),
    /a product does not fit/,
    /matmul: shapes \(10, 13\) and \(7, 13\)/,
  );
  exact(checkBackward("fixed", solutions.fixedBackward));
  assert.equal(checkBackward("stub", () => todo()).kind, "not done yet");
});

Deno.test("exercise 8: db_o", () => {
  exact(checkOutputBiasGradient(solutions.outputBiasGradient));
  assert.equal(checkOutputBiasGradient(() => todo()).kind, "not done yet");
  wrong(checkOutputBiasGradient(mistakes.outputBiasWithoutOneOverM), /m = 13 times too large/);
  wrong(
    checkOutputBiasGradient(mistakes.outputBiasWrongAxis),
    /one entry per sample.*one entry per class \(10, 1\)/,
  );
});

Deno.test("exercise 9: dZ for squared error is the Jacobian times a − y, not A − Y", () => {
  // lib's formula against finite differences of the squared-error loss (per sample: × m)
  const { X, Y, net } = exerciseExample();
  const Z = forward(net, X).Z_o;
  const numeric = numericalGradient(() => squaredErrorLoss(Z, Y), Z);
  const formula = libSquaredErrorDZ(softmax(Z), Y);
  formula.data.forEach((v, i) => assert.ok(Math.abs(v - X.cols * numeric.data[i]) < 1e-8));
  const solved = checkSquaredErrorGradient(solutions.squaredErrorDZ);
  exact(solved);
  assert.match(solved.message, /cross-entropy's A − Y would differ from it by up to 0\.\d+/);
  assert.equal(checkSquaredErrorGradient(() => todo()).kind, "not done yet");
  wrong(
    checkSquaredErrorGradient(mistakes.squaredErrorAsAMinusY),
    /that is A − Y, cross-entropy's dZ_o/,
  );
  wrong(
    checkSquaredErrorGradient(mistakes.squaredErrorDiagonalOnly),
    /only the Jacobian's diagonal/,
  );
});

Deno.test("exercise 10: He's factor 2", () => {
  const solved = checkHeVariance(solutions.heVariance);
  exact(solved);
  assert.equal(checkHeVariance(() => todo()).kind, "not done yet");
  wrong(checkHeVariance(mistakes.varianceOneOverN), /E\[ReLU\(z\)²\] = Var\(z\)\/2/);
  wrong(checkHeVariance(mistakes.standardDeviation), /that is the standard deviation/);
  wrong(checkHeVariance(mistakes.uniformVariance), /uniform start/);
  // what the check shows: He's variance keeps the mean square of z, 1/fan-in halves it per layer
  const he = meanSquareThroughLayers(solutions.heVariance);
  const lecun = meanSquareThroughLayers(mistakes.varianceOneOverN);
  assert.ok(he.every((s) => s > 0.5 * he[0] && s < 2 * he[0]), he.join(" "));
  assert.ok(lecun[9] < lecun[0] / 100, lecun.join(" "));
});

Deno.test("exercise 7: predicting what η = 5 does, and why", async () => {
  const data = await loadMnist("train");
  assert.equal((await checkPrediction(5, undefined, data)).kind, "not done yet");
  const right = await checkPrediction(5, solutions.prediction, data);
  assert.equal(right.kind, "right", right.message);
  assert.match(right.message, /why: 10 of 10 hidden neurons fire on none of the 5,000 digits/);
  const wrongOne = await checkPrediction(5, "diverges", data);
  assert.equal(wrongOne.kind, "wrong");
  assert.match(wrongOne.message, /why: /);
  const fifty = await checkPrediction(50, "diverges", data);
  assert.equal(fifty.kind, "right");
  assert.match(fifty.message, /at iteration \d+/);
});
