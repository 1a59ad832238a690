import * as core from '@actions/core';
import { errorMessage } from '../util/errors.js';
import { redactText } from '../util/redact.js';

/**
 * The one way a step fails, for both entries: the failure (a `fail-on` verdict, a hand-on that did not land,
 * or any error thrown on the way) as one annotation, scrubbed of every known secret.
 */
export function failStep(failure: unknown, secrets: readonly string[]): void {
  const message = typeof failure === 'string' ? failure : errorMessage(failure);
  core.setFailed(redactText(message, secrets));
}
