/**
 * The one entry point the notebooks import: the library's public names, grouped as the
 * folders are, from the maths up. lib/README.md says where to start reading.
 *
 * @example The network's forward pass on four random digits
 * ```ts
 * import { createRng, forward, initNetwork, zeros } from "./mod.ts";
 *
 * const net = initNetwork(createRng(1));
 * const X = zeros(784, 4);
 * const { A_o } = forward(net, X);
 * console.log(A_o.rows, A_o.cols); // 10 4
 * ```
 *
 * @module
 */

// The maths (lib/maths/): matrices, the seeded generator, activations, the loss, the
// network itself (forward, backward, step), its starting parameters, gradient checks.
export {
  addColumn,
  argmaxColumns,
  clone,
  column,
  fromRows,
  get,
  hadamard,
  map,
  matmul,
  type Matrix,
  scale,
  shape,
  sub,
  sumColumns,
  toRows,
  transpose,
  zeros,
} from "./maths/matrix.ts";
export { createRng, type Rng, sample, shuffle } from "./maths/random.ts";
export {
  relu,
  reluDerivative,
  softmax,
  softmaxJacobian,
  softmaxNaive,
} from "./maths/activations.ts";
export { accuracy, accuracyOf, countCorrect, crossEntropy, oneHot } from "./maths/loss.ts";
export {
  backward,
  type BackwardSteps,
  backwardSteps,
  cloneNetwork,
  forward,
  type ForwardCache,
  type Gradients,
  hiddenSize,
  INPUTS,
  type Network,
  OUTPUTS,
  type ParameterName,
  PARAMETERS,
  predict,
  step,
} from "./maths/network.ts";
export { gaussian, initHe, initNetwork } from "./maths/init.ts";
export {
  compareGradients,
  lossOf,
  numericalGradient,
  numericalGradients,
  relativeError,
} from "./maths/gradcheck.ts";
export { InputError } from "./errors.ts";

// Data (lib/data/): MNIST as bytes, parsed from IDX or CSV; a drawn digit made to look
// like MNIST's.
export {
  concat,
  type Dataset,
  image,
  labelCounts,
  select,
  take,
  toMatrix,
} from "./data/dataset.ts";
export { parseIdx } from "./data/idx.ts";
export { parseCsv, parseCsvFile } from "./data/csv.ts";
export { csvRow, toCsv } from "./data/csv_write.ts";
export { preprocessDigit } from "./data/preprocess.ts";

// The engines (lib/engines/): what an engine is, the readable reference engine, the fast
// one, and the choice between them.
export { batchSchedule, type IterationMetrics, type TrainingEngine } from "./engines/engine.ts";
export { predictDataset, referenceEngine } from "./engines/reference.ts";
export {
  createEngine,
  type EngineName,
  ENGINES,
  fastPredict,
  predictWith,
} from "./engines/choose.ts";
// A bank: K networks of one hidden size trained side by side in the fast engine, each bit
// for bit as if alone.
export { fastBank, type FastBankOptions, type NetworkBank } from "./engines/fast/bank.ts";
export { bankCapacity, bankLimit } from "./engines/fast/bank_layout.ts";

// Training and evaluation (lib/training/): the loop, the confusion matrices, the
// learning-rate sweep, the experiments' runs and the linear baseline.
export { DIVERGENCE_LOSS, DivergenceError, train, type TrainingRecord } from "./training/train.ts";
export { type BankStep, trainBank } from "./training/bank.ts";
export {
  agreement,
  binaryConfusionMatrix,
  confusedPairs,
  confusionMatrix,
  datasetLoss,
  type Evaluation,
  evaluation,
  recall,
} from "./training/evaluate.ts";
export {
  type Climb,
  climbTo,
  countDrops,
  countRises,
  largestRise,
  meanAbsoluteChange,
  type Spike,
  spikeIntervals,
  spikes,
} from "./training/curves.ts";
export {
  type SeedSweepOptions,
  sweep,
  type SweepListener,
  type SweepOptions,
  type SweepOutcome,
  type SweepRecord,
  sweepSeeds,
} from "./training/sweep.ts";
export {
  expectedCalibrationError,
  type ReliabilityBin,
  reliabilityBins,
} from "./training/calibration.ts";
export { blankPixels, type RowChange, rowChanges } from "./training/weight_change.ts";
export {
  type NeuronChange,
  type SampleForward,
  sampleForward,
  type StepAnatomy,
  stepAnatomy,
} from "./training/anatomy.ts";
export {
  type BandOverlap,
  bandOverlap,
  type BandPoint,
  type DistanceGap,
  gapAtSameDistance,
  meanOverSeeds,
  seedBands,
} from "./training/bands.ts";
export {
  type BankRunOptions,
  firingShares,
  overSetting,
  type RunOptions,
  type RunResult,
  trainAndTest,
  trainAndTestBank,
} from "./training/experiment.ts";
export {
  type Dip,
  dips,
  firingAt,
  type FiringMeasurement,
  type FiringRun,
  initialLosses,
  nearlyDead,
} from "./training/firing.ts";
export {
  backwardLinear,
  forwardLinear,
  initLinear,
  type Linear,
  predictLinear,
  trainLinear,
} from "./training/linear.ts";

// Files (lib/io/): MNIST, models and the sweep's report.
export { loadMnist } from "./io/mnist.ts";
export { loadIdx } from "./io/idx.ts";
export {
  fromModelJson,
  loadModel,
  type ModelJson,
  parseModel,
  saveModel,
  toModelJson,
} from "./io/model.ts";
export { parseJsonl, toJsonl } from "./io/report.ts";

// Pictures (lib/pictures/): the plot helper, digits and weight maps, the recurring charts,
// the computational graph.
export { type Figure, Plot, plot } from "./pictures/plot.ts";
export { saveFigure } from "./pictures/save.ts";
export { captionedSvg, digitsPng, digitToText, weightsPng } from "./pictures/images.ts";
export { sharedLimit, weightColour, weightMaps, type WeightMatrix } from "./pictures/weightmaps.ts";
export { reliabilityDiagram } from "./pictures/reliability.ts";
export { firingGrid, percentLabel } from "./pictures/firing_grid.ts";
export {
  BACKWARD_EDGES,
  type BackwardEdge,
  computationalGraph,
  computationalGraphSvg,
} from "./pictures/graph.ts";
export {
  confusionHeatmap,
  firingBars,
  functionPanels,
  learningCurveBands,
  learningCurves,
  logTicks,
  lossAlongStep,
  probabilityBars,
  runCurves,
  type SeededSweepRecord,
  spikeChart,
  trainingCurves,
} from "./pictures/charts.ts";

// Notebook 10's exercise checks (lib/notebook/).
export {
  checkBackward,
  checkHeVariance,
  checkHiddenGradients,
  checkLogSoftmax,
  checkOutputBiasGradient,
  checkPrediction,
  checkSquaredErrorGradient,
  checkTrainingStep,
  type Outcome,
  OUTCOMES,
  todo,
  type Verdict,
} from "./notebook/exercises.ts";
