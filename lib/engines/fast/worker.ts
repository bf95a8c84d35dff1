/**
 * The entry of the fast engine's worker (helper.ts starts it from this file's URL): it
 * takes its WorkerInit message, serves (serve.ts), and closes. Nothing else imports it.
 */
import { runWorker, type WorkerInit } from "./serve.ts";

// deno-lint-ignore no-explicit-any
const scope = globalThis as any;
scope.onmessage = async (event: MessageEvent<WorkerInit>) => {
  await runWorker(event.data, () => scope.postMessage("ready"));
  scope.close();
};
