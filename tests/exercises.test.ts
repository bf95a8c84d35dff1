/**
 * Notebook 10's checks accept the reference solutions (notebooks/solutions/), say "not done
 * yet" for an untouched stub, and reject the typical wrong answers, including the three
 * buggy backward passes the notebook asks the learner to fix.
 */
import assert from "node:assert/strict";
import {
  checkBackward,
  checkHiddenGradients,
  checkLogSoftmax,
  checkPrediction,
  checkTrainingStep,
  loadMnist,
  todo,
  type Verdict,
} from "../lib/mod.ts";
import {
  fixedBackward,
  given,
  hiddenGradients,
  logSoftmax,
  mistakes,
  prediction,
  trainingStep,
} from "../notebooks/solutions/10_exercises.ts";

const accepted = (v: Verdict) =>
  assert.ok(v.kind === "exact" || v.kind === "close", `expected acceptance: ${v.message}`);
const rejected = (v: Verdict) => assert.equal(v.kind, "wrong", v.message);

Deno.test("exercise 1: dW_h and db_h", () => {
  assert.equal(checkHiddenGradients(hiddenGradients).kind, "exact");
  assert.equal(checkHiddenGradients(() => todo()).kind, "not done yet");
  rejected(checkHiddenGradients(mistakes.hiddenGradientsWithoutTranspose));
  rejected(checkHiddenGradients(mistakes.hiddenGradientsWithoutOneOverM));
  assert.match(
    checkHiddenGradients(mistakes.hiddenGradientsWithoutOneOverM).message,
    /max \|difference\|/,
  );
});

Deno.test("exercise 2: a stable log-softmax", () => {
  accepted(checkLogSoftmax(logSoftmax));
  assert.equal(checkLogSoftmax(() => todo()).kind, "not done yet");
  const unstable = checkLogSoftmax(mistakes.logOfSoftmax);
  rejected(unstable);
  assert.match(unstable.message, /logits 1000 apart/);
  rejected(checkLogSoftmax(mistakes.logSoftmaxWithoutShift));
});

Deno.test("exercise 3: one training step", () => {
  assert.equal(checkTrainingStep(trainingStep).kind, "exact");
  assert.equal(checkTrainingStep(() => todo()).kind, "not done yet");
  rejected(checkTrainingStep(mistakes.stepUphill));
  rejected(checkTrainingStep(mistakes.stepWithoutLearningRate));
});

Deno.test("exercises 4–6: each buggy backward fails the check and the gradient check; the fix passes", () => {
  for (const [name, buggy] of Object.entries(given)) {
    const v = checkBackward(name, buggy);
    rejected(v);
    assert.match(v.message, /the gradient check fails on d/, name);
  }
  assert.match(checkBackward("t", given.missingTranspose).message, /dW_o/);
  assert.match(checkBackward("m", given.missingOneOverM).message, /dW_h/);
  assert.doesNotMatch(checkBackward("m", given.missingOneOverM).message, /dW_o/);
  assert.match(checkBackward("r", given.reluErratum).message, /dW_h/);
  assert.equal(checkBackward("fixed", fixedBackward).kind, "exact");
  assert.equal(checkBackward("stub", () => todo()).kind, "not done yet");
});

Deno.test("exercise 7: predicting what η = 5 does", async () => {
  const data = await loadMnist("train");
  assert.equal((await checkPrediction(5, undefined, data)).kind, "not done yet");
  const right = await checkPrediction(5, prediction, data);
  assert.equal(right.kind, "right", right.message);
  assert.equal((await checkPrediction(5, "diverges", data)).kind, "wrong");
  assert.equal((await checkPrediction(50, "diverges", data)).kind, "right");
});
