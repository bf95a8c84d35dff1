/**
 * Errors caused by the user's input (a file, a flag): the command-line tasks print
 * their message as one line, without a stack trace, and exit with status 1.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(printable(message));
    this.name = "InputError";
  }
}

/**
 * A message as one printable line: control characters (NUL, escape, newlines…) that a file's
 * bytes may have brought in are written as \xNN, and a very long message is cut.
 */
export function printable(message: string, max = 400): string {
  const escaped = message.replace(
    // deno-lint-ignore no-control-regex
    /[\x00-\x1f\x7f-\x9f\ufffd]/g,
    (c) => c === "\ufffd" ? "\\ufffd" : `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
  return escaped.length > max ? `${escaped.slice(0, max - 1)}…` : escaped;
}
