/**
 * Builds lib/engines/fast/kernels.wasm from its AssemblyScript source lib/engines/fast/kernels.as.
 *
 *   deno task wasm:build          rebuild and write kernels.wasm
 *   deno task wasm:build --check  fail if the committed kernels.wasm differs from a rebuild
 *
 * The memory is imported and shared, so the main thread and the worker run the same
 * kernels on the same parameters; the stub runtime and no `abort` import keep the module
 * self-contained (it allocates nothing: lib/engines/fast/layout.ts places every buffer).
 */
import asc from "assemblyscript/asc";
import { MAXIMUM_PAGES } from "../lib/engines/fast/kernels.ts";

export const KERNELS_SOURCE = new URL("../lib/engines/fast/kernels.as", import.meta.url);
export const KERNELS_WASM = new URL("../lib/engines/fast/kernels.wasm", import.meta.url);

export async function buildKernels(): Promise<Uint8Array> {
  const source = await Deno.readTextFile(KERNELS_SOURCE);
  const result = await asc.compileString({ "kernels.ts": source }, {
    optimizeLevel: 3,
    shrinkLevel: 0,
    noAssert: true,
    runtime: "stub",
    importMemory: true,
    sharedMemory: true,
    initialMemory: 1,
    maximumMemory: MAXIMUM_PAGES,
    enable: ["simd", "threads"],
    use: ["abort="],
  });
  if (result.error || !result.binary) {
    throw new Error(`asc failed to build ${KERNELS_SOURCE.pathname}:\n${result.stderr}`);
  }
  return result.binary;
}

if (import.meta.main) {
  const binary = await buildKernels();
  if (Deno.args.includes("--check")) {
    const committed = await Deno.readFile(KERNELS_WASM);
    const same = committed.length === binary.length && committed.every((b, i) => b === binary[i]);
    if (!same) {
      console.error(`${KERNELS_WASM.pathname} is stale: run \`deno task wasm:build\``);
      Deno.exit(1);
    }
    console.log(`${KERNELS_WASM.pathname} matches its source (${binary.length} bytes)`);
  } else {
    await Deno.writeFile(KERNELS_WASM, binary);
    console.log(`wrote ${KERNELS_WASM.pathname} (${binary.length} bytes)`);
  }
}
