import type { AgentResult, AgentSpec } from '../types.js';
import type { AttemptReport } from './attempt.js';
import { finalVerdict, type Verdict } from './classify.js';

/** Results and the summary carry this much of an answer at most; result.md has all of it. */
export const ANSWER_EXCERPT = 2000;

export interface AgentRun {
  verdict: Verdict;
  /** The last attempt's report. */
  report: AttemptReport;
  exitCode: number | null;
  startedAt: Date;
  finishedAt: Date;
  startupMs: number;
  attempts: number;
}

const NOTHING_REPORTED: AttemptReport = { turns: null, costUsd: null, sessionId: null, answer: '' };

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
    costUsd: report.costUsd,
    sessionId: report.sessionId,
    outputDir,
    error: verdict.error,
    attempts: run.attempts,
    answer: report.answer.length > ANSWER_EXCERPT ? `${report.answer.slice(0, ANSWER_EXCERPT)}…` : report.answer,
    ...(report.structured !== undefined && { structured: report.structured }),
    ...(spec.needs?.length && { needs: spec.needs }),
    ...(spec.addedBy !== undefined && { addedBy: spec.addedBy }),
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

/** The result of an agent that failed before its CLI could start, for `error`. */
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
    exitCode: null,
    startedAt: now,
    finishedAt: now,
    startupMs: 0,
    attempts: 0,
  });
}
