import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { resolveClaude } from './claude.js';
import { childrenCpuMs } from './cpu.js';
import { knownSecrets } from './env.js';
import { readSlice } from './files.js';
import { getInputs, type FailOn } from './inputs.js';
import { parseMatrix } from './matrix.js';
import { limiter } from './limit.js';
import { defaultMaxParallel, runAgents } from './orchestrate.js';
import { redactText } from './redact.js';
import { computeStats, type RunStats } from './stats.js';
import { renderSummary } from './summary.js';
import type { AgentResult } from './types.js';
import { createUploader, plannedArtifactNames, validateArtifactNames } from './upload.js';

/** The runner sends SIGINT, then SIGTERM 7.5 s later, when a run is cancelled. */
const CANCEL_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
/** How long after a cancel the action still waits for uploads: agents get 2.5 s to stop, uploads the rest. */
const CANCEL_DEADLINE_MS = 5500;

export async function run(): Promise<void> {
  let secrets: string[] = [];
  const controller = new AbortController();
  let cancelledAt = 0;
  const cancel = () => {
    if (controller.signal.aborted) return;
    cancelledAt = Date.now();
    core.warning('Cancelled: stopping every agent; no new agent starts.');
    controller.abort();
  };
  for (const s of CANCEL_SIGNALS) process.on(s, cancel);
  try {
    const inputs = getInputs();
    secrets = knownSecrets(inputs.credentials, process.env);
    const specs = parseMatrix(inputs.matrix, inputs.defaults);
    validateArtifactNames(
      plannedArtifactNames(
        inputs.upload,
        inputs.artifactPrefix,
        specs.map((s) => s.id),
      ),
    );
    const workspace = inputs.matrix.workspace;
    const claude = await resolveClaude(inputs.claudePath, inputs.claudeVersion, workspace);
    const runDir = fs.mkdtempSync(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'claude-agents-'));
    const maxParallel = inputs.maxParallel ?? defaultMaxParallel(specs.length, os.totalmem());
    if (maxParallel < specs.length && inputs.maxParallel === undefined) {
      core.info(`max-parallel is not set: ${maxParallel} at once, as many as this runner's memory holds`);
    }
    core.info(`${specs.length} agents, ${Math.min(maxParallel, specs.length)} at once, in ${runDir}, with ${claude}`);

    const uploader = createUploader({
      mode: inputs.upload,
      prefix: inputs.artifactPrefix,
      retentionDays: inputs.retentionDays,
      artifactsDir: inputs.artifactsDir,
      secrets,
    });
    const ctx = {
      claude,
      runDir,
      credentials: inputs.credentials,
      baseEnv: process.env,
      retries: inputs.retries,
      signal: controller.signal,
      startGate: limiter(os.availableParallelism()),
    };
    const cpuBefore = childrenCpuMs();
    const results = await core.group('Agents', () =>
      runAgents(specs, maxParallel, ctx, (r) => uploader.agentFinished(r.id, r.outputDir)),
    );
    const uploads = await core.group('Uploads', () =>
      settle(uploader.finish(), controller.signal, () => cancelledAt + CANCEL_DEADLINE_MS - Date.now()),
    );
    for (const r of results) {
      const u = uploads?.get(r.id);
      if (u) Object.assign(r, { artifactName: u.artifactName, artifactId: u.artifactId, artifactUrl: u.artifactUrl });
      r.uploadWarning = u ? u.warning : uploads ? undefined : 'upload not finished before the run was cancelled';
      if (r.uploadWarning) core.warning(`${r.id}: ${r.uploadWarning}`);
    }

    for (const r of results) await showLog(r, secrets);
    const cpuAfter = childrenCpuMs();
    const agentsCpu = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
    const stats = computeStats(results, maxParallel, agentsCpu);
    writeOutputs(results, stats, runDir, secrets);
    if (inputs.summary) await writeSummary(results, stats, secrets);
    const uploadFailed = results.filter((r) => r.uploadWarning).map((r) => r.id);
    failIfNeeded(inputs.failOn, results, uploadFailed);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    core.setFailed(redactText(message, secrets));
  } finally {
    for (const s of CANCEL_SIGNALS) process.off(s, cancel);
  }
  // Uploads abandoned at the cancel deadline would keep the process alive past the runner's SIGKILL.
  if (controller.signal.aborted) process.exit(process.exitCode ?? 1);
}

