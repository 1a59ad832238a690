import type { AgentStatus } from '../types.js';
import { compileJsonSchema } from '../util/json-schema.js';
import { formatUsd } from '../util/format.js';
import { apiErrorStatus, type ResultEvent } from './events.js';

/** How one run of the CLI ended. */
export interface AttemptEnd {
  exitCode: number | null;
  signal: string | null;
  result?: ResultEvent;
  timedOut: boolean;
  /** The CLI printed its result but did not exit, so the action stopped it. */
  stoppedAfterResult: boolean;
  timeoutMinutes: number;
  /** The model answered at least once: a crash after this is not "before its first turn". */
  sawAssistant: boolean;
  /** The last bytes of stderr, for the error message and a retry-after hint. */
  stderrTail: string;
  /** The JSON Schema the agent's structured output must match, when it was given one. */
  jsonSchema?: string;
  /** The CLI's last refusal of a structured output that did not match the schema. */
  structuredRejection?: string;
  /** The agent's `--max-budget-usd`, named when the CLI stops at it. */
  maxBudgetUsd?: number;
  /** Set when the CLI was stopped for printing no event for this many minutes (`idle-timeout-minutes`). */
  idleMinutes?: number;
}

export interface Verdict {
  status: AgentStatus;
  error: string | null;
  /** Worth starting again: an overloaded or failing API, or a death before any work was done. */
  transient: boolean;
  retryAfterMs?: number;
}

const firstLine = (text: string) => text.trim().split('\n')[0]?.slice(0, 300) ?? '';

export function isTransientStatus(status: number | null | undefined): boolean {
  return status === 429 || status === 529 || (typeof status === 'number' && status >= 500 && status < 600);
}

/**
 * The connection itself failed: newer CLIs say `api_error: "connection_failed"`, older ones (2.1.100) only
 * write `API Error: Unable to connect to API (...)` or `API Error: Connection error.` into the result.
 */
function connectionFailed(r: ResultEvent): boolean {
  if (r.api_error === 'connection_failed') return true;
  return r.is_error === true && /^API Error: (Unable to connect|Connection error)/.test(r.result ?? '');
}

/** Reads a retry-after hint (seconds) from the CLI's words, where it gives one. */
export function retryAfterMs(text: string): number | undefined {
  const m = /retry[- ]after[^0-9]{0,5}(\d+(?:\.\d+)?)/i.exec(text);
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}

/**
 * The one place that decides "cancelled": an agent that had not succeeded when the run was cancelled is
 * cancelled, whatever its last attempt said; `last` is undefined for an agent that never started.
 */
export function finalVerdict(last: Verdict | undefined, cancelled: boolean): Verdict {
  if (last?.status === 'success' || !cancelled) {
    return last ?? { status: 'failure', error: 'never started', transient: false };
  }
  const error = last ? 'cancelled with the run' : 'cancelled before it started';
  return { status: 'cancelled', error, transient: false };
}

/** How one run of the CLI ended, cancellation aside (see `finalVerdict`). */
export function classify(end: AttemptEnd): Verdict {
  const r = end.result;
  const exitedCleanly = end.exitCode === 0 || end.stoppedAfterResult;
  if (exitedCleanly && r && r.subtype === 'success' && r.is_error === false) {
    const problem = end.jsonSchema
      ? structuredProblem(end.jsonSchema, r.structured_output, end.structuredRejection)
      : undefined;
    if (problem) return { status: 'failure', error: problem, transient: false };
    return { status: 'success', error: null, transient: false };
  }
  if (end.idleMinutes !== undefined) {
    return { status: 'timeout', error: `no output for ${end.idleMinutes} minutes`, transient: false };
  }
  if (end.timedOut) {
    return { status: 'timeout', error: `no result within ${end.timeoutMinutes} minutes`, transient: false };
  }
  const hint = retryAfterMs(`${r?.result ?? ''}\n${end.stderrTail}`);
  const withHint = (v: Verdict): Verdict => (hint === undefined ? v : { ...v, retryAfterMs: hint });
  if (r) {
    const status = apiErrorStatus(r);
    if (isTransientStatus(status) || connectionFailed(r)) {
      return withHint({
        status: 'failure',
        error: firstLine(r.result ?? `API error ${status}`),
        transient: true,
      });
    }
    if (r.subtype === 'error_max_budget_usd') {
      const budget = end.maxBudgetUsd === undefined ? 'budget' : `budget of ${formatUsd(end.maxBudgetUsd)}`;
      const spent = r.total_cost_usd === undefined ? '' : ` (${formatUsd(r.total_cost_usd)} spent)`;
      return { status: 'failure', error: `${budget} reached${spent}`, transient: false };
    }
    const detail = firstLine(r.result ?? r.errors?.join('; ') ?? '');
    const kind = r.subtype && r.subtype !== 'success' ? r.subtype : 'error';
    return { status: 'failure', error: detail ? `${kind}: ${detail}` : kind, transient: false };
  }
  if (end.signal) {
    return withHint({
      status: 'failure',
      error: `killed by ${end.signal} without a result`,
      transient: !end.sawAssistant,
    });
  }
  const said = firstLine(end.stderrTail);
  return {
    status: 'failure',
    error: `exited ${end.exitCode} without a result${said ? `: ${said}` : ''}`,
    transient: false,
  };
}

/**
 * Why an answer given a JSON Schema does not count: no structured output, or one that does not match. The CLI
 * reports structured output only once it matched; the check is repeated here so that an agent whose output does
 * not match fails whatever CLI version ran (its output is still kept in structured.json, to see what it gave).
 */
function structuredProblem(schema: string, output: unknown, rejection: string | undefined): string | undefined {
  if (output === undefined) {
    return rejection
      ? `no structured output: the model's last try did not match the json-schema (${firstLine(rejection)})`
      : 'no structured output: the model never called the StructuredOutput tool that the json-schema asks for';
  }
  const mismatch = compileJsonSchema(JSON.parse(schema)).check(output);
  return mismatch ? `structured output does not match the json-schema: ${firstLine(mismatch)}` : undefined;
}
