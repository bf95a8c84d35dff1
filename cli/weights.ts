/**
 * `deno task weights`: each hidden neuron's 784 incoming weights drawn as a 28×28 map
 * (red positive, blue negative), in one SVG (or PNG) picture.
 */
import { captionedSvg, weightsPng } from "../lib/pictures/images.ts";
import { hiddenSize } from "../lib/maths/network.ts";
import { loadModel } from "../lib/io/model.ts";
import { INPUTS } from "../lib/maths/network.ts";
import { writeFileAtomic } from "../lib/io/files.ts";
import {
  checkOutputs,
  type Command,
  main,
  named,
  parseFlags,
  picturePaths,
  printJson,
  text,
  withFlag,
} from "./common.ts";

export const command: Command = {
  name: "weights",
  summary:
    "Draws the hidden neurons' weights (each row of W_h) as a grid of 28×28 images: red where a pixel pushes the neuron up, blue where it pushes it down.",
  flags: {
    weights: {
      type: "string",
      arg: "FILE",
      help: "the model",
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
};

export async function run(args: string[]): Promise<void> {
  const values = parseFlags(command, args);
  if (!values) return;
  const weights = text(values, "weights")!;
  const out = text(values, "out")!;
  await checkOutputs([named("--weights", weights)], picturePaths("--out", out, false));
  const net = await withFlag("--weights", weights, () => loadModel(weights));
  const hidden = hiddenSize(net);
  const tiles = Array.from({ length: hidden }, (_, k) =>
    weightsPng(
      { rows: 1, cols: INPUTS, data: net.W_h.data.subarray(k * INPUTS, (k + 1) * INPUTS) },
      { scale: 3, description: `neuron ${k}` },
    ));
  const figure = await captionedSvg(
    tiles,
    tiles.map((_, k) => `neuron ${k}`),
    Math.min(hidden, 10),
    `Hidden-layer weights (${weights.split("/").at(-1)})`,
  );
  await writeFileAtomic(out, /\.png$/i.test(out) ? figure.png : figure.svg);
  if (values.json === true) {
    printJson({ weights, hidden, out });
    return;
  }
  console.log(`${hidden} hidden neurons' weights drawn to ${out}`);
}

if (import.meta.main) await main(() => run(Deno.args));
