/**
 * `deno task plot`: redraws the accuracy-vs-iteration plot from an existing JSONL report,
 * without training.
 */
import { learningCurves } from "../lib/pictures/charts.ts";
import { decodeText } from "../lib/data/text.ts";
import { readInput, writeFilesAtomic } from "../lib/io/files.ts";
import {
  checkOutputs,
  type Command,
  main,
  named,
  parseFlags,
  picturePaths,
  plotFiles,
  printJson,
  text,
  withFlag,
} from "./common.ts";
import { parseJsonl } from "../lib/io/report.ts";

export const command: Command = {
  name: "plot",
  summary:
    "Redraws training accuracy vs iteration, one line per learning rate, from a JSONL report written by `deno task tune` (SVG, plus a PNG beside it).",
  flags: {
    report: {
      type: "string",
      arg: "FILE",
      help: "the JSONL report to read",
      default: "resources/hyper-tune.jsonl",
    },
    plot: {
      type: "string",
      arg: "FILE",
      help: "the plot to write (SVG; a PNG is written beside it)",
      default: "resources/accuracy-vs-learning-rate.svg",
    },
    title: { type: "string", arg: "TEXT", help: "the plot's title" },
    json: { type: "boolean", help: "print one JSON object instead of the summary" },
  },
};

export async function run(args: string[]): Promise<void> {
  const values = parseFlags(command, args);
  if (!values) return;
  const report = text(values, "report")!;
  const plotPath = text(values, "plot")!;
  const plots = picturePaths("--plot", plotPath, true);
  await checkOutputs([named("--report", report)], plots);
  const records = await withFlag(
    "--report",
    report,
    async () => parseJsonl(decodeText(await readInput(report), report), report),
  );
  const figure = await learningCurves(records, { title: text(values, "title") });
  await writeFilesAtomic(plotFiles(figure, plotPath));
  const written = plots.map((p) => p.path);
  const rates = [...new Set(records.map((r) => r.learningRate))];
  if (values.json === true) {
    printJson({
      report,
      records: records.length,
      learning_rates: rates,
      plot: plotPath,
      png: written.at(-1),
    });
    return;
  }
  console.log(`${records.length} records, learning rates ${rates.join(", ")}`);
  console.log(`plot: ${written.join(" and ")}`);
}

if (import.meta.main) await main(() => run(Deno.args));