/**
 * After a cancel the runner kills the process 7.5 s after its first signal: once cancelled, wait for `work`
 * only `msLeft()` more, then go on without it (undefined) to write what is known.
 */
async function settle<T>(work: Promise<T>, signal: AbortSignal, msLeft: () => number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<undefined>((resolve) => {
    const arm = () => (timer = setTimeout(() => resolve(undefined), Math.max(0, msLeft())));
    if (signal.aborted) arm();
    else signal.addEventListener('abort', arm, { once: true });
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
function writeOutputs(results: AgentResult[], stats: RunStats, runDir: string, secrets: string[]): void {
  const json = redactText(JSON.stringify(results), secrets);
  const file = path.join(runDir, 'results.json');
  fs.writeFileSync(file, json);
  core.setOutput('results', json);
  core.setOutput('results-file', file);
  core.setOutput('wall-time-ms', String(stats.wallTimeMs));
  core.setOutput('speedup', stats.speedup.toFixed(2));
  core.setOutput('efficiency', stats.efficiency.toFixed(2));
  core.setOutput('total-cost-usd', stats.totalCostUsd.toFixed(4));
  core.setOutput('succeeded', String(stats.succeeded));
  core.setOutput('failed', String(stats.failed));
}

async function writeSummary(results: AgentResult[], stats: RunStats, secrets: string[]): Promise<void> {
  const markdown = redactText(renderSummary(results, stats), secrets);
  if (!process.env.GITHUB_STEP_SUMMARY) {
    core.info('No GITHUB_STEP_SUMMARY file (not on a runner); the summary follows.');
    core.info(markdown);
    return;
  }
  await core.summary.addRaw(markdown, true).write();
}

/** Each agent's answer and the end of its stderr, folded away in the log. */
async function showLog(r: AgentResult, secrets: string[]): Promise<void> {
  await core.group(`${r.id}: ${r.status}`, async () => {
    if (r.error) core.info(`error: ${r.error}`);
    core.info(`folder: ${r.outputDir} (events.jsonl, stderr.log, result.md, workspace/)`);
    const answer = readSlice(path.join(r.outputDir, 'result.md'), 64 * 1024, 'start');
    if (answer) core.info(redactText(answer, secrets));
    const stderr = readSlice(path.join(r.outputDir, 'stderr.log'), 8 * 1024, 'end');
    if (stderr.trim()) core.info(`stderr:\n${redactText(stderr, secrets)}`);
  });
}

/** Decides the step's fate after everything is written, naming the agents that failed and why. */
export function failureMessage(failOn: FailOn, results: readonly AgentResult[], uploadFailed: string[]): string | null {
  const failed = results.filter((r) => r.status !== 'success');
  const fails =
    (failOn === 'any' && (failed.length > 0 || uploadFailed.length > 0)) ||
    (failOn === 'all' && failed.length === results.length);
  if (!fails) return null;
  const lines = failed.map((r) => `${r.id} (${r.status}): ${r.error ?? 'no reason given'}`);
  if (uploadFailed.length) lines.push(`uploads failed for: ${uploadFailed.join(', ')}`);
  const head = failed.length
    ? `${failed.length} of ${results.length} agents did not succeed`
    : `All ${results.length} agents succeeded, but some artifacts were not uploaded`;
  return `${head}:\n${lines.join('\n')}`;
}

function failIfNeeded(failOn: FailOn, results: readonly AgentResult[], uploadFailed: string[]): void {
  const message = failureMessage(failOn, results, uploadFailed);
  if (message) core.setFailed(message);
}
