import { randomBytes } from 'node:crypto';
import * as core from '@actions/core';

// The runner reads the step's output line by line and obeys workflow commands in it: a line that starts with
// `::` once leading whitespace is trimmed (`::warning::`, `::add-mask::`, `::set-output name=…::`), and, in the
// older syntax, `##[command]` anywhere in a line. It splits lines at `\r` as well as `\n`. So text an agent
// wrote, echoed as it is, could forge annotations, mask the log, or set outputs. The runner's own answer is
// `::stop-commands::TOKEN`: nothing is obeyed until a line `::TOKEN::`, and a token nobody can guess before
// the text is written cannot be closed from inside it.
//
// Annotations are different: `core.warning(text)` and `core.setFailed(text)` write one `::warning::`/`::error::`
// line with `%`, `\r` and `\n` escaped, so however the text reads, it is that command's message and nothing
// else; the runner shows it as the message, as it is. What it must not carry is a secret (redact first).

/** `text` fenced off so the runner obeys no workflow command in it; a fresh token for every fence. */
export function untrusted(text: string): string {
  const token = randomBytes(16).toString('hex');
  return `::stop-commands::${token}\n${text}\n::${token}::`;
}

/**
 * Writes text that an agent wrote or could shape (answers, stderr, error reasons, file names) to the log,
 * fenced by `untrusted`. Pass whole lines: a fence only works from the start of a line.
 */
export function logUntrusted(text: string): void {
  core.info(untrusted(text));
}
