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
  };
}

/** The result of an agent that never started: cancelled with the run, or skipped for `skipped`. */
export function notStarted(spec: AgentSpec, outputDir: string, skipped?: string): AgentResult {
  const now = new Date();
  return buildResult(spec, outputDir, {
    verdict:
      skipped === undefined ? finalVerdict(undefined, true) : { status: 'skipped', error: skipped, transient: false },
    report: NOTHING_REPORTED,
    exitCode: null,
    startedAt: now,
    finishedAt: now,
    startupMs: 0,
    attempts: 0,
  });
}

/** The result of an agent that could not be started (its workspace could not be made): a failure, with why. */
export function failedToStart(spec: AgentSpec, outputDir: string, error: string): AgentResult {
  const now = new Date();
  return buildResult(spec, outputDir, {
    verdict: { status: 'failure', error, transient: false },
    report: NOTHING_REPORTED,
    exitCode: null,
    startedAt: now,
    finishedAt: now,
    startupMs: 0,
    attempts: 0,
  });
}
