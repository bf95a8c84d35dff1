/**
 * `deno task weights`: each hidden neuron's 784 incoming weights drawn as a 28×28 map
 * (red positive, blue negative), in one SVG (or PNG) picture.
 */
import { captionedSvg, weightsPng } from "../lib/pictures/images.ts";
import { hiddenSize, INPUTS } from "../lib/maths/network.ts";
import { loadModel } from "../lib/io/model.ts";
import { printJson, say } from "./console.ts";
import { type Command, OUTPUT_NOTES, parseFlags, text } from "./flags.ts";
import { main } from "./main.ts";
import { checkOutputs, picturePaths, plotFiles, save } from "./outputs.ts";
import { named } from "./paths.ts";

/** Beyond this many neurons the maps are drawn at 1:1 with bare numbers, 20 to a row. */
const LARGE = 100;

export const command: Command = {
  name: "weights",
  summary:
    "Draws the hidden neurons' weights (each row of W_h) as a grid of 28×28 images: red where a pixel pushes the neuron up, blue where it pushes it down.",
  flags: {
    weights: {
      type: "string",
      arg: "FILE",
      help: "the model; - for stdin",
      default: "resources/weights_and_biases.json",
    },
    out: {
      type: "string",
      arg: "FILE",
      help: "the picture (SVG, or PNG by extension)",
      default: "resources/hidden-weights.svg",
    },
    json: { type: "boolean", help: "print one JSON object instead of the summary" },
  },
  notes: [
    `Up to ${LARGE} neurons, each map is drawn 3× (84 pixels) with its caption; a wider model's maps are drawn 1:1, 20 to a row, captioned by number, so that a picture of 5,000 neurons stays small. Control characters in the model's file name are drawn as \\\\xNN.`,
    ...OUTPUT_NOTES,
  ],
};

export async function run(args: string[]): Promise<void> {
  const values = parseFlags(command, args);
  if (!values) return;
  const weights = named("--weights", text(values, "weights")!, "input");
  const pictures = picturePaths("--out", text(values, "out")!, false);
  checkOutputs([weights], pictures, values.json === true);
  const net = await loadModel(weights.path);
  const hidden = hiddenSize(net);
  const large = hidden > LARGE;
  const tiles = Array.from({ length: hidden }, (_, k) =>
    weightsPng(
      { rows: 1, cols: INPUTS, data: net.W_h.data.subarray(k * INPUTS, (k + 1) * INPUTS) },
      { scale: large ? 1 : 3, description: `neuron ${k}` },
    ));
  const figure = await captionedSvg(
    tiles,
    tiles.map((_, k) => large ? String(k) : `neuron ${k}`),
    large ? 20 : Math.min(hidden, 10),
    `Hidden-layer weights (${weights.given.split("/").at(-1)})`,
  );
  await save(plotFiles(figure, pictures));
  const out = pictures[0].given;
  if (values.json === true) {
    printJson({ weights: weights.given, hidden, out });
    return;
  }
  say(`${hidden} hidden neurons' weights drawn to ${out}`);
}

if (import.meta.main) await main(() => run(Deno.args));
