/** Bad input: the message names the input and what it should be; nothing has started yet. */
export class InputError extends Error {
  override name = 'InputError';
}

/** Several input problems at once, one to a line of the message. */
export class InputErrors extends InputError {
  constructor(readonly problems: readonly string[]) {
    super(`${problems.length} problems:\n${problems.map((m) => `- ${m}`).join('\n')}`);
  }
}

/**
 * Gathers input problems so that one error reports all of them, rather than one per run of the workflow.
 * `check` runs a validation and keeps its InputError; any other error is a bug and goes straight up.
 */
export class Problems {
  readonly messages: string[] = [];

  add(message: string): void {
    this.messages.push(message);
  }

  /** The value `validate` returns, or undefined when it threw an InputError (kept for `throwIfAny`). */
  check<T>(validate: () => T): T | undefined {
    try {
      return validate();
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      if (err instanceof InputErrors) this.messages.push(...err.problems);
      else this.messages.push(err.message);
      return undefined;
    }
  }

  /** Throws one InputError holding every problem, one to a line, if there were any. */
  throwIfAny(): void {
    if (this.messages.length === 1) throw new InputError(this.messages[0]);
    if (this.messages.length > 1) throw new InputErrors(this.messages);
  }
}

/** An error's message, or the thrown value as text when it is not an Error. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
