/**
 * The training worker's side of the race (race.ts): up to four runs, each with its own
 * learning rate, seed and start, trained as one bank of the fast engine (lib/engines/fast/bank.ts:
 * one pass over the digits per step for all of them, each run's numbers bit for bit those of
 * training it alone, so those of `deno task train` with its setting). A run whose loss blows up
 * leaves the bank; the others go on.
 */
import type { Dataset } from "../lib/data/dataset.ts";
import { fastBank, type NetworkBank } from "../lib/engines/fast/bank.ts";
import { initHe, initNetwork } from "../lib/maths/init.ts";
import { createRng } from "../lib/maths/random.ts";
import { DIVERGENCE_LOSS, type TrainingRecord } from "../lib/training/train.ts";
import type { RaceRunStatus, Reply, Request } from "./protocol.ts";
import type { RaceRun } from "./settings.ts";

/** What the race takes from the worker it runs in (trainer.ts). */
export interface RaceWorld {
  /** MNIST's 60,000 training digits (the race does not mix in the learner's own). */
  data(): Dataset;
  threads(): 1 | 2;
  post(reply: Reply): void;
  /** Runs a task after the worker's queued requests, one at a time. */
  exclusive(task: () => Promise<void>): void;
  /** Lets the worker's messages in. */
  nextTurn(): Promise<void>;
}

export type RaceRequest = Extract<Request, { type: "race" | "race-pause" | "race-step" }>;

export interface WorkerRace {
  /** A race request, in its turn; `seen`: the interruptions counted when it arrived. */
  handle(request: RaceRequest, seen: number): Promise<void>;
  /** race-play, at once (it queues its iterations). */
  play(): void;
  /** Counts a pause or a new race when it arrives: a race-step stops after the iteration. */
  interrupt(): void;
  interruptions(): number;
}

/** A run's initial weights: the seed's uniform ones (`deno task train`'s) or He's. */
export function raceStart(run: RaceRun, hidden: number) {
  return (run.start === "he" ? initHe : initNetwork)(createRng(run.seed), hidden);
}

export function createWorkerRace(world: RaceWorld): WorkerRace {
  let bank: NetworkBank | undefined;
  let runs: RaceRun[] = [];
  let iteration = 0;
  let statuses: RaceRunStatus[] = [];
  let records: TrainingRecord[][] = [];
  let running = false;
  let loops = 0;
  let interruptions = 0;

  const racing = () => bank !== undefined && runs.some((_, k) => bank!.active(k));

  function send(extra: { restarted?: boolean; id?: number } = {}): void {
    world.post({
      type: "race",
      iteration,
      running,
      runs: statuses.map((s) => ({ ...s })),
      records,
      ...extra,
    });
    records = runs.map(() => []);
  }

  async function start(request: Extract<Request, { type: "race" }>): Promise<void> {
    running = false;
    loops++;
    bank?.dispose();
    bank = undefined;
    runs = request.runs;
    iteration = 0;
    statuses = [];
    records = [];
    if (runs.length === 0) return send({ restarted: true, id: request.id });
    const starts = runs.map((run) => raceStart(run, request.hidden));
    bank = await fastBank(starts, world.data(), {
      batchSize: request.batchSize || undefined,
      // the one batch order of mini-batches (the page allows them one seed only)
      seed: runs[0].seed,
      threads: world.threads(),
    });
    // η = 0 measures the starts without moving them; reset also rewinds the batch order
    const atStart = await bank.iterate(runs.map(() => 0));
    bank.reset(starts);
    statuses = atStart.map((m) => ({ loss: m!.loss, accuracy: m!.accuracy }));
    records = atStart.map((m) => [{ iteration: 0, loss: m!.loss, accuracy: m!.accuracy }]);
    send({ restarted: true, id: request.id });
  }

  /** One iteration of every run still in the bank; a run that blew up leaves it. */
  async function iterate(): Promise<void> {
    const metrics = await bank!.iterate(runs.map((r) => r.learningRate));
    iteration++;
    metrics.forEach((m, k) => {
      if (m === undefined) return;
      statuses[k] = { loss: m.loss, accuracy: m.accuracy };
      records[k].push({ iteration, loss: m.loss, accuracy: m.accuracy });
      if (!(m.loss <= DIVERGENCE_LOSS)) {
        statuses[k].diverged = { iteration, learningRate: runs[k].learningRate, loss: m.loss };
        bank!.remove(k);
      }
    });
    if (!racing()) running = false;
  }

  async function play(): Promise<void> {
    const loop = ++loops;
    const going = () => running && loop === loops && racing();
    while (going()) {
      await new Promise<void>((resolve) =>
        world.exclusive(async () => {
          try {
            if (!going()) return;
            await iterate();
            send();
          } catch (e) {
            running = false;
            throw e;
          } finally {
            resolve();
          }
        })
      );
      await world.nextTurn();
    }
  }

  return {
    async handle(request, seen) {
      switch (request.type) {
        case "race":
          return start(request);
        case "race-pause":
          running = false;
          return send({ id: request.id });
        case "race-step":
          for (let i = 0; i < request.n && racing() && interruptions === seen; i++) {
            await iterate();
            if (i + 1 < request.n) await world.nextTurn();
          }
          return send({ id: request.id });
      }
    },
    play() {
      if (running || !racing()) return;
      running = true;
      void play();
    },
    interrupt: () => void interruptions++,
    interruptions: () => interruptions,
  };
}
