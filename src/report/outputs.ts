import fs from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import type { OutputName } from '../config/action-interface.js';
import type { AgentResult, RunStats } from '../types.js';
import { logUntrusted } from '../util/log.js';
import { hasStepSummary } from '../util/runner.js';

/** The outputs that exist only once the report is written and published (see `writeOutput`). */
export type PublishOutput = 'report-file' | 'comment-url' | 'issue-url' | 'findings' | 'review-url' | 'findings-file';

/**
 * Every other output of action.yml, written once from results already made safe; `results-file` is
 * `results.json` in the run folder. Returns results.json's text.
 */
export function writeOutputs(results: readonly AgentResult[], stats: RunStats, runDir: string): string {
  const json = JSON.stringify(results);
  const file = path.join(runDir, 'results.json');
  fs.writeFileSync(file, json);
  const outputs: Record<Exclude<OutputName, PublishOutput>, string> = {
    results: json,
    'results-file': file,
    'wall-time-ms': String(stats.wallTimeMs),
    speedup: stats.speedup.toFixed(2),
    efficiency: stats.efficiency.toFixed(2),
    'total-cost-usd': stats.totalCostUsd.toFixed(4),
    succeeded: String(stats.succeeded),
    failed: String(stats.failed),
    'total-input-tokens': String(stats.totalUsage.inputTokens),
    'total-output-tokens': String(stats.totalUsage.outputTokens),
    'pull-requests': JSON.stringify(results.flatMap((r) => (r.pullRequest ? [{ id: r.id, ...r.pullRequest }] : []))),
  };
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);
  return json;
}

/** One of the outputs the report and publishing give. */
export function writeOutput(name: PublishOutput, value: string): void {
  core.setOutput(name, value);
}

/**
 * Writes the job summary, rendered from results already made safe, or prints it where the runner gave no
 * summary file (local runs).
 */
export async function writeJobSummary(markdown: string): Promise<void> {
  if (!hasStepSummary()) {
    core.info('No GITHUB_STEP_SUMMARY file (not on a runner); the summary follows.');
    logUntrusted(markdown);
    return;
  }
  await core.summary.addRaw(markdown, true).write();
}
