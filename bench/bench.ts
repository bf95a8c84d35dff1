/**
 * `deno task bench`: how fast is the fast engine? Against the reference engine, a numpy peer
 * (bench/numpy_peer.py, the same formulas in float32) and PyTorch peers (bench/torch_peer.py:
 * the formulas written out with CPU tensors, autograd, and the mini-batch epoch a user
 * writes), and for the bank section (fastBank: K networks trained together) numpy training
 * the K networks stacked and as the original project did. Each section is a function that measures and returns a typed result
 * (sections.ts); the report is written from those results (report.ts). bench/README.md
 * says more, with a run's full output.
 *
 *   deno task bench                      the tables
 *   deno task bench --json               every figure of the run as one JSON object
 *   deno task bench --quick              fewer iterations and rounds (a smoke run)
 *   deno task bench --sections a,b       only those sections (load, full, scaling, bank, mini, eval)
 *
 * Figures are wall-clock on a shared machine: compare ratios within one run.
 */
import { parseArgs } from "node:util";
import { loadMnist } from "../lib/io/mnist.ts";
import { availablePeers, PEER_HINTS } from "./python.ts";
import {
  type BenchContext,
  machine,
  measureEvaluation,
  measureFullBatch,
  measureLoad,
  measureMiniBatch,
  measureScaling,
} from "./sections.ts";
import { measureBank } from "./bank.ts";
import { type BenchResults, report } from "./report.ts";

const SECTIONS = ["load", "full", "scaling", "bank", "mini", "eval"] as const;
type Section = typeof SECTIONS[number];

/** The sections named by --sections (all by default); an unknown name is an error. */
function chosenSections(raw: string | undefined): Set<Section> {
  if (raw === undefined) return new Set(SECTIONS);
  const names = raw.split(",").map((s) => s.trim());
  for (const name of names) {
    if (!(SECTIONS as readonly string[]).includes(name)) {
      throw new Error(`--sections: unknown section "${name}" (expected ${SECTIONS.join(", ")})`);
    }
  }
  return new Set(names as Section[]);
}

/** Runs the chosen sections in the benchmark's order and returns their results. */
export async function runBench(
  options: { quick?: boolean; sections?: Set<Section>; progress?: (name: string) => void } = {},
): Promise<BenchResults> {
  const quick = options.quick ?? false;
  const sections = options.sections ?? new Set(SECTIONS);
  const date = new Date().toISOString();
  // loading is timed first, before the engines and the peers exist
  const progress = options.progress ?? (() => {});
  const run = <T>(section: Section, name: string, measure: () => Promise<T>) => {
    if (!sections.has(section)) return undefined;
    progress(name);
    return measure();
  };
  const load = await run("load", "IDX load", measureLoad);
  const peers = await availablePeers();
  const ctx: BenchContext = {
    train: await loadMnist("train"),
    test: await loadMnist("test"),
    peers,
    quick,
  };
  const skipped = [
    ...(peers.numpy ? [] : [PEER_HINTS.numpy]),
    ...(peers.torch ? [] : [PEER_HINTS.torch]),
  ];
  return {
    date,
    quick,
    machine: machine(),
    skipped,
    load,
    fullBatch: await run("full", "full batch", () => measureFullBatch(ctx)),
    scaling: await run("scaling", "scaling", () => measureScaling(ctx)),
    bank: await run("bank", "bank", () => measureBank(ctx)),
    miniBatch: await run("mini", "mini-batch epoch", () => measureMiniBatch(ctx)),
    evaluation: await run("eval", "evaluation", () => measureEvaluation(ctx)),
  };
}

if (import.meta.main) {
  let values: { json: boolean; quick: boolean; sections?: string };
  let sections: Set<Section>;
  try {
    ({ values } = parseArgs({
      args: Deno.args,
      options: {
        json: { type: "boolean", default: false },
        quick: { type: "boolean", default: false },
        sections: { type: "string" },
      },
    }));
    sections = chosenSections(values.sections);
  } catch (e) {
    console.error(`bench: ${(e as Error).message}`);
    Deno.exit(2);
  }
  const results = await runBench({
    quick: values.quick,
    sections,
    progress: (name) => console.error(`bench: ${name}…`),
  });
  if (values.json) console.log(JSON.stringify(results, null, 2));
  else console.log(report(results));
}
