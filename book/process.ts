/**
 * The little of Node's `process` that the npm package `assert` (and its `util`) read: an empty
 * environment and no terminal. Imported before them, in the kernel worker only.
 */
const scope = globalThis as { process?: unknown };
scope.process ??= { env: {} };
