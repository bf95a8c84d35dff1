/**
 * `deno task view`: a few random samples with their labels, drawn in the terminal with
 * block characters and, with --out, as an SVG (or PNG) picture.
 */
import { image } from "../lib/data/dataset.ts";
import { captionedSvg, digitsPng, digitToText } from "../lib/pictures/images.ts";
import { createRng, sample } from "../lib/maths/random.ts";
import { InputError } from "../lib/errors.ts";
import { printJson, say } from "./console.ts";
import { dataInputs, dataPath, locateData, readData } from "./data.ts";
import {
  type Command,
  DATA_FLAGS,
  OUTPUT_NOTES,
  parseFlags,
  seed,
  text,
  wholeNumber,
} from "./flags.ts";
import { main } from "./main.ts";
import { checkOutputs, picturePaths, plotFiles, save } from "./outputs.ts";

/** The most samples one view draws: a picture of 1,000 digits is already 14,000 pixels tall. */
export const MAX_COUNT = 1000;

export const command: Command = {
  name: "view",
  summary:
    "Shows random samples of the data with their labels: in the terminal as block characters, and with --out as a picture.",
  flags: {
    count: {
      type: "string",
      arg: "N",
      help: `how many samples, at most ${MAX_COUNT}`,
      default: "6",
    },
    seed: { type: "string", arg: "N", help: "seed of the random choice", default: "1" },
    split: { type: "string", arg: "NAME", help: "train or test", default: "train" },
    ...DATA_FLAGS,
    out: {
      type: "string",
      arg: "FILE",
      help: "also write the samples as an SVG (or .png) picture",
    },
    json: { type: "boolean", help: "print one JSON object (indices and labels) instead" },
  },
  notes: OUTPUT_NOTES,
};

export async function run(args: string[]): Promise<void> {
  const values = parseFlags(command, args);
  if (!values) return;
  const count = wholeNumber(text(values, "count")!, "count", 1, MAX_COUNT);
  const split = text(values, "split")!;
  if (split !== "train" && split !== "test") {
    throw new InputError(`--split ${split}`, "expected train or test");
  }
  const out = text(values, "out");
  const pictures = out === undefined ? [] : picturePaths("--out", out, false);
  const data = dataPath(values);
  const files = (await locateData(split, data))!;
  checkOutputs([...(data ? [data] : []), ...dataInputs(files)], pictures, values.json === true);
  const samples = await readData(files, split);
  const indices = Array.from(
    sample(createRng(seed(values)), samples.count, Math.min(count, samples.count)),
  );
  const digits = indices.map((i) => image(samples, i));
  const captions = indices.map((i) => `#${i}: ${samples.labels[i]}`);
  if (out !== undefined) {
    const tiles = digits.map((d) => digitsPng([d], { scale: 3, description: "digit" }));
    const figure = await captionedSvg(tiles, captions, 8, `${digits.length} ${split} samples`);
    await save(plotFiles(figure, pictures));
  }
  if (values.json === true) {
    printJson({
      source: samples.source,
      samples: indices.map((i) => ({ index: i, label: samples.labels[i] })),
      out,
    });
    return;
  }
  const perRow = 3;
  for (let k = 0; k < digits.length; k += perRow) {
    const group = digits.slice(k, k + perRow).map((d) => digitToText(d).split("\n"));
    const labels = captions.slice(k, k + perRow);
    say(labels.map((c) => `label ${c}`.padEnd(30)).join("").trimEnd());
    for (let line = 0; line < group[0].length; line++) {
      say(group.map((g) => (g[line] ?? "").padEnd(30)).join("").trimEnd());
    }
  }
  if (out !== undefined) say(`picture: ${out}`);
}

if (import.meta.main) await main(() => run(Deno.args));
