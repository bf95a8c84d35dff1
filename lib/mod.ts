/**
 * The one entry point the notebooks and tasks import. Read it top to bottom: the maths,
 * then training and evaluation, then data, files and pictures. lib/README.md says more.
 */

// The maths: matrices, the seeded generator, activations, the loss, the network itself
// (forward, backward, step) and the finite-difference checks of its gradients.
export * from "./matrix.ts";
export * from "./random.ts";
export * from "./activations.ts";
export * from "./loss.ts";
export * from "./network.ts";
export * from "./init.ts";
export * from "./gradcheck.ts";

// Training and evaluation: the training loop, the engines that run it, predictions, the
// learning-rate sweep, the experiments' runs and the linear baseline.
export * from "./train.ts";
export * from "./engine.ts";
export * from "./evaluate.ts";
export * from "./sweep.ts";
export * from "./experiment.ts";
export * from "./linear.ts";
export * from "./errors.ts";

// Data: MNIST as bytes, from IDX or CSV files, or the embedded copy; a drawn digit made
// to look like MNIST's.
export * from "./data/dataset.ts";
export * from "./data/idx.ts";
export * from "./data/csv.ts";
export * from "./data/mnist.ts";
export * from "./data/preprocess.ts";

// Files the tasks write and read: models and the sweep report.
export * from "./io/model.ts";
export * from "./io/report.ts";

// Pictures: the plot helper, digits and weight maps, the recurring charts.
export * from "./pictures/plot.ts";
export * from "./pictures/images.ts";
export * from "./pictures/charts.ts";

// Notebook 10's exercise checks.
export * from "./exercises.ts";
