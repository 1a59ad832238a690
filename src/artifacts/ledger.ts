import fs from 'node:fs';
import path from 'node:path';
import { hasArtifactService, jobTemp } from '../util/runner.js';
import { checkArtifactBudget } from './names.js';

// Every use of the action in a job adds the names it is about to upload to a file in the job's RUNNER_TEMP,
// which the runner empties between jobs: so a later use in the same job can count them against GitHub's limit
// on artifacts per job. Other actions' uploads (actions/upload-artifact) are not counted: they leave no trace.

const LEDGER = 'claude-agent-matrix-artifacts.txt';

/** The names earlier uses of the action in this job planned to upload; none without a per-job folder. */
export function artifactsOfEarlierSteps(jobTemp: string | undefined): string[] {
  if (!jobTemp) return [];
  try {
    return fs.readFileSync(path.join(jobTemp, LEDGER), 'utf8').split('\n').filter(Boolean);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Adds this step's names, before its uploads start: a step that fails half-way has still used them. */
export function recordArtifacts(jobTemp: string | undefined, names: readonly string[]): void {
  if (!jobTemp || names.length === 0) return;
  fs.appendFileSync(path.join(jobTemp, LEDGER), names.map((n) => `${n}\n`).join(''));
}

/**
 * Counts this step's artifacts (`names`) against GitHub's limit per job, with those of earlier uses of the
 * action in the job, and records them; only inside a job, where the limit applies.
 */
export function reserveArtifacts(names: readonly string[]): void {
  if (!hasArtifactService()) return;
  checkArtifactBudget(names.length, artifactsOfEarlierSteps(jobTemp()).length);
  recordArtifacts(jobTemp(), names);
}
