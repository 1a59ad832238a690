import * as core from '@actions/core';
import { applyChanges, type ChangesPlan } from '../changes/apply-changes.js';
import { changesSection } from '../changes/notes.js';
import type { Publisher } from '../publish/publisher.js';
import { failureMessage } from '../report/outcome.js';
import { reviewAnswers } from '../report/findings.js';
import { writeJobSummary, writeOutput, writeOutputs } from '../report/outputs.js';
import { renderReport, writeReport } from '../report/report-file.js';
import { renderSummary, type RunnerPart } from '../report/summary.js';
import { handOnShard, type ShardHandOn } from '../shard/hand-on.js';
import type { AgentResult, FailOn, ReportInput, RunStats } from '../types.js';
import type { Cancellation } from '../util/cancel.js';
import { redactText } from '../util/redact.js';
import { runPage } from '../util/runner.js';
import { deliver, type DeliverOptions } from './deliver.js';
import { writeFindings } from './findings-file.js';
import { failStep } from './fail-step.js';

/** A run as either entry ends it: its results and answers already made safe to show anywhere. */
export interface RunEnd {
  results: readonly AgentResult[];
  stats: RunStats;
  /** Each agent's whole answer, by id; an agent missing here shows its result's excerpt. */
  answers: ReadonlyMap<string, string>;
  /** Where results.json and report.md are written. */
  runDir: string;
  /** Split over runners: which one ran what, for the summary's chart. */
  runners?: readonly RunnerPart[];
  /** What the summary leads with (the aggregate step's missing shards), Markdown of the action's own. */
  note?: string;
}

/** What the step was asked to do with a finished run. */
export interface Ending {
  failOn: FailOn;
  /** The `summary` input: write the job summary. */
  summary: boolean;
  secrets: readonly string[];
  cancel: Cancellation;
  /**
   * A shard's step hands its run to the aggregate step as its shard artifact; any other step delivers the report's
   * artifact, the comment and the issue.
   */
  handOn: { shard: ShardHandOn } | { deliver: Omit<DeliverOptions, 'cancelled'>; publisher?: Publisher };
  /** The agents' changes made into commits and pull requests (`changes`), before anything is rendered. */
  changes?: ChangesPlan;
}

/**
 * The one ending of both entries: the outputs, the job summary, report.md, the hand-on (the shard's artifact,
 * or the report's artifact, the comment and the issue), and the step's fate by `fail-on`. Only what is handed on
 * waits on the cancel deadlines; everything before it is local and quick.
 */
export async function finish(run: RunEnd, how: Ending): Promise<void> {
  const changed = await withChanges(run, how);
  const { results, stats } = changed.end;
  const problems = changed.problems;
  // A reviewer's answer is its summary; its findings are the outputs, findings.sarif and the review.
  const end = { ...changed.end, answers: reviewAnswers(results, changed.end.answers) };
  writeFindings(results, end.runDir);
  const resultsJson = writeOutputs(results, stats, end.runDir);
  const summary = renderSummary(results, stats, end.runners);
  if (how.summary) await writeJobSummary((end.note ?? '') + summary);
  const report: ReportInput = { results, stats, answers: end.answers, runUrl: runPage() };
  const reportText = renderReport(report);
  const reportFile = writeReport(end.runDir, reportText);
  writeOutput('report-file', reportFile);
  const cancelled = how.cancel.cancelled;
  let handOnFailure: string | undefined;
  if ('shard' in how.handOn) {
    const texts = { results: resultsJson, summary, report: reportText, answers: end.answers };
    handOnFailure = await handOnShard(how.handOn.shard, { results, stats, texts }, cancelled);
  } else {
    const delivering = deliver(report, reportFile, how.handOn.publisher, { ...how.handOn.deliver, cancelled });
    await how.cancel.within(delivering, 'publish');
  }
  const failed = failureMessage(how.failOn, results, handOnFailure);
  const failure = [failed, ...problems].filter((f) => f).join('\n');
  if (failure) failStep(failure, how.secrets);
  else if (handOnFailure) core.warning(redactText(handOnFailure, how.secrets));
}

/**
 * The changes stage, when the step has one and was not cancelled (a push is no work for the last seconds): the
 * results gain their pull requests and the summary its Changes section; its failures fail the step at the end,
 * after the summary, the report and the hand-on are done.
 */
async function withChanges(end: RunEnd, how: Ending): Promise<{ end: RunEnd; problems: string[] }> {
  if (!how.changes || how.cancel.cancelled) return { end, problems: [] };
  const changed = await core.group('Changes', () => applyChanges(end.results, end.answers, how.changes!));
  const note = (end.note ?? '') + changesSection(changed.results, changed.notes);
  return { end: { ...end, results: changed.results, note }, problems: changed.problems };
}
