/**
 * Model files in the original project's JSON format, so models move both ways:
 * {"hidden_layer": {"weights": [[…784] × hidden], "biases": [[b] × hidden]},
 *  "output_layer": {"weights": [[…hidden] × 10], "biases": [[b] × 10]}}
 * Extra top-level keys (such as "metadata") are kept out of the network and ignored.
 * No file access here, so a browser page can import it (model.ts reads and writes files).
 */
import { InputError } from "../errors.ts";
import { fromRows, type Matrix, toRows } from "../maths/matrix.ts";
import { INPUTS, type Network, OUTPUTS } from "../maths/network.ts";

export interface ModelJson {
  hidden_layer: { weights: number[][]; biases: number[][] };
  output_layer: { weights: number[][]; biases: number[][] };
  metadata?: Record<string, unknown>;
}

export function toModelJson(net: Network, metadata?: Record<string, unknown>): ModelJson {
  return {
    hidden_layer: { weights: toRows(net.W_h), biases: toRows(net.b_h) },
    output_layer: { weights: toRows(net.W_o), biases: toRows(net.b_o) },
    ...(metadata ? { metadata } : {}),
  };
}

function matrixAt(
  value: unknown,
  where: string,
  rows: number | undefined,
  cols: number,
  source: string,
): Matrix {
  const fail = (problem: string): never => {
    throw new InputError(source, `${where}${problem.startsWith("[") ? "" : " "}${problem}`);
  };
  if (!Array.isArray(value)) fail("is missing or not an array");
  const arr = value as unknown[];
  if (rows !== undefined && arr.length !== rows) fail(`has ${arr.length} rows, expected ${rows}`);
  if (arr.length === 0) fail("is empty");
  arr.forEach((entry, i) => {
    const row = Array.isArray(entry) ? entry as unknown[] : fail(`row ${i} is not an array`);
    if (row.length !== cols) fail(`row ${i} has ${row.length} entries, expected ${cols}`);
    row.forEach((v, j) => {
      if (typeof v === "number" && !Number.isFinite(v)) {
        // JSON has no Infinity: a number written too large (1e309) was read as one.
        fail(`[${i}][${j}] is too large for a float64 (it overflows to ${v}): not a finite number`);
      }
      if (typeof v !== "number") fail(`[${i}][${j}] is ${JSON.stringify(v)}, not a finite number`);
    });
  });
  return fromRows(arr as number[][]);
}

/** The largest float32, the engines' narrowest number. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * The most any output logit Z_o can reach over inputs in [0, 1]: Σ|W_h|·1 + |b_h| bounds each
 * hidden unit, and the output layer's weights carry those bounds on. A model whose bound
 * passes what a float32 holds may give ±Infinity and NaN outputs, which no accuracy means.
 */
export function logitBound(net: Network): number {
  const hidden = net.W_h.rows;
  const A = new Float64Array(hidden);
  for (let i = 0; i < hidden; i++) {
    let sum = Math.abs(net.b_h.data[i]);
    for (let p = 0; p < INPUTS; p++) sum += Math.abs(net.W_h.data[i * INPUTS + p]);
    A[i] = sum;
  }
  let most = 0;
  for (let k = 0; k < OUTPUTS; k++) {
    let sum = Math.abs(net.b_o.data[k]);
    for (let i = 0; i < hidden; i++) sum += Math.abs(net.W_o.data[k * hidden + i]) * A[i];
    most = Math.max(most, sum);
  }
  return most;
}

/** A network from parsed JSON, with every shape and number checked. */
export function fromModelJson(json: unknown, source: string): Network {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new InputError(source, "expected a JSON object with hidden_layer and output_layer");
  }
  const o = json as Record<string, Record<string, unknown> | undefined>;
  for (const layer of ["hidden_layer", "output_layer"]) {
    if (typeof o[layer] !== "object" || o[layer] === null) {
      throw new InputError(source, `${layer} is missing`);
    }
  }
  const W_h = matrixAt(o.hidden_layer!.weights, "hidden_layer.weights", undefined, INPUTS, source);
  const hidden = W_h.rows;
  const b_h = matrixAt(o.hidden_layer!.biases, "hidden_layer.biases", hidden, 1, source);
  const W_o = matrixAt(o.output_layer!.weights, "output_layer.weights", OUTPUTS, hidden, source);
  const b_o = matrixAt(o.output_layer!.biases, "output_layer.biases", OUTPUTS, 1, source);
  const net = { W_h, b_h, W_o, b_o };
  const bound = logitBound(net);
  if (!(bound <= FLOAT32_MAX)) {
    throw new InputError(
      source,
      `the weights are so large that the outputs can overflow (|Z_o| up to ${
        bound.toPrecision(3)
      }, past the ${FLOAT32_MAX.toPrecision(3)} a float32 holds): its predictions would be NaN`,
    );
  }
  return net;
}

/** A network from the text of a model file, named `source` in messages. */
export function parseModel(text: string, source: string): Network {
  if (text.trim() === "") throw new InputError(source, "empty file");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(source, `not valid JSON (${(e as Error).message})`);
  }
  return fromModelJson(json, source);
}
