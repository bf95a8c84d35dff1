/**
 * `deno task evaluate`: a model's accuracy on the MNIST test set, its 10×10 confusion
 * matrix and the summed one-vs-rest binary confusion matrix, like the original project.
 */
import { confusionHeatmap } from "../lib/pictures/charts.ts";
import { predictWith } from "../lib/engines/choose.ts";
import { evaluation } from "../lib/training/evaluate.ts";
import { InputError } from "../lib/errors.ts";
import { writeFilesAtomic } from "../lib/io/files.ts";
import { loadModel } from "../lib/io/model.ts";
import { hiddenSize } from "../lib/maths/network.ts";
import {
  checkHidden,
  checkOutputs,
  type Command,
  DATA_FLAGS,
  dataInputs,
  ENGINE_FLAG,
  engineName,
  locateData,
  main,
  named,
  parseFlags,
  picturePaths,
  plotFiles,
  printJson,
  readData,
  text,
  withFlag,
} from "./common.ts";

const DEFAULT_WEIGHTS = "resources/weights_and_biases.json";

export const command: Command = {
  name: "evaluate",
  summary:
    "Evaluates a model (the original project's JSON format) on the MNIST test set: accuracy (4 decimals and correct/total), the confusion matrix (rows: actual digit, columns: predicted) and the binary confusion matrix [[TP, FN], [FP, TN]] summed over the ten one-vs-rest matrices.",
  flags: {
    weights: {
      type: "string",
      arg: "FILE",
      help: "the model to evaluate",
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
};

export async function run(args: string[]): Promise<void> {
  const values = parseFlags(command, args);
  if (!values) return;
  const weights = text(values, "weights")!;
  const plotPath = text(values, "plot");
  const engine = engineName(values);
  const plots = plotPath === undefined ? [] : picturePaths("--plot", plotPath, true);
  const testFiles = (await locateData("test", values))!;
  await checkOutputs([named("--weights", weights), ...dataInputs(testFiles)], plots);
  const net = await withFlag("--weights", weights, () => loadModel(weights)).catch((e) => {
    const missing = weights === DEFAULT_WEIGHTS && e instanceof InputError &&
      e.message.endsWith("file not found");
    throw missing
      ? new InputError(`${e.message}; train a model first with \`deno task train\``)
      : e;
  });
  checkHidden(hiddenSize(net), engine, `--weights ${weights} has ${hiddenSize(net)} hidden units`);
  const test = await readData(testFiles, values, "test");
  const result = evaluation(test.labels, await predictWith(engine, net, test));
  if (plotPath !== undefined) {
    const figure = await confusionHeatmap(result.confusion, {
      title: `Confusion matrix: accuracy ${result.accuracy.toFixed(4)} on ${result.total} digits`,
    });
    await writeFilesAtomic(plotFiles(figure, plotPath));
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
  console.log(`model: ${weights}`);
  console.log(
    `data:  ${text(values, "data") ?? "the embedded MNIST test set"} (${test.count} digits)`,
  );
  console.log(`test accuracy: ${result.accuracy.toFixed(4)} (${result.correct}/${result.total})`);
  console.log("");
  console.log(formatConfusion(result.confusion));
  console.log("");
  const [[tp, fn], [fp, tn]] = result.binaryConfusion;
  const w = String(Math.max(tp, fn, fp, tn)).length;
  console.log("binary confusion matrix (summed over the ten one-vs-rest matrices):");
  console.log(`  TP ${String(tp).padStart(w)}   FN ${String(fn).padStart(w)}`);
  console.log(`  FP ${String(fp).padStart(w)}   TN ${String(tn).padStart(w)}`);
  if (plotPath !== undefined) {
    console.log("");
    console.log(`heatmap: ${plots.map((p) => p.path).join(" and ")}`);
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
