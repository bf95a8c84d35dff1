/**
 * The Python peers (numpy_peer.py, torch_peer.py) as processes driven line by line: each
 * answers a step with the time it measured inside Python, so the process round trip is not
 * on its clock.
 */

/** A Python peer process, started from its script beside this module. */
export class PythonPeer {
  #process: Deno.ChildProcess;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #lines: AsyncIterator<string>;
  #buffer = "";
  constructor(readonly script: string) {
    this.#process = new Deno.Command("/usr/bin/python3", {
      args: [new URL(script, import.meta.url).pathname],
      // OpenBLAS threads spin for a while after each call; alternating contenders would pay
      // for the previous one's spinning. 2^4 cycles makes them sleep at once.
      env: { OPENBLAS_THREAD_TIMEOUT: "4" },
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    this.#writer = this.#process.stdin.getWriter();
    this.#lines = this.#read();
  }
  async *#read(): AsyncGenerator<string> {
    const decoder = new TextDecoder();
    for await (const chunk of this.#process.stdout) {
      this.#buffer += decoder.decode(chunk, { stream: true });
      let nl;
      while ((nl = this.#buffer.indexOf("\n")) >= 0) {
        yield this.#buffer.slice(0, nl);
        this.#buffer = this.#buffer.slice(nl + 1);
      }
    }
  }
  /** Sends one command line; its answer line. */
  async ask(command: string): Promise<string> {
    await this.#writer.write(new TextEncoder().encode(command + "\n"));
    const { value, done } = await this.#lines.next();
    if (done) throw new Error(`the peer ${this.script} exited`);
    return value;
  }
  /**
   * Returns the peer's "ready …" line (the torch peer names its version and threads there);
   * `more` are further arguments (the numpy peer's bank: K and the networks' file).
   */
  setup(m: number, hidden: number, ...more: (string | number)[]): Promise<string> {
    return this.ask(["setup", m, hidden, ...more].join(" "));
  }
  /** One step ("iterate", or another of the peer's commands); its time in ms as measured inside Python. */
  async iterate(command = "iterate"): Promise<number> {
    return (await this.step(command)).ms;
  }
  /** One step; its time in ms as measured inside Python, and the loss (or losses) it answered. */
  async step(command: string): Promise<{ ms: number; losses: number[] }> {
    const answer = await this.ask(command);
    const [ms, ...losses] = answer.split(" ").map(Number);
    if (!Number.isFinite(ms) || losses.length === 0) {
      throw new Error(`the peer ${this.script} answered ${answer}`);
    }
    return { ms, losses };
  }
  async close(): Promise<void> {
    await this.#writer.write(new TextEncoder().encode("quit\n"));
    await this.#writer.close();
    await this.#process.status;
  }
}

/** Whether /usr/bin/python3 can import `module`. */
export async function importable(module: string): Promise<boolean> {
  try {
    const { success } = await new Deno.Command("/usr/bin/python3", {
      args: ["-c", `import ${module}`],
      stdout: "null",
      stderr: "null",
    }).output();
    return success;
  } catch {
    return false;
  }
}

/** Which peers this machine can run (checked once). */
export interface Peers {
  numpy: boolean;
  torch: boolean;
}

export async function availablePeers(): Promise<Peers> {
  const numpy = await importable("numpy");
  return { numpy, torch: numpy && await importable("torch") };
}

export const PEER_HINTS = {
  numpy:
    "numpy peer skipped: /usr/bin/python3 with numpy is not available (apt-get install python3-numpy)",
  torch:
    "torch peer skipped: /usr/bin/python3 cannot import torch (apt-get install --no-install-recommends python3-torch)",
};
