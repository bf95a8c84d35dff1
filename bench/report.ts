/**
 * The benchmark's report: the tables written from the sections' typed results (sections.ts,
 * bank.ts), and the summary of the headline ratios. Nothing here measures.
 */
import type { Stats } from "./timing.ts";
import type {
  EvaluationResult,
  FullBatchResult,
  LoadResult,
  MachineResult,
  MiniBatchResult,
  ScalingRow,
  TorchEpoch,
} from "./sections.ts";
import { type BankResult, type BankRow, largestDifference, LOSS_TOLERANCE } from "./bank.ts";

/** Everything one run measured; a section left out is undefined. */
export interface BenchResults {
  /** When the run started (ISO 8601, UTC). */
  date: string;
  quick: boolean;
  machine: MachineResult;
  /** The peers that could not run here, with how to install them. */
  skipped: string[];
  load?: LoadResult;
  fullBatch?: FullBatchResult;
  scaling?: ScalingRow[];
  bank?: BankResult;
  miniBatch?: MiniBatchResult;
  evaluation?: EvaluationResult;
}

export const fmt = (x: number) => x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0);
export const row = (cells: (string | number)[], widths: number[]) =>
  cells.map((c, i) => String(c).padStart(widths[i])).join("  ");

function fullBatchReport(r: FullBatchResult): string[] {
  const out: string[] = [];
  const contenders: [string, Stats | undefined][] = [
    ["fast", r.fast],
    ["numpy", r.numpy],
    ["torch", r.torch],
    ["torch autograd", r.torchAutograd],
    ["reference", r.reference],
  ];
  const w = [34, 9, 8, 8, 4];
  out.push(
    `Full-batch iteration, m = ${r.m}, 784 → ${r.hidden} → 10 (ms; forward + backward + update)`,
    row(["contender", "median", "min", "max", "n"], w),
  );
  for (const [name, x] of contenders) {
    if (x) out.push(row([name, fmt(x.median), fmt(x.min), fmt(x.max), x.n], w));
  }
  const b = r.fastBackToBack;
  out.push(
    row(["fast, back to back (as tune runs)", fmt(b.median), fmt(b.min), fmt(b.max), b.n], w),
  );
  for (const [name, x] of contenders.slice(1)) {
    if (x) {
      out.push(
        `fast / ${name} = ${(r.fast.median / x.median).toFixed(4)} (${name} is ${
          (x.median / r.fast.median).toFixed(1)
        }× slower)`,
      );
    }
  }
  out.push(
    `cores the engine had (its CPU time / wall time): ${r.fastCores.toFixed(2)} alternated, ${
      r.fastBackToBackCores.toFixed(2)
    } back to back`,
  );
  if (r.torchInfo) {
    out.push(
      `torch ${r.torchInfo.version}, float32 CPU, ${r.torchInfo.threads} threads (its default here: ${r.torchInfo.defaultThreads})`,
    );
  }
  out.push(
    `fast engine setup (sparse rows and columns, memory, worker): ${fmt(r.setupMs)} ms; reset: ${
      fmt(r.resetMs)
    } ms`,
  );
  return out;
}

function scalingReport(rows: ScalingRow[]): string[] {
  const w = [7, 7, 10, 10, 10, 8, 6];
  const n = rows[0]?.fast.n ?? 0;
  const out = [
    `Scaling, full batch (median ms/iteration: fast over ${n}, numpy over ${
      n / 3
    }; min in the JSON)`,
    row(["m", "hidden", "fast", "numpy", "numpy/fast", "fast/m µs", "cores"], w),
  ];
  for (const r of rows) {
    out.push(row([
      r.m,
      r.hidden,
      fmt(r.fast.median),
      r.numpy ? fmt(r.numpy.median) : "-",
      r.numpy ? (r.numpy.median / r.fast.median).toFixed(1) : "-",
      (1000 * r.fast.median / r.m).toFixed(3),
      r.fastCores.toFixed(2),
    ], w));
  }
  return out;
}

/** The bank's per-network time at K over its time at K = 1, same hidden size. */
export function bankOverSingle(r: BankResult, row: BankRow): number | undefined {
  const single = r.rows.find((x) => x.hidden === row.hidden && x.networks === 1);
  return single && row.bank.median / single.bank.median;
}

