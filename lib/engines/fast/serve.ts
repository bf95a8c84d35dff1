/**
 * The fast engine's second thread, as functions: in training it owns shard 1 of every batch
 * (of one network, or of a bank); in prediction, the second of two windows of images. Woken
 * through the control block (control.ts), it runs its part of the work, then says Done.
 * After an idle time without work it closes itself, so a forgotten engine cannot keep the
 * process alive; helper.ts, its main-thread side, starts a new worker when needed again.
 * worker.ts is the entry that runs these in a worker; importing this module does nothing.
 */
import { instantiate, type Kernels } from "./kernels.ts";
import type { Layout } from "./layout.ts";
import { bankDescendPixels, type BankLayout, runBankShard } from "./bank_layout.ts";
import { ControlBlock, Phase, State } from "./control.ts";
import { descendPixels, predictRange, runShard } from "./adapters.ts";

/** What a worker is told when it starts. */
export type WorkerInit =
  & {
    memory: WebAssembly.Memory;
    idleMs: number;
    /** The control block's generation this worker answers to. */
    generation: number;
  }
  & (
    /** Shard 1 of each batch of one network, or the predictions of images from..to. */
    | { task: "train" | "predict"; layout: Layout }
    /** Shard 1 of each batch of a bank of networks (bank.ts). */
    | { task: "bank"; layout: BankLayout }
  );

/** The worker's part of the work the control block describes. */
function runWorkerPart(kernels: Kernels, init: WorkerInit, control: ControlBlock): void {
  const { phase, from, to, batchFrom, mid, scale } = control.read();
  if (init.task === "predict") predictRange(kernels, init.layout, from, to, 1);
  else if (init.task === "bank") {
    if (phase === Phase.ShardPass) runBankShard(kernels, init.layout, 1, from, to, batchFrom);
    else bankDescendPixels(kernels, init.layout, 1, batchFrom, mid, to);
  } else if (phase === Phase.ShardPass) runShard(kernels, init.layout, 1, from, to, batchFrom);
  else descendPixels(kernels, init.layout, 1, batchFrom, mid, to, scale);
}

/** The loop itself: returns when stopped or idle for idleMs. */
export function serve(
  run: () => void,
  control: ControlBlock,
  idleMs: number,
  generation: number,
): void {
  for (;;) {
    const state = control.state;
    // Read after the state: work handed to a newer worker was preceded by a new generation.
    if (control.generation !== generation) return;
    if (state === State.Work) {
      try {
        run();
        control.state = State.Done;
      } catch {
        control.state = State.Failed;
      }
      control.notify();
      continue;
    }
    if (state === State.Stop || state === State.Failed) return;
    if (control.wait(state, idleMs) === "timed-out") {
      if (control.exchange(state, State.Closed) === state) return;
    }
  }
}

/** A worker's life: load the kernels, say ready, serve until stopped or idle. */
export async function runWorker(
  init: WorkerInit,
  ready: () => void,
): Promise<void> {
  const kernels = await instantiate(init.memory);
  const control = new ControlBlock(init.memory.buffer, init.layout.control);
  if (control.generation === init.generation) control.exchange(State.Starting, State.Idle);
  ready();
  serve(() => runWorkerPart(kernels, init, control), control, init.idleMs, init.generation);
}
