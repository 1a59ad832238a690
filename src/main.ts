import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { knownSecrets } from './agent/env.js';
import { resolveClaude } from './agent/find-cli.js';
import { withUploads } from './artifacts/merge.js';
import { plannedArtifactNames, validateArtifactNames } from './artifacts/names.js';
import { createUploader } from './artifacts/upload.js';
import { ACTION_SLUG } from './config/action-interface.js';
import { getInputs } from './config/inputs.js';
import { showAgentLog } from './report/log.js';
import { failureMessage } from './report/outcome.js';
import { writeJobSummary, writeOutputs } from './report/outputs.js';
import { computeStats } from './report/stats.js';
import { renderSummary } from './report/summary.js';
import { defaultMaxParallel } from './schedule/capacity.js';
import { runAgents } from './schedule/scheduler.js';
import { limiter } from './util/limit.js';
import { childrenCpuMs } from './util/proc-stat.js';
import { redactText } from './util/redact.js';
import { runnerTemp } from './util/runner.js';
import type { AgentResult } from './types.js';
import { planWorkspaces } from './workspace/checkout.js';
import { openWorkspaces } from './workspace/workspaces.js';

/** The runner sends SIGINT, then SIGTERM 7.5 s later, when a run is cancelled. */
const CANCEL_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
/** How long after a cancel the action still waits for uploads: agents get 2.5 s to stop, uploads the rest. */
const CANCEL_DEADLINE_MS = 5500;

/** The action: inputs, agents, uploads, then the log, outputs and summary. Every error ends in one place. */
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
    const { specs } = inputs;
    validateArtifactNames(
      plannedArtifactNames(
        inputs.upload,
        inputs.artifactPrefix,
        specs.map((s) => s.id),
      ),
    );
    const plan = await planWorkspaces({ workingDirectory: inputs.workingDirectory, ref: inputs.ref, specs });
    const claude = await resolveClaude(inputs.claudePath, inputs.claudeVersion, inputs.workspace);
    const runDir = fs.mkdtempSync(path.join(runnerTemp(), `${ACTION_SLUG}-`));
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
    const msLeft = () => cancelledAt + CANCEL_DEADLINE_MS - Date.now();
    const workspaces = openWorkspaces(plan, { runDir, signal: controller.signal, specs });
    let finished: AgentResult[];
    try {
      finished = await core.group('Agents', () =>
        runAgents(specs, {
          maxParallel,
          ctx,
          workspaces,
          onFinished: (r) => uploader.agentFinished(r.id, r.outputDir),
        }),
      );
    } finally {
      // Every worktree and copy goes, also when the run failed or was cancelled (within the deadline).
      await settle(workspaces.close(), controller.signal, msLeft);
    }
    const uploads = await core.group('Uploads', () => settle(uploader.finish(), controller.signal, msLeft));
    const results = withUploads(finished, uploads);
    for (const r of results) if (r.uploadWarning) core.warning(`${r.id}: ${r.uploadWarning}`);

    for (const r of results) await showAgentLog(r, secrets);
    const cpuAfter = childrenCpuMs();
    const agentsCpu = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
    const stats = computeStats(results, maxParallel, agentsCpu);
    writeOutputs(results, stats, runDir, secrets);
    if (inputs.summary) await writeJobSummary(renderSummary(results, stats), secrets);
    const failure = failureMessage(inputs.failOn, results);
    if (failure) core.setFailed(failure);
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
