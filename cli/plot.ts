/**
 * `deno task plot`: redraws the accuracy-vs-iteration plot from an existing JSONL report,
 * without training.
 */
import { learningCurves } from "../lib/pictures/charts.ts";
import { decodeText } from "../lib/data/text.ts";
import { readInput } from "../lib/io/files.ts";
import { parseJsonl } from "../lib/io/report.ts";
import { printJson, say } from "./console.ts";
import { type Command, OUTPUT_NOTES, parseFlags, text } from "./flags.ts";
import { main } from "./main.ts";
import { checkOutputs, picturePaths, plotFiles, save } from "./outputs.ts";
import { named } from "./paths.ts";

export const command: Command = {
  name: "plot",
  summary:
    "Redraws training accuracy vs iteration, one line per learning rate, from a JSONL report written by `deno task tune` (SVG, plus a PNG beside it).",
  flags: {
    report: {
      type: "string",
      arg: "FILE",
      help: "the JSONL report to read; - for stdin",
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
  notes: [
    "The report is checked line by line as tune writes it (learning rate > 0, whole iterations that increase for each rate, accuracy in [0, 1], loss ≥ 0): two reports appended in one file are refused. Control characters in --title are drawn as \\xNN.",
    ...OUTPUT_NOTES,
  ],
};

export async function run(args: string[]): Promise<void> {
  const values = parseFlags(command, args);
  if (!values) return;
  const report = named("--report", text(values, "report")!, "input");
  const plotPath = text(values, "plot")!;
  const plots = picturePaths("--plot", plotPath, true);
  checkOutputs([report], plots, values.json === true);
  const records = parseJsonl(decodeText(await readInput(report.path), report.path), report.path);
  const figure = await learningCurves(records, { title: text(values, "title") });
  await save(plotFiles(figure, plots));
  const written = plots.map((p) => p.path);
  const rates = [...new Set(records.map((r) => r.learningRate))];
  if (values.json === true) {
    printJson({
      report: report.given,
      records: records.length,
      learning_rates: rates,
      plot: plotPath,
      png: written.at(-1),
    });
    return;
  }
  say(`${records.length} records, learning rates ${rates.join(", ")}`);
  say(`plot: ${written.join(" and ")}`);
}

if (import.meta.main) await main(() => run(Deno.args));
