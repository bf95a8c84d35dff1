/**
 * `node:assert` and `node:assert/strict` for cells in the page: the npm package `assert`
 * (Node's assert module, for browsers).
 */
import "./process.ts";
import assertModule from "assert";

export const assert = Object.assign(assertModule, { default: assertModule });
export const strict = Object.assign(assertModule.strict, { default: assertModule.strict });
