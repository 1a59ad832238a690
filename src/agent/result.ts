import type { AgentResult, AgentSpec, TokenUsage } from '../types.js';
import { NOTHING_REPORTED, type AttemptReport } from './attempt.js';
import { finalVerdict, type Verdict } from './classify.js';

/** Results and the summary carry this much of an answer at most; result.md has all of it. */
export const ANSWER_EXCERPT = 2000;

/** What an agent cost: its CLIs' reported cost and tokens. */
export type Spend = Pick<AttemptReport, 'costUsd' | 'usage'>;

export const NOTHING_SPENT: Spend = { costUsd: null, usage: null };

/** Two spends added up; what was not reported (null) adds nothing, and nothing reported stays null. */
export function addSpend(a: Spend, b: Spend): Spend {
  const add = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : x + y);
  const tokens = (x: TokenUsage | null, y: TokenUsage | null): TokenUsage | null =>
    x === null
      ? y
      : y === null
        ? x
        : {
            inputTokens: x.inputTokens + y.inputTokens,
            outputTokens: x.outputTokens + y.outputTokens,
            cacheReadTokens: x.cacheReadTokens + y.cacheReadTokens,
            cacheCreationTokens: x.cacheCreationTokens + y.cacheCreationTokens,
          };
  return { costUsd: add(a.costUsd, b.costUsd), usage: tokens(a.usage, b.usage) };
}

export interface AgentRun {
  verdict: Verdict;
  /** The last attempt's report. */
  report: AttemptReport;
  /** Every attempt's spend added up: a retried agent paid for each try. */
  spent: Spend;
  exitCode: number | null;
  startedAt: Date;
  finishedAt: Date;
  startupMs: number;
  attempts: number;
}

/** The one place an AgentResult is made, for agents that ran and (with `notStarted`) for those that did not. */
export function buildResult(spec: AgentSpec, outputDir: string, run: AgentRun): AgentResult {
  const { report, verdict } = run;
  return {
    id: spec.id,
    status: verdict.status,
    exitCode: run.exitCode,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt.toISOString(),
    durationMs: run.finishedAt.getTime() - run.startedAt.getTime(),
    startupMs: run.startupMs,
    turns: report.turns,
    costUsd: run.spent.costUsd,
    sessionId: report.sessionId,
    outputDir,
    error: verdict.error,
    attempts: run.attempts,
    answer: report.answer.length > ANSWER_EXCERPT ? `${report.answer.slice(0, ANSWER_EXCERPT)}…` : report.answer,
    ...(report.structured !== undefined && { structured: report.structured }),
    ...(spec.needs?.length && { needs: spec.needs }),
    ...(spec.addedBy !== undefined && { addedBy: spec.addedBy }),
    usage: run.spent.usage,
    ...(spec.review === 'comments' && { review: spec.review }),
  };
}

/** The result of an agent that never started: cancelled with the run, or skipped for `skipped`. */
export function notStarted(spec: AgentSpec, outputDir: string, skipped?: string): AgentResult {
  return unstarted(
    spec,
    outputDir,
    skipped === undefined ? finalVerdict(undefined, true) : { status: 'skipped', error: skipped, transient: false },
  );
}

/** The result of an agent that failed before its CLI could start (its prompt, its workspace), for `error`. */
export function refused(spec: AgentSpec, outputDir: string, error: string): AgentResult {
  return unstarted(spec, outputDir, { status: 'failure', error, transient: false });
}

/** The same result, failed for `error` after the fact: a planner whose plan could not be used. */
export function failedAfter(result: AgentResult, error: string): AgentResult {
  return { ...result, status: 'failure', error };
}

function unstarted(spec: AgentSpec, outputDir: string, verdict: Verdict): AgentResult {
  const now = new Date();
  return buildResult(spec, outputDir, {
    verdict,
    report: NOTHING_REPORTED,
    spent: NOTHING_SPENT,
    exitCode: null,
    startedAt: now,
    finishedAt: now,
    startupMs: 0,
    attempts: 0,
  });
}
