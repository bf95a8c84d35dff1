/**
 * `deno task evaluate`: a model's accuracy on the MNIST test set, its 10×10 confusion
 * matrix and the summed one-vs-rest binary confusion matrix, like the original project.
 */
import { confusionHeatmap } from "../lib/pictures/charts.ts";
import { predictWith } from "../lib/engines/choose.ts";
import { evaluation } from "../lib/training/evaluate.ts";
import { InputError } from "../lib/errors.ts";
import { loadModel } from "../lib/io/model.ts";
import { hiddenSize } from "../lib/maths/network.ts";
import { printJson, say } from "./console.ts";
import { dataInputs, dataPath, locateData, readData } from "./data.ts";
import {
  type Command,
  DATA_FLAGS,
  ENGINE_FLAG,
  engineName,
  OUTPUT_NOTES,
  parseFlags,
  text,
} from "./flags.ts";
import { checkHidden, checkMemory, predictionBytes } from "./limits.ts";
import { main } from "./main.ts";
import { checkOutputs, picturePaths, plotFiles, save } from "./outputs.ts";
import { named } from "./paths.ts";

const DEFAULT_WEIGHTS = "resources/weights_and_biases.json";

export const command: Command = {
  name: "evaluate",
  summary:
    "Evaluates a model (the original project's JSON format) on the MNIST test set: accuracy (4 decimals and correct/total), the confusion matrix (rows: actual digit, columns: predicted) and the binary confusion matrix [[TP, FN], [FP, TN]] summed over the ten one-vs-rest matrices.",
  flags: {
    weights: {
      type: "string",
      arg: "FILE",
      help: "the model to evaluate; - for stdin",
      default: DEFAULT_WEIGHTS,
    },
    ...DATA_FLAGS,
    plot: {
      type: "string",
      arg: "FILE",
      help: "also draw the confusion matrix as a heatmap (SVG; a PNG is written beside it)",
    },
    ...ENGINE_FLAG,
    json: { type: "boolean", help: "print one JSON object instead of the summary" },
  },
  notes: [
    "Checked before the test set is read: the flags, the model (shapes, finite numbers, weights small enough that no output overflows), the engine's limit on the model's hidden size, the memory prediction needs, and the heatmap's place.",
    ...OUTPUT_NOTES,
  ],
};

export async function run(args: string[]): Promise<void> {
  const values = parseFlags(command, args);
  if (!values) return;
  const weights = named("--weights", text(values, "weights")!, "input");
  const plotPath = text(values, "plot");
  const engine = engineName(values);
  const plots = plotPath === undefined ? [] : picturePaths("--plot", plotPath, true);
  const data = dataPath(values);
  const testFiles = (await locateData("test", data))!;
  checkOutputs(
    [weights, ...(data ? [data] : []), ...dataInputs(testFiles)],
    plots,
    values.json === true,
  );
  const net = await loadModel(weights.path).catch((e) => {
    const missing = weights.given === DEFAULT_WEIGHTS && e instanceof InputError &&
      e.problem === "file not found";
    throw missing
      ? new InputError(weights.path, `${e.problem}; train a model first with \`deno task train\``)
      : e;
  });
  const hidden = hiddenSize(net);
  checkHidden(hidden, engine, `--weights ${weights.given} has ${hidden} hidden units`);
  const test = await readData(testFiles, "test");
  if (engine === "reference") {
    checkMemory(
      predictionBytes(hidden, test.count),
      `--weights ${weights.given} (${hidden} hidden units) with --engine reference on ${test.count} digits`,
      "the hidden layer's values for every digit, in float64",
      "use the fast engine (up to 5348 hidden units) or fewer test digits",
    );
  }
  const result = evaluation(test.labels, await predictWith(engine, net, test));
  if (plotPath !== undefined) {
    const figure = await confusionHeatmap(result.confusion, {
      title: `Confusion matrix: accuracy ${result.accuracy.toFixed(4)} on ${result.total} digits`,
    });
    await save(plotFiles(figure, plots));
  }
  if (values.json === true) {
    printJson({
      accuracy: result.accuracy,
      correct: result.correct,
      total: result.total,
      confusion_matrix: result.confusion,
      binary_confusion_matrix: result.binaryConfusion,
    });
    return;
  }
  say(`model: ${weights.given}`);
  say(`data:  ${data?.given ?? "the embedded MNIST test set"} (${test.count} digits)`);
  say(`test accuracy: ${result.accuracy.toFixed(4)} (${result.correct}/${result.total})`);
  say("");
  say(formatConfusion(result.confusion));
  say("");
  const [[tp, fn], [fp, tn]] = result.binaryConfusion;
  const w = String(Math.max(tp, fn, fp, tn)).length;
  say("binary confusion matrix (summed over the ten one-vs-rest matrices):");
  say(`  TP ${String(tp).padStart(w)}   FN ${String(fn).padStart(w)}`);
  say(`  FP ${String(fp).padStart(w)}   TN ${String(tn).padStart(w)}`);
  if (plotPath !== undefined) {
    say("");
    say(`heatmap: ${plots.map((p) => p.path).join(" and ")}`);
  }
}

/** The confusion matrix as an aligned table with row and column headings. */
export function formatConfusion(confusion: number[][]): string {
  const w = Math.max(4, ...confusion.flat().map((v) => String(v).length + 1));
  const head = "actual ↓ predicted →".padEnd(21) +
    confusion.map((_, i) => String(i).padStart(w)).join("");
  const rows = confusion.map((row, i) =>
    `${String(i).padStart(8)}`.padEnd(21) + row.map((v) => String(v).padStart(w)).join("")
  );
  return [head, ...rows].join("\n");
}

if (import.meta.main) await main(() => run(Deno.args));
