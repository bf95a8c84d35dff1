/**
 * A notebook cell → a module the kernel can run, with Jupyter's semantics. The cell's
 * TypeScript is stripped of its types by sucrase (which keeps every line where it was), then
 * parsed by acorn and edited in place, as Node's REPL does for top-level await
 * (lib/internal/repl/await.js): top-level declarations become assignments to globals, so that
 * later cells see them and the cell can run again; imports become awaited look-ups in the
 * kernel's bundled modules; and the value of the statement that ran last (a script's
 * completion value, which is what Deno's kernel displays) is kept in a variable the module
 * exports. No edit adds or removes a line, so an error's line is the learner's line.
 */
import { parse } from "acorn";
import type * as ESTree from "acorn";
import { transform } from "sucrase";

/** What the kernel needs to run a cell. */
export interface CellModule {
  /** JavaScript module text; it exports `VALUE` (the completion value). */
  code: string;
  /** The names the cell declares at its top level (they live on globalThis). */
  declared: string[];
}

/** The binding the module exports for the completion value. */
export const VALUE = "__cellValue";
/** The module-level names the kernel provides (from globalThis[Symbol.for(...)]). */
export const IMPORT = "__cellImport";
export const CELL_DENO = "book.Deno";
export const CELL_IMPORT = "book.import";
export const CELL_MATH = "book.math";
const MATH = "__cellMath";

/** A syntax error in a cell, with its 1-based line and column. */
export class CellSyntaxError extends SyntaxError {
  constructor(message: string, readonly line: number, readonly column: number) {
    super(message);
    this.name = "SyntaxError";
  }
}

interface Edit {
  at: number;
  end: number;
  text: string;
  order: number;
}

