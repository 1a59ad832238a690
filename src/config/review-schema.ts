import type { AgentSpec, ReviewMode, Severity } from '../types.js';
import { InputError } from '../util/errors.js';
import { REVIEW_MODES } from './action-interface.js';
import { oneOf } from './values.js';

/** Worst first: a finding's rank is its index here. */
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/**
 * What a reviewer (`review: comments`) answers, through the CLI's `--json-schema`: a summary, kept as its answer,
 * and its findings. Documented in docs/publishing.md ("Line comments"); the docs test holds the two together.
 */
export const FINDINGS_SCHEMA = {
  type: 'object',
  required: ['summary', 'findings'],
  additionalProperties: false,
  properties: {
    summary: { type: 'string', description: 'What the review found, in a few sentences of Markdown.' },
    findings: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'line', 'severity', 'title', 'body'],
        additionalProperties: false,
        properties: {
          path: { type: 'string', minLength: 1, description: 'The file, relative to the repository root.' },
          line: { type: 'integer', minimum: 1, description: 'The line of the file (its new version) concerned.' },
          'start-line': { type: 'integer', minimum: 1, description: 'The first line, when several lines are.' },
          severity: { enum: [...SEVERITIES] },
          title: { type: 'string', minLength: 1, description: 'One line.' },
          body: { type: 'string', description: 'Why it matters and what to do, in Markdown.' },
          suggestion: {
            type: 'string',
            description: 'The lines that replace start-line..line (or line), exactly as they should read.',
          },
        },
      },
    },
  },
} as const;

export const FINDINGS_SCHEMA_TEXT = JSON.stringify(FINDINGS_SCHEMA);

/** The `review` input: `comments`, or undefined for `off` (an agent that is no reviewer has no `review`). */
export function reviewInput(value: string, what: string): 'comments' | undefined {
  return oneOf<ReviewMode>(value, REVIEW_MODES, what) === 'comments' ? 'comments' : undefined;
}

/**
 * The defaults with the `review` input applied: with `comments`, every agent answers with findings (a plain prompt
 * string takes the defaults as they are, the findings schema with them), and input 'json-schema' may not be set.
 */
export function withReviewDefault<T extends Pick<AgentSpec, 'review' | 'jsonSchema'>>(defaults: T): T {
  if (defaults.review !== 'comments') return defaults;
  if (defaults.jsonSchema && defaults.jsonSchema !== FINDINGS_SCHEMA_TEXT) {
    throw new InputError(
      `Input 'review' is comments, which asks agents for findings through their JSON Schema, and input 'json-schema' is set too; give one of them (the findings schema is in docs/publishing.md)`,
    );
  }
  return { ...defaults, jsonSchema: FINDINGS_SCHEMA_TEXT };
}

/**
 * An item's `review` applied to its spec, which holds the defaults and the item's own `json-schema`: a reviewer
 * gets the findings schema, and a schema of its own (or one it would inherit) is an input error naming the fix.
 */
export function applyReview(spec: AgentSpec, item: Record<string, unknown>, here: string): void {
  const own =
    item.review === undefined ? undefined : oneOf<ReviewMode>(String(item.review), REVIEW_MODES, `${here}: 'review'`);
  const mode = own ?? spec.review ?? 'off';
  const inherited = spec.jsonSchema === FINDINGS_SCHEMA_TEXT;
  if (mode === 'off') {
    if (inherited) delete spec.jsonSchema;
    delete spec.review;
    return;
  }
  if (spec.jsonSchema && !inherited) {
    // Both from the inputs: said once, for the inputs (see withReviewDefault).
    if (!own && item['json-schema'] === undefined) return;
    const from = item['json-schema'] !== undefined ? "its 'json-schema'" : "input 'json-schema'";
    const review = own ? "its 'review: comments'" : "input 'review: comments'";
    throw new InputError(
      `${here}: ${review} and ${from} do not mix (a reviewer answers with the findings schema); leave one out${own ? '' : ', or give the item review: off'}`,
    );
  }
  spec.review = 'comments';
  spec.jsonSchema = FINDINGS_SCHEMA_TEXT;
}
