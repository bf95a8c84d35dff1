/**
 * The page's side of the training worker (trainer.ts): requests out, replies in. A request
 * with an id is answered by an update (or an error); `ask` resolves once that update has been
 * applied to the page.
 */
import type { Reply, Request } from "./protocol.ts";

type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;
export type Question = WithoutId<Extract<Request, { id: number }>>;
export type Update = Extract<Reply, { type: "update" }>;
export type RaceUpdate = Extract<Reply, { type: "race" }>;

export interface Handlers {
  progress(loaded: number, total: number): void;
  /** The test digits and the training set's size, once loaded. */
  ready(reply: Extract<Reply, { type: "ready" }>): void;
  /**
   * Applies an update; the request it answers resolves after, or rejects with the error
   * returned (training diverged).
   */
  update(reply: Update): Error | undefined;
  /** Applies an update of the race (race.ts). */
  race(reply: RaceUpdate): void;
  /** An error the worker reports; `answered` when it is a request's answer. */
  error(message: string, answered: boolean): void;
}

export interface Connection {
  send(request: Request): void;
  ask(request: Question): Promise<void>;
}

export function connect(worker: Worker, on: Handlers): Connection {
  let nextId = 1;
  const waiting = new Map<number, { resolve: () => void; reject: (e: unknown) => void }>();
  const send = (request: Request) => worker.postMessage(request);

  worker.onmessage = (event: MessageEvent<Reply>) => {
    const reply = event.data;
    switch (reply.type) {
      case "progress":
        return on.progress(reply.loaded, reply.total);
      case "ready":
        return on.ready(reply);
      case "update":
      case "race": {
        let error: Error | undefined, thrown: unknown;
        try {
          error = reply.type === "update" ? on.update(reply) : (on.race(reply), undefined);
        } catch (e) {
          thrown = e;
        }
        const waiter = reply.id === undefined ? undefined : waiting.get(reply.id);
        waiting.delete(reply.id!);
        if (thrown !== undefined) waiter?.reject(thrown);
        else if (error) waiter?.reject(error);
        else waiter?.resolve();
        // a failure of the page itself still reaches the console
        if (thrown !== undefined) throw thrown;
        return;
      }
      case "error": {
        const waiter = reply.id === undefined ? undefined : waiting.get(reply.id);
        on.error(reply.message, waiter !== undefined);
        if (waiter) {
          waiting.delete(reply.id!);
          waiter.reject(new Error(reply.message));
        }
        return;
      }
    }
  };
  worker.onerror = (event) => {
    on.error(`the training worker failed: ${event.message || "it could not start"}`, false);
  };

  return {
    send,
    ask(request: Question): Promise<void> {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        send({ ...request, id } as Request);
      });
    },
  };
}
