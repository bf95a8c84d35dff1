/**
 * The race: up to four runs side by side, each with its own learning rate, seed and start
 * (the original's uniform weights, or He's), of the size and batch set above, trained in the
 * worker as one bank (trainer_race.ts). Their loss and accuracy curves are overlaid, with a
 * legend; the race is part of the page's address (settings.ts readRace), and each run shows the
 * `deno task train` command that prints its loss.
 */
import type { TrainingRecord } from "../lib/training/train.ts";
import type { Connection, RaceUpdate } from "./connection.ts";
import { syncControls } from "./controls.ts";
import { $ } from "./dom.ts";
import { raceChart, type RaceSeries, runSwatch } from "./pictures.ts";
import type { RaceRunStatus } from "./protocol.ts";
import {
  LEARNING_RATE_RANGE,
  MAX_RUNS,
  raceProblem,
  type RaceRun,
  type Start,
  STARTS,
  TRAINING_DIGITS,
} from "./settings.ts";
import type { PageState } from "./state.ts";

/** While racing, the charts are redrawn at most this often (ms). */
const DRAW_MS = 250;

/** One run in `playground.raceState()`. */
export interface RaceRunState extends RaceRun, RaceRunStatus {
  /** Its name in the legend. */
  label: string;
  /** The `deno task train` command that prints this run's loss (none before the first step). */
  command?: string;
}

/** What `playground.raceState()` says. */
export interface RaceState {
  iteration: number;
  running: boolean;
  /** The size and batch the race was set up with (the page's when it started). */
  hidden: number;
  /** Samples per step (the training set's size for the full batch). */
  batchSize: number;
  runs: RaceRunState[];
}

export interface RaceApi {
  /**
   * Sets up a race of these runs (at most four) from iteration 0; a value left out is the
   * page's learning rate or seed, or the uniform start. No runs ends the race. RangeError
   * naming the run and the value that cannot be raced.
   */
  race(runs: Partial<RaceRun>[]): Promise<void>;
  /** `n` iterations of every run still racing (default 1). */
  raceStep(n?: number): Promise<void>;
  racePlay(): void;
  racePause(): Promise<void>;
  raceState(): RaceState;
}

export interface Race {
  api: RaceApi;
  /** Applies a race update from the worker. */
  update(reply: RaceUpdate): void;
  /** Sets up the address's race (once the page is ready). */
  start(): Promise<void>;
  /** After a change of setting: a new size or batch starts the race over with it. */
  settingsChanged(): void;
}

/** A run's name: its number and what it is made of. */
export const runLabel = (run: RaceRun, k: number) =>
  `run ${k + 1}: η ${run.learningRate}, seed ${run.seed}, ${run.start === "he" ? "He" : "uniform"}`;

/** The `deno task train` command of run k after `iterations` (its loss is the race's). */
export function raceCommand(
  run: RaceRun,
  k: number,
  iterations: number,
  hidden: number,
  batchSize: number,
): string {
  return `deno task train --iterations ${iterations} --learning-rate ${run.learningRate} ` +
    `--hidden ${hidden} --seed ${run.seed}${batchSize ? ` --batch-size ${batchSize}` : ""}${
      run.start === "he" ? " --start he" : ""
    } --out run-${k + 1}.json`;
}

