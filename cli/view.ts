/**
 * `deno task view`: a few random samples with their labels, drawn in the terminal with
 * block characters and, with --out, as an SVG (or PNG) picture.
 */
import { image } from "../lib/data/dataset.ts";
import { captionedSvg, digitsPng, digitToText } from "../lib/pictures/images.ts";
import { createRng, sample } from "../lib/maths/random.ts";
import { InputError } from "../lib/errors.ts";
import { writeFileAtomic } from "../lib/io/files.ts";
import {
  checkOutputs,
  type Command,
  DATA_FLAGS,
  dataInputs,
  locateData,
  main,
  parseFlags,
  picturePaths,
  positiveInt,
  printJson,
  readData,
  seed,
  text,
} from "./common.ts";

export const command: Command = {
  name: "view",
  summary:
    "Shows random samples of the data with their labels: in the terminal as block characters, and with --out as a picture.",
  flags: {
    count: { type: "string", arg: "N", help: "how many samples", default: "6" },
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
};

export async function run(args: string[]): Promise<void> {
  const values = parseFlags(command, args);
  if (!values) return;
  const count = positiveInt(values, "count")!;
  const split = text(values, "split")!;
  if (split !== "train" && split !== "test") {
    throw new InputError(`--split ${split}: expected train or test`);
  }
  const out = text(values, "out");
  const files = (await locateData(split, values))!;
  await checkOutputs(dataInputs(files), out === undefined ? [] : picturePaths("--out", out, false));
  const data = await readData(files, values, split);
  const indices = Array.from(
    sample(createRng(seed(values)), data.count, Math.min(count, data.count)),
  );
  const digits = indices.map((i) => image(data, i));
  const captions = indices.map((i) => `#${i}: ${data.labels[i]}`);
  if (out !== undefined) {
    const tiles = digits.map((d) => digitsPng([d], { scale: 3, description: "digit" }));
    const figure = await captionedSvg(tiles, captions, 8, `${digits.length} ${split} samples`);
    await writeFileAtomic(out, /\.png$/i.test(out) ? figure.png : figure.svg);
  }
  if (values.json === true) {
    printJson({
      source: data.source,
      samples: indices.map((i) => ({ index: i, label: data.labels[i] })),
      out,
    });
    return;
  }
  const perRow = 3;
  for (let k = 0; k < digits.length; k += perRow) {
    const group = digits.slice(k, k + perRow).map((d) => digitToText(d).split("\n"));
    const labels = captions.slice(k, k + perRow);
    console.log(labels.map((c) => `label ${c}`.padEnd(30)).join("").trimEnd());
    for (let line = 0; line < group[0].length; line++) {
      console.log(group.map((g) => (g[line] ?? "").padEnd(30)).join("").trimEnd());
    }
  }
  if (out !== undefined) console.log(`picture: ${out}`);
}

if (import.meta.main) await main(() => run(Deno.args));
