/**
 * Errors caused by the user's input (a file, a flag): the command-line tasks print
 * their message as one line, without a stack trace, and exit with status 1.
 *
 * An InputError about something names it as its `subject` (a file's path, or a value) and
 * says what is wrong as its `problem`; the message is `subject: problem`. The tasks put the
 * flag that named the subject in front of it (lib/ knows no flags).
 */
export class InputError extends Error {
  /** The file or value the error is about, as the caller named it (undefined: none). */
  readonly subject?: string;
  /** What is wrong with it. */
  readonly problem: string;

  /** `new InputError(subject, problem)`, or `new InputError(message)` about no one thing. */
  constructor(subjectOrMessage: string, problem?: string) {
    const subject = problem === undefined ? undefined : subjectOrMessage;
    const what = problem ?? subjectOrMessage;
    super(printable(subject === undefined ? what : `${shortened(subject)}: ${what}`));
    this.name = "InputError";
    this.subject = subject;
    this.problem = printable(what);
  }
}

/**
 * A message as one printable line: control characters (NUL, escape, newlines…) that a file's
 * bytes may have brought in are written as \xNN, and a very long message is cut.
 */
export function printable(message: string, max = 1000): string {
  const escaped = message.replace(
    // deno-lint-ignore no-control-regex
    /[\x00-\x1f\x7f-\x9f\ufffd]/g,
    (c) => c === "\ufffd" ? "\\ufffd" : `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
  return escaped.length > max ? `${escaped.slice(0, max - 1)}…` : escaped;
}

/**
 * A long name shortened in its middle (`/very/lo…/file.json`), so that a message that holds
 * it keeps its end, where the file's own name and the reason are.
 */
export function shortened(name: string, max = 160): string {
  if (name.length <= max) return name;
  const tail = Math.floor(max * 2 / 3);
  return `${name.slice(0, max - tail - 1)}…${name.slice(-tail)}`;
}
