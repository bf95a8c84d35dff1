/**
 * Looking inside one gradient step: the network before it and after it, sample by sample
 * (whose loss jumped, which digits they are, what they are now taken for), neuron by neuron
 * (on how many samples each hidden neuron fires, on how many it switched on or off), and
 * weight by weight (the rows of W_h and W_o that moved most). Computed in float64 straight
 * from the pixel bytes, without the 784 × m matrix X, so that it runs on all 60,000 digits.
 */
import type { Dataset } from "../data/dataset.ts";
import { hiddenSize, INPUTS, type Network, OUTPUTS, sampleZ_h } from "../maths/network.ts";
import { type RowChange, rowChanges } from "./weight_change.ts";

/** One forward pass, kept per sample. */
export interface SampleForward {
  /** −ln p(label) of each sample. */
  loss: Float64Array;
  /** The most probable digit of each sample. */
  predicted: Uint8Array;
  /** h × m, row by row: 1 where hidden neuron i fires (Z_h > 0) on sample j, else 0. */
  active: Uint8Array;
}

/** The forward pass of `net` on every sample of `data`, per sample (float64, x = byte / 255). */
export function sampleForward(net: Network, data: Dataset): SampleForward {
  const h = hiddenSize(net), m = data.count;
  const W_o = net.W_o.data, b_o = net.b_o.data;
  const loss = new Float64Array(m), predicted = new Uint8Array(m), active = new Uint8Array(h * m);
  const z_h = new Float64Array(h), z_o = new Float64Array(OUTPUTS);
  for (let j = 0; j < m; j++) {
    sampleZ_h(net, data.images.subarray(j * INPUTS, (j + 1) * INPUTS), z_h);
    for (let i = 0; i < h; i++) {
      if (z_h[i] > 0) active[i * m + j] = 1;
      else z_h[i] = 0;
    }
    let best = 0;
    for (let k = 0; k < OUTPUTS; k++) {
      let z = b_o[k];
      for (let i = 0; i < h; i++) z += W_o[k * h + i] * z_h[i];
      z_o[k] = z;
      if (z > z_o[best]) best = k;
    }
    let sum = 0;
    for (let k = 0; k < OUTPUTS; k++) sum += Math.exp(z_o[k] - z_o[best]);
    loss[j] = Math.log(sum) - (z_o[data.labels[j]] - z_o[best]);
    predicted[j] = best;
  }
  return { loss, predicted, active };
}

/** What one hidden neuron did in the step. */
export interface NeuronChange {
  neuron: number;
  /** On how many samples it fires before and after the step. */
  firingBefore: number;
  firingAfter: number;
  /** On how many samples it was off and is on now, and the other way round. */
  switchedOn: number;
  switchedOff: number;
}

/** One gradient step seen from inside. */
export interface StepAnatomy {
  samples: number;
  /** Mean loss and accuracy before and after the step. */
  lossBefore: number;
  lossAfter: number;
  accuracyBefore: number;
  accuracyAfter: number;
  /** The samples whose loss rose by more than `jump`, largest rise first. */
  jumped: number[];
  /** The rise threshold used for `jumped`. */
  jump: number;
  /** The share of the total rise of the loss (Σ_j max(0, ΔL_j)) that the jumped samples carry. */
  jumpedShare: number;
  /** The jumped samples by their label, and by what they are taken for after the step. */
  jumpedByLabel: number[];
  jumpedPredictedAs: number[];
  /** Samples right before and wrong after, and the other way round. */
  turnedWrong: number;
  turnedRight: number;
  neurons: NeuronChange[];
  /** Row by row (neuron by neuron, digit by digit), how far W_h and W_o moved. */
  W_h: RowChange[];
  W_o: RowChange[];
  /** max |Δb_h| and max |Δb_o|. */
  b_h: number;
  b_o: number;
}

const maxAbsChange = (a: Float64Array, b: Float64Array) =>
  a.reduce((max, v, i) => Math.max(max, Math.abs(v - b[i])), 0);

/**
 * The step from `before` to `after` on `data`: the samples whose loss rose by more than
 * `jump` (default 1, in nats: the probability of the label fell by a factor e or more), the
 * neurons' firing, and the rows of W_h and W_o that changed (rowChanges, threshold 0.01).
 * Throws a RangeError when the two networks differ in shape.
 */
export function stepAnatomy(
  before: Network,
  after: Network,
  data: Dataset,
  options: { jump?: number } = {},
): StepAnatomy {
  const jump = options.jump ?? 1;
  const h = hiddenSize(before), m = data.count;
  if (hiddenSize(after) !== h) {
    throw new RangeError(`stepAnatomy: hidden sizes differ, ${h} against ${hiddenSize(after)}`);
  }
  const a = sampleForward(before, data), b = sampleForward(after, data);
  const rise = Array.from({ length: m }, (_, j) => b.loss[j] - a.loss[j]);
  const jumped = rise.map((r, j) => ({ r, j })).filter(({ r }) => r > jump)
    .sort((x, y) => y.r - x.r || x.j - y.j).map(({ j }) => j);
  const totalRise = rise.reduce((s, r) => s + Math.max(0, r), 0);
  const jumpedRise = jumped.reduce((s, j) => s + rise[j], 0);
  const jumpedByLabel = new Array<number>(OUTPUTS).fill(0);
  const jumpedPredictedAs = new Array<number>(OUTPUTS).fill(0);
  for (const j of jumped) {
    jumpedByLabel[data.labels[j]]++;
    jumpedPredictedAs[b.predicted[j]]++;
  }
  let turnedWrong = 0, turnedRight = 0, rightBefore = 0, rightAfter = 0;
  for (let j = 0; j < m; j++) {
    const was = a.predicted[j] === data.labels[j], is = b.predicted[j] === data.labels[j];
    if (was) rightBefore++;
    if (is) rightAfter++;
    if (was && !is) turnedWrong++;
    if (!was && is) turnedRight++;
  }
  const neurons = Array.from({ length: h }, (_, neuron): NeuronChange => {
    let firingBefore = 0, firingAfter = 0, switchedOn = 0, switchedOff = 0;
    for (let j = neuron * m; j < (neuron + 1) * m; j++) {
      firingBefore += a.active[j];
      firingAfter += b.active[j];
      if (!a.active[j] && b.active[j]) switchedOn++;
      if (a.active[j] && !b.active[j]) switchedOff++;
    }
    return { neuron, firingBefore, firingAfter, switchedOn, switchedOff };
  });
  const mean = (xs: Float64Array) => xs.reduce((s, v) => s + v, 0) / m;
  return {
    samples: m,
    lossBefore: mean(a.loss),
    lossAfter: mean(b.loss),
    accuracyBefore: rightBefore / m,
    accuracyAfter: rightAfter / m,
    jumped,
    jump,
    jumpedShare: totalRise > 0 ? jumpedRise / totalRise : 0,
    jumpedByLabel,
    jumpedPredictedAs,
    turnedWrong,
    turnedRight,
    neurons,
    W_h: rowChanges(after.W_h, before.W_h),
    W_o: rowChanges(after.W_o, before.W_o),
    b_h: maxAbsChange(after.b_h.data, before.b_h.data),
    b_o: maxAbsChange(after.b_o.data, before.b_o.data),
  };
}
