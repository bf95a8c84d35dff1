/**
 * The one entry point the notebooks and tasks import.
 */
export * from "./matrix.ts";
export * from "./random.ts";
export * from "./activations.ts";
export * from "./loss.ts";
export * from "./network.ts";
export * from "./train.ts";
export * from "./evaluate.ts";
export * from "./gradcheck.ts";
export * from "./model.ts";
export * from "./errors.ts";
export * from "./data/dataset.ts";
export * from "./data/idx.ts";
export * from "./data/csv.ts";
export * from "./data/mnist.ts";
export * from "./plot.ts";
export * from "./images.ts";
export * from "./charts.ts";
export * from "./report.ts";
export * from "./engine.ts";