/** Text edits applied in one pass; inserts at one position keep their order. */
class Edits {
  #edits: Edit[] = [];
  insert(at: number, text: string) {
    this.#edits.push({ at, end: at, text, order: this.#edits.length });
  }
  replace(at: number, end: number, text: string) {
    this.#edits.push({ at, end, text, order: this.#edits.length });
  }
  apply(source: string): string {
    const sorted = [...this.#edits].sort((a, b) => a.at - b.at || a.order - b.order);
    let out = "", from = 0;
    for (const e of sorted) {
      out += source.slice(from, e.at) + e.text;
      from = Math.max(from, e.end);
    }
    return out + source.slice(from);
  }
}

/** The identifiers a declaration pattern binds. */
function boundNames(pattern: ESTree.Pattern, into: string[]): void {
  switch (pattern.type) {
    case "Identifier":
      into.push(pattern.name);
      return;
    case "ObjectPattern":
      for (const p of pattern.properties) {
        boundNames(p.type === "RestElement" ? p.argument : p.value, into);
      }
      return;
    case "ArrayPattern":
      for (const e of pattern.elements) if (e) boundNames(e, into);
      return;
    case "RestElement":
      boundNames(pattern.argument, into);
      return;
    case "AssignmentPattern":
      boundNames(pattern.left, into);
      return;
  }
}

/** The same number of line breaks as `text`, so that a replacement keeps the lines below. */
const sameLines = (text: string) => "\n".repeat(text.split("\n").length - 1);

/**
 * Statements whose value can become the cell's completion value: expression statements record
 * theirs, and statements whose value is at least undefined (if, loops, try, switch) reset it
 * first, as the language's completion rules do. Functions are not entered.
 */
function recordCompletion(statement: ESTree.Statement, edits: Edits, reset = true): void {
  // in braces: the statement may be the body of a loop or an if without braces of its own
  const before = () => {
    if (!reset) return;
    edits.insert(statement.start, `{ ${VALUE} = undefined; `);
    edits.insert(statement.end, ` }`);
  };
  switch (statement.type) {
    case "ExpressionStatement":
      if ("directive" in statement && statement.directive) return;
      edits.insert(statement.expression.start, `${VALUE} = (`);
      edits.insert(statement.expression.end, `)`);
      return;
    case "BlockStatement":
      for (const s of statement.body) recordCompletion(s, edits);
      return;
    case "IfStatement":
      before();
      recordCompletion(statement.consequent, edits);
      if (statement.alternate) recordCompletion(statement.alternate, edits);
      return;
    case "ForStatement":
    case "ForInStatement":
    case "ForOfStatement":
    case "WhileStatement":
    case "DoWhileStatement":
      before();
      recordCompletion(statement.body, edits);
      return;
    case "LabeledStatement":
      before();
      recordCompletion(statement.body, edits, false);
      return;
    case "TryStatement":
      before();
      recordCompletion(statement.block, edits);
      if (statement.handler) recordCompletion(statement.handler.body, edits);
      return;
    case "SwitchStatement":
      before();
      for (const c of statement.cases) for (const s of c.consequent) recordCompletion(s, edits);
      return;
  }
}

/** The import declaration as an awaited assignment from the kernel's modules. */
function importAssignment(node: ESTree.ImportDeclaration): string {
  const from = `await ${IMPORT}(${JSON.stringify(node.source.value)})`;
  if (node.specifiers.length === 0) return `${from};`;
  const namespace = node.specifiers.find((s) => s.type === "ImportNamespaceSpecifier");
  const parts: string[] = [];
  for (const s of node.specifiers) {
    if (s.type === "ImportDefaultSpecifier") parts.push(`default: ${s.local.name}`);
    if (s.type === "ImportSpecifier") {
      const imported = s.imported.type === "Identifier"
        ? s.imported.name
        : JSON.stringify(s.imported.value);
      parts.push(imported === s.local.name ? imported : `${imported}: ${s.local.name}`);
    }
  }
  if (namespace) {
    const ns = namespace.local.name;
    return parts.length
      ? `${ns} = ${from}; ({ ${parts.join(", ")} } = ${ns});`
      : `${ns} = ${from};`;
  }
  return `({ ${parts.join(", ")} } = ${from});`;
}

/** Strips the cell's types (lines kept). */
export function stripTypes(source: string): string {
  return transform(source, {
    transforms: ["typescript"],
    disableESTransforms: true,
    keepUnusedImports: true,
  }).code;
}

/** Parses JavaScript as a module with top-level await; errors carry the cell's line. */
function parseCell(code: string): ESTree.Program {
  try {
    return parse(code, { ecmaVersion: "latest", sourceType: "module", locations: true });
  } catch (e) {
    const loc = (e as { loc?: { line: number; column: number } }).loc;
    const message = (e as Error).message.replace(/ \(\d+:\d+\)$/, "");
    throw new CellSyntaxError(message, loc?.line ?? 1, (loc?.column ?? 0) + 1);
  }
}

/** Turns a cell's source into a module the kernel runs (see the module comment). */
export function transformCell(source: string): CellModule {
  let code: string;
  try {
    code = stripTypes(source);
  } catch (e) {
    const message = (e as Error).message;
    const at = message.match(/\((\d+):(\d+)\)/);
    throw new CellSyntaxError(
      message.replace(/ \(\d+:\d+\)$/, ""),
      at ? Number(at[1]) : 1,
      at ? Number(at[2]) + 1 : 1,
    );
  }
  const program = parseCell(code);
  const edits = new Edits();
  const declared: string[] = [];
  const functions: string[] = [];
  for (const node of program.body) {
    switch (node.type) {
      case "ImportDeclaration": {
        const text = code.slice(node.start, node.end);
        for (const s of node.specifiers) declared.push(s.local.name);
        edits.replace(node.start, node.end, importAssignment(node) + sameLines(text));
        break;
      }
      case "VariableDeclaration": {
        edits.replace(node.start, node.start + node.kind.length, "void (");
        node.declarations.forEach((d, i) => {
          boundNames(d.id, declared);
          edits.insert(d.start, "(");
          edits.insert(d.end, d.init ? ")" : " = undefined)");
          if (i === node.declarations.length - 1) edits.insert(d.end, ")");
        });
        break;
      }
      case "FunctionDeclaration":
        declared.push(node.id.name);
        functions.push(node.id.name);
        break;
      case "ClassDeclaration":
        declared.push(node.id.name);
        edits.insert(node.start, `${node.id.name} = `);
        edits.insert(node.end, ";");
        break;
      case "ExportNamedDeclaration":
      case "ExportDefaultDeclaration":
      case "ExportAllDeclaration":
        throw new CellSyntaxError(
          "a notebook cell cannot export",
          node.loc!.start.line,
          node.loc!.start.column + 1,
        );
      default:
        recordCompletion(node as ESTree.Statement, edits);
    }
  }
  // dynamic import() goes through the kernel's modules too
  walk(program, edits);
  const provided = (name: string, key: string) =>
    `${name} = globalThis[Symbol.for(${JSON.stringify(key)})]`;
  const prologue =
    `const ${provided("Deno", CELL_DENO)}, ${provided(IMPORT, CELL_IMPORT)}, ${
      provided(MATH, CELL_MATH)
    }; let ${VALUE}; ` +
    functions.map((f) => `globalThis.${f} = ${f}; `).join("");
  return {
    code: prologue + edits.apply(code) + `\nexport { ${VALUE} };\n`,
    declared: [...new Set(declared)],
  };
}

/** `Math.min(...xs)` or `Math.max(...xs)`: spread arguments go on the stack. */
function isSpreadMinMax(node: ESTree.Node): boolean {
  if (node.type !== "CallExpression") return false;
  const call = node as ESTree.CallExpression;
  if (call.callee.type !== "MemberExpression") return false;
  const { object, property, computed } = call.callee;
  return object.type === "Identifier" && object.name === "Math" && !computed &&
    property.type === "Identifier" && (property.name === "min" || property.name === "max") &&
    call.arguments.some((a) => a.type === "SpreadElement");
}

/**
 * Rewrites `import(x)` into the kernel's import, and `Math.min(...xs)` / `Math.max(...xs)`
 * into the kernel's loops over an array (same results): a page's worker has a smaller stack
 * than Deno, and a spread of 100,000 numbers overflows it.
 */
function walk(node: unknown, edits: Edits): void {
  if (!node || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const n of node) walk(n, edits);
    return;
  }
  const n = node as ESTree.Node;
  if (n.type === "ImportExpression") edits.replace(n.start, n.start + "import".length, IMPORT);
  if (isSpreadMinMax(n)) {
    const call = n as ESTree.CallExpression;
    const callee = call.callee as ESTree.MemberExpression;
    edits.replace(callee.object.start, callee.object.end, MATH);
    edits.insert(call.arguments[0].start, "[");
    edits.insert(call.arguments.at(-1)!.end, "]");
  }
  for (const [key, value] of Object.entries(node)) {
    if (key !== "loc" && value && typeof value === "object") walk(value, edits);
  }
}