function bankReport(r: BankResult): string[] {
  const w = [3, 6, 8, 6, 9, 9, 9, 11, 12, 10];
  const ratio = (x: number | undefined) => x === undefined ? "-" : x.toFixed(2);
  const out = [
    `Bank: K networks of 784 → hidden → 10 trained together, full batch on ${r.m} digits, ${r.iterations} iterations of each contender, alternated; network k at η = ${
      r.rates.join(", ")
    }[k mod ${r.rates.length}] from seed k + 1`,
    "(per-network ms per iteration: each iteration's time / K, medians; stacked: numpy float32, one (K·h, 784) product then each output layer; original: numpy float64, one network after another)",
    row([
      "K",
      "hidden",
      "bank",
      "cores",
      "K engines",
      "stacked",
      "original",
      "bank / K=1",
      "stacked/bank",
      "orig./bank",
    ], w),
  ];
  for (const x of r.rows) {
    out.push(row([
      x.networks,
      x.hidden,
      fmt(x.bank.median),
      x.bankCores.toFixed(2),
      fmt(x.engines.median),
      x.stacked ? fmt(x.stacked.median) : "-",
      x.original ? fmt(x.original.median) : "-",
      ratio(bankOverSingle(r, x)),
      ratio(x.stacked && x.stacked.median / x.bank.median),
      ratio(x.original && x.original.median / x.bank.median),
    ], w));
  }
  // the same work: every network's loss after the iterations, against the bank's
  const bitForBit = r.rows.every((x) => x.losses.engines.every((l, k) => l === x.losses.bank[k]));
  out.push(
    `losses after ${r.iterations} iterations: the K engines ${
      bitForBit ? "equal the bank's bit for bit in every row" : "DIFFER from the bank's"
    }`,
  );
  for (const peer of ["stacked", "original"] as const) {
    const worst = Math.max(
      ...r.rows.map((x) => {
        const l = x.losses[peer];
        return l ? largestDifference(l, x.losses.bank) : -1;
      }),
    );
    if (worst < 0) continue;
    out.push(
      `  ${peer}: largest relative difference from the bank's ${worst.toExponential(1)} (${
        worst <= LOSS_TOLERANCE
          ? `within ${LOSS_TOLERANCE}`
          : `ABOVE ${LOSS_TOLERANCE}: not the same training`
      })`,
    );
  }
  return out;
}

function miniBatchReport(r: MiniBatchResult): string[] {
  const out = [
    `Mini-batch training, 784 → ${r.hidden} → 10, batch ${r.batchSize}, η = ${r.learningRate}`,
    `engine setup (sparse encoding, memory, worker): ${fmt(r.setupMs)} ms`,
  ];
  r.epochs.forEach((e, i) =>
    out.push(
      `epoch ${i + 1}: ${fmt(e.ms)} ms (${r.steps} steps, ${
        fmt(1000 * e.ms / r.steps)
      } µs/step), test accuracy ${(100 * e.testAccuracy).toFixed(2)} %`,
    )
  );
  out.push(`cores the engine had: ${r.engineCores.toFixed(2)} (one thread below batches of 256)`);
  const peer = (name: string, t: TorchEpoch) => {
    out.push(
      `${name}: first ${r.probeSteps} steps ${fmt(t.probeMs[1])} ms on 1 thread, ${
        fmt(t.probeMs[2])
      } ms on 2 (the better of two tries): epochs on ${t.threads}`,
      `  epoch median ${fmt(t.epoch.median)} ms, min ${fmt(t.epoch.min)}, max ${
        fmt(t.epoch.max)
      }; torch / fast = ${(t.epoch.median / r.engine.median).toFixed(2)}`,
    );
  };
  if (r.torchIdiomatic) {
    peer("torch, idiomatic (nn.Sequential, CrossEntropyLoss, optim.SGD)", r.torchIdiomatic);
  }
  if (r.torchWrittenOut) peer("torch, the formulas written out", r.torchWrittenOut);
  out.push(
    `engine epoch median ${
      fmt(r.engine.median)
    } ms (medians of ${r.engine.n} epochs each, alternated)`,
  );
  return out;
}

function evaluationReport(r: EvaluationResult): string[] {
  const line = (label: string, x: Stats) =>
    `${label} median ${fmt(x.median)}, min ${fmt(x.min)}, max ${fmt(x.max)}`;
  return [
    "Evaluating the 10,000 test digits (ms)",
    line("fastPredict, hidden 128, two threads:", r.fastPredict128),
    `  (cores it had: ${r.fastPredict128Cores.toFixed(2)})`,
    line("fastPredict, hidden 128, one thread: ", r.fastPredict128OneThread),
    line("fastPredict, hidden 10, two threads: ", r.fastPredict10),
    `evaluate.ts predict (reference), hidden 10, once: ${fmt(r.referencePredict10Ms)}`,
  ];
}

