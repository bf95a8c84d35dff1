/**
 * Errors caused by the user's input (a file, a flag): the command-line tasks print
 * their message as one line, without a stack trace, and exit with status 1.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}