export function createRace(state: PageState, connection: Connection): Race {
  /** What the worker races (the runs are state.race). */
  let hidden = state.settings.hidden, batchSize = state.settings.batchSize;
  let iteration = 0, running = false;
  let statuses: RaceRunStatus[] = [];
  let records: TrainingRecord[][] = [];
  let drawnAt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let ready = false;

  const notice = (e?: unknown) => {
    const p = $("race-notice");
    p.hidden = e === undefined;
    p.textContent = e === undefined ? "" : e instanceof Error ? e.message : String(e);
  };

  /** The runs as given, the page's setting for what they leave out, checked. */
  function complete(runs: Partial<RaceRun>[]): RaceRun[] {
    if (!Array.isArray(runs)) throw new RangeError("race: takes an array of runs");
    const full = runs.map((r) => ({
      learningRate: r.learningRate ?? state.settings.learningRate,
      seed: r.seed ?? state.settings.seed,
      start: r.start ?? "uniform",
    }));
    const problem = raceProblem(full, state.settings.batchSize);
    if (problem) throw new RangeError(`race: ${problem}`);
    return full;
  }

  /** Races `runs` from iteration 0, with the page's size and batch. */
  async function setUp(runs: RaceRun[]): Promise<void> {
    state.race = runs;
    hidden = state.settings.hidden;
    batchSize = state.settings.batchSize;
    syncControls(state);
    notice();
    drawRuns();
    await connection.ask({ type: "race", runs, hidden, batchSize });
  }

  async function race(runs: Partial<RaceRun>[]): Promise<void> {
    await setUp(complete(runs));
  }

  async function raceStep(n = 1): Promise<void> {
    if (!(Number.isInteger(n) && n >= 1)) {
      throw new RangeError(`raceStep: ${n} is not a positive integer`);
    }
    if (state.race.length === 0) throw new Error("raceStep: no race is set up");
    await connection.ask({ type: "race-step", n });
  }

  function racePlay(): void {
    if (state.race.length === 0) throw new Error("racePlay: no race is set up");
    running = true;
    connection.send({ type: "race-play" });
    texts();
  }

  const racePause = () => connection.ask({ type: "race-pause" });

  function raceState(): RaceState {
    return {
      iteration,
      running,
      hidden,
      batchSize: batchSize || TRAINING_DIGITS,
      runs: state.race.map((run, k) => ({
        ...run,
        loss: statuses[k]?.loss ?? NaN,
        accuracy: statuses[k]?.accuracy ?? NaN,
        ...(statuses[k]?.diverged ? { diverged: statuses[k].diverged } : {}),
        label: runLabel(run, k),
        command: iteration > 0 && !statuses[k]?.diverged
          ? raceCommand(run, k, iteration, hidden, batchSize)
          : undefined,
      })),
    };
  }

  function update(reply: RaceUpdate): void {
    if (reply.restarted) records = reply.records.map(() => []);
    reply.records.forEach((rs, k) => records[k]?.push(...rs));
    iteration = reply.iteration;
    running = reply.running;
    statuses = reply.runs;
    if (!running) return draw();
    texts();
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      draw();
    }, Math.max(0, DRAW_MS - (performance.now() - drawnAt)));
  }

  /** The buttons, the status line, the numbers in the runs' rows and the commands. */
  function texts(): void {
    const s = raceState();
    const none = s.runs.length === 0;
    $("race-play").textContent = running ? "❚❚ pause the race" : "▶ race";
    for (const id of ["race-play", "race-step", "race-reset"]) {
      $<HTMLButtonElement>(id).disabled = !ready || none;
    }
    $<HTMLButtonElement>("race-add").disabled = !ready || s.runs.length >= MAX_RUNS;
    $("race-status").textContent = none
      ? "No race yet: add runs, or start one of the races above."
      : `iteration ${s.iteration} · ${s.runs.length} run${
        s.runs.length === 1 ? "" : "s"
      } of ${s.hidden} hidden neurons, ${batchSize ? `batches of ${batchSize}` : "full batch"}`;
    const f = (x: number) => Number.isFinite(x) ? x.toFixed(4) : "–";
    s.runs.forEach((run, k) => {
      const cell = document.querySelector(`#race-runs tr[data-run="${k}"] .now`);
      if (!cell) return;
      cell.textContent = run.diverged
        ? `diverged at iteration ${run.diverged.iteration}`
        : `loss ${f(run.loss)} · accuracy ${f(run.accuracy)}`;
    });
    $("race-commands").textContent = none
      ? ""
      : s.iteration === 0
      ? "Nothing raced yet: step or race first."
      : s.runs.map((run, k) =>
        run.command ??
          `# run ${k + 1} diverged at iteration ${run.diverged!.iteration}: ` +
            "deno task train stops there too, with the same error"
      ).join("\n");
  }

  function draw(): void {
    clearTimeout(timer);
    timer = undefined;
    drawnAt = performance.now();
    texts();
    const series: RaceSeries[] = state.race.map((run, k) => ({
      label: runLabel(run, k),
      records: records[k] ?? [],
    }));
    const width = (id: string) => Math.min(520, $(id).clientWidth || 300);
    const charts: [string, "loss" | "accuracy"][] = [
      ["race-loss-chart", "loss"],
      ["race-accuracy-chart", "accuracy"],
    ];
    for (const [id, key] of charts) {
      $(id).replaceChildren(
        ...(series.length ? [raceChart(series, key, width(id), batchSize !== 0)] : []),
      );
    }
    $("race-legend").replaceChildren(...series.map((s, k) => {
      const item = document.createElement("li");
      item.append(runSwatch(k), s.label);
      return item;
    }));
  }

  /** Applies a change made in the runs' rows; a race that cannot be is said, and undone. */
  function change(next: Partial<RaceRun>[]): void {
    let runs: RaceRun[];
    try {
      runs = complete(next);
    } catch (e) {
      notice(e);
      drawRuns();
      return;
    }
    void setUp(runs).catch(notice);
  }

  /** The runs' rows: their controls, the line of each in the charts, and its numbers. */
  function drawRuns(): void {
    const body = $("race-runs").querySelector("tbody")!;
    const [low, high] = LEARNING_RATE_RANGE;
    body.replaceChildren(...state.race.map((run, k) => {
      const row = document.createElement("tr");
      row.dataset.run = String(k);
      const name = document.createElement("th");
      name.scope = "row";
      name.append(runSwatch(k), ` run ${k + 1}`);
      const input = (key: "learningRate" | "seed", what: string, attrs: Record<string, string>) => {
        const box = Object.assign(document.createElement("input"), { type: "number" });
        Object.assign(box, attrs);
        box.value = String(run[key]);
        box.setAttribute("aria-label", `run ${k + 1}'s ${what}`);
        box.addEventListener("change", () => {
          change(state.race.map((r, i) => i === k ? { ...r, [key]: Number(box.value) } : r));
        });
        const cell = document.createElement("td");
        cell.append(box);
        return cell;
      };
      const start = document.createElement("select");
      start.setAttribute("aria-label", `run ${k + 1}'s start`);
      for (const s of STARTS) {
        start.add(new Option(s === "he" ? "He: N(0, 2/fan_in)" : "uniform [−1, 1)", s));
      }
      start.value = run.start;
      start.addEventListener("change", () => {
        change(
          state.race.map((r, i) => i === k ? { ...r, start: start.value as Start } : r),
        );
      });
      const startCell = document.createElement("td");
      startCell.append(start);
      const now = document.createElement("td");
      now.className = "now";
      const remove = Object.assign(document.createElement("button"), { textContent: "×" });
      remove.setAttribute("aria-label", `remove run ${k + 1}`);
      remove.addEventListener("click", () => change(state.race.filter((_, i) => i !== k)));
      const removeCell = document.createElement("td");
      removeCell.append(remove);
      row.append(
        name,
        input("learningRate", "learning rate η", {
          min: String(low),
          max: String(high),
          step: "any",
        }),
        input("seed", "seed", { min: "0", step: "1" }),
        startCell,
        now,
        removeCell,
      );
      return row;
    }));
    $("race-runs-box").hidden = state.race.length === 0;
    texts();
  }

  // the controls
  const presets: [string, () => Partial<RaceRun>[]][] = [
    ["race-rates", () => [0.5, 0.25, 0.1, 0.05].map((learningRate) => ({ learningRate }))],
    ["race-starts", () => [{ start: "uniform" }, { start: "he" }]],
    ["race-seeds", () => [1, 2, 3].map((seed) => ({ seed }))],
  ];
  for (const [id, runs] of presets) $(id).addEventListener("click", () => change(runs()));
  $("race-add").addEventListener("click", () => {
    const last = state.race.at(-1);
    // the last run with half its learning rate: a race of twins shows nothing
    const next = last
      ? { ...last, learningRate: Math.max(LEARNING_RATE_RANGE[0], last.learningRate / 2) }
      : {};
    change([...state.race, next]);
  });
  $("race-play").addEventListener("click", () => {
    if (running) void racePause().catch(notice);
    else racePlay();
  });
  $("race-step").addEventListener("click", () => void raceStep(1).catch(notice));
  $("race-reset").addEventListener("click", () => void setUp(state.race).catch(notice));
  drawRuns();

  return {
    api: { race, raceStep, racePlay, racePause, raceState },
    update,
    async start() {
      ready = true;
      for (const [id] of presets) $<HTMLButtonElement>(id).disabled = false;
      if (state.race.length) await setUp(state.race);
      else texts();
    },
    settingsChanged() {
      const { hidden: h, batchSize: b } = state.settings;
      if (!ready || state.race.length === 0 || (h === hidden && b === batchSize)) return;
      const problem = raceProblem(state.race, b);
      if (problem) {
        void setUp([]).then(() => notice(`The race has ended: ${problem}.`));
      } else void setUp(state.race).catch(notice);
    },
  };
}