/** One row of the summary: a workload, the engine's time, the other's, other / fast. */
export interface SummaryRow {
  workload: string;
  fast: number;
  other: string;
  otherMs?: number;
  /** other / fast. */
  ratio?: number;
}

/** The headline ratios of the run (medians), as the README's results table shows them. */
export function summaryRows(r: BenchResults): SummaryRow[] {
  const rows: SummaryRow[] = [];
  const add = (workload: string, fast: Stats, other: string, x?: Stats) =>
    rows.push({
      workload,
      fast: fast.median,
      other,
      otherMs: x?.median,
      ratio: x && x.median / fast.median,
    });
  const full = r.fullBatch;
  if (full) {
    add("full batch 784 → 10 → 10, 60,000 digits", full.fast, "numpy", full.numpy);
    add("the same", full.fast, "PyTorch (formulas)", full.torch);
  }
  const wide = r.scaling?.find((s) => s.m === 60000 && s.hidden === 128);
  if (wide) add("full batch 784 → 128 → 10, 60,000 digits", wide.fast, "numpy", wide.numpy);
  const bank = r.bank?.rows.find((x) => x.hidden === 10 && x.networks === 4);
  if (r.bank && bank) {
    const single = r.bank.rows.find((x) => x.hidden === 10 && x.networks === 1);
    add("bank of 4 × 784 → 10 → 10, per network", bank.bank, "bank of 1", single?.bank);
    add("the same", bank.bank, "numpy stacked", bank.stacked);
    add("the same", bank.bank, "numpy float64, one by one", bank.original);
  }
  const mini = r.miniBatch;
  const threads = (t?: TorchEpoch) => t ? `${t.threads} thr.` : "-";
  if (mini) {
    add(
      "mini-batch epoch 784 → 128 → 10, batch 64",
      mini.engine,
      `PyTorch idiomatic (${threads(mini.torchIdiomatic)})`,
      mini.torchIdiomatic?.epoch,
    );
    add(
      "the same",
      mini.engine,
      `PyTorch written out (${threads(mini.torchWrittenOut)})`,
      mini.torchWrittenOut?.epoch,
    );
  }
  if (r.evaluation) {
    add(
      "predict 10,000 digits, hidden 128",
      r.evaluation.fastPredict128,
      "one thread",
      r.evaluation.fastPredict128OneThread,
    );
  }
  return rows;
}

function summaryReport(r: BenchResults): string[] {
  const line = ([workload, ...rest]: string[]) => workload.padEnd(42) + row(rest, [10, 36, 7]);
  return [
    "Summary (medians of this run; ratio = other / fast)",
    line(["workload", "fast", "other", "ratio"]),
    ...summaryRows(r).map((s) =>
      line([
        s.workload,
        `${fmt(s.fast)} ms`,
        s.otherMs === undefined ? `${s.other} -` : `${s.other} ${fmt(s.otherMs)} ms`,
        s.ratio === undefined ? "-" : `${s.ratio.toFixed(2)}×`,
      ])
    ),
  ];
}

/** The whole report, as `deno task bench` prints it. */
export function report(r: BenchResults): string {
  const m = r.machine;
  const sections = [
    [
      `deno task bench${r.quick ? " --quick (a smoke run: fewer iterations and rounds)" : ""}, ${
        r.date.slice(0, 16).replace("T", " ")
      } UTC; ${m.cores} cores, Deno ${m.deno}, V8 ${m.v8}`,
      ...r.skipped,
    ],
    r.fullBatch && fullBatchReport(r.fullBatch),
    r.scaling && scalingReport(r.scaling),
    r.bank && bankReport(r.bank),
    r.miniBatch && miniBatchReport(r.miniBatch),
    r.evaluation && evaluationReport(r.evaluation),
    r.load && [
      `IDX load (median of 3): train ${fmt(r.load.train.median)} ms, test ${
        fmt(r.load.test.median)
      } ms`,
    ],
    summaryReport(r),
  ];
  return sections.filter((lines) => lines !== undefined).map((lines) => lines.join("\n"))
    .join("\n\n");
}
