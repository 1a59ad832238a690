import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { knownSecrets, RUNNER_COMMAND_FILES } from './agent/env.js';
import { resolveClaude } from './agent/find-cli.js';
import { withUploads } from './artifacts/merge.js';
import { artifactsOfEarlierSteps, recordArtifacts } from './artifacts/ledger.js';
import {
  checkArtifactBudget,
  plannedArtifactNames,
  shardArtifactName,
  uploadedArtifactNames,
  validateArtifactNames,
} from './artifacts/names.js';
import { createUploader, uploadFiles } from './artifacts/upload.js';
import { ACTION_SLUG } from './config/action-interface.js';
import { getInputs, type Inputs } from './config/inputs.js';
import { deliver } from './deliver/deliver.js';
import { readPlan } from './config/plan.js';
import { checkTrigger } from './publish/actor.js';
import { createClient } from './publish/client.js';
import { readEventContext } from './publish/context.js';
import { openPublisher, planPublishing, progressInterval } from './publish/publisher.js';
import { readAnswers } from './report/answers.js';
import { showAgentLog } from './report/log.js';
import { failureMessage } from './report/outcome.js';
import { writeJobSummary, writeOutput, writeOutputs } from './report/outputs.js';
import { renderReport, writeReport, type ReportInput } from './report/report-file.js';
import { computeStats, type RunStats } from './report/stats.js';
import { renderSummary } from './report/summary.js';
import { AdaptiveConcurrency } from './schedule/adaptive.js';
import { defaultMaxParallel } from './schedule/capacity.js';
import { runAgents } from './schedule/scheduler.js';
import { writeShardFiles } from './shard/files.js';
import { SHARD_FILES, buildManifest } from './shard/manifest.js';
import type { AgentResult, ShardRef } from './types.js';
import { startIsolation, type Isolation } from './isolation/isolate.js';
import { limiter } from './util/limit.js';
import { childrenCpuMs } from './util/proc-stat.js';
import { redactResult, redactText } from './util/redact.js';
import { hasArtifactService, jobTemp, runPage, runnerFiles, runnerTemp } from './util/runner.js';
import { planWorkspaces } from './workspace/checkout.js';
import { openWorkspaces } from './workspace/workspaces.js';

/** The runner sends SIGINT, then SIGTERM 7.5 s later, when a run is cancelled. */
const CANCEL_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
/** How long after a cancel the action still waits for uploads: agents get 2.5 s to stop, uploads the rest. */
const CANCEL_DEADLINE_MS = 5500;
/**
 * How long after a cancel the final comment and the issue may still be written, leaving room to exit before
 * the runner's SIGTERM at 7.5 s (the cancel tests hold the action to 7 s).
 */
const PUBLISH_DEADLINE_MS = 6000;

/** The action: inputs, agents, uploads, then the log, outputs and summary. Every error ends in one place. */
export async function run(): Promise<void> {
  const stepStartedAt = new Date();
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
  let agentUser: Isolation | undefined;
  try {
    const inputs = getInputs();
    secrets = knownSecrets(inputs.credentials, process.env);
    const { shard } = inputs;
    const { specs } = inputs;
    validateArtifactNames(
      plannedArtifactNames(
        inputs.upload,
        inputs.artifactPrefix,
        inputs.matrix.map((s) => s.id),
        shard?.count,
      ),
    );
    const event = readEventContext();
    const github =
      inputs.credentials.githubToken && event.repo ? createClient(inputs.credentials.githubToken) : undefined;
    const trigger = await checkTrigger(github, event, inputs.allowedActors);
    if (!trigger.allowed) {
      core.notice(trigger.why);
      return;
    }
    if (trigger.why) core.info(`${trigger.why}; starting.`);
    const toUpload = uploadedArtifactNames(
      inputs.upload,
      inputs.artifactPrefix,
      specs.map((s) => s.id),
      shard,
    );
    if (hasArtifactService()) {
      checkArtifactBudget(toUpload.length, artifactsOfEarlierSteps(jobTemp()).length);
      recordArtifacts(jobTemp(), toUpload);
    }
    if (shard) {
      const ids = specs.map((s) => s.id).join(', ') || 'none';
      core.info(
        `Shard ${shard.index} of ${shard.count}: ${specs.length} of the matrix's ${inputs.matrix.length} agents (${ids})`,
      );
    }
    // Split over shards, the aggregate step publishes the one comment and issue for all of them.
    const plan = shard ? {} : planPublishing(event, inputs);
    if (shard && (inputs.comment !== 'off' || inputs.issueTitle)) {
      core.info('Shards do not comment or write the issue: the aggregate step does, once, for every shard.');
    }
    const publisher = openPublisher(github, event, plan, {
      prefix: inputs.artifactPrefix,
      secrets,
      intervalMs: progressInterval(),
    });
    const workspacePlan = await planWorkspaces({ workingDirectory: inputs.workingDirectory, ref: inputs.ref, specs });
    const claude = await resolveClaude(inputs.claudePath, inputs.claudeVersion, inputs.workspace);
    agentUser = await startIsolation(inputs.agentUser, runnerFiles(RUNNER_COMMAND_FILES));
    const runDir = fs.mkdtempSync(path.join(runnerTemp(), `${ACTION_SLUG}-`));
    if (agentUser) {
      // The agents reach their own folders by name, but cannot list the run folder.
      fs.chmodSync(runDir, 0o711);
      for (const target of [runDir, inputs.workspace, claude, fs.realpathSync(claude)]) agentUser.openWayTo(target);
    }
    // Planners add agents as the run goes, up to max-agents: room for them too, memory allowing.
    const planned = specs.some((s) => s.spawn) ? inputs.maxAgents : specs.length;
    const maxParallel = inputs.maxParallel ?? defaultMaxParallel(planned, os.totalmem());
    if (maxParallel < planned && inputs.maxParallel === undefined) {
      core.info(`max-parallel is not set: ${maxParallel} at once, as many as this runner's memory holds`);
    }
    const more = planned > specs.length ? ` (planners may add more, up to ${planned} in all)` : '';
    core.info(`${specs.length} agents${more}, ${Math.min(maxParallel, planned)} at once, in ${runDir}, with ${claude}`);

    const uploader = createUploader({
      mode: inputs.upload,
      prefix: inputs.artifactPrefix,
      retentionDays: inputs.retentionDays,
      artifactsDir: inputs.artifactsDir,
      secrets,
      shard,
    });
    const ctx = {
      claude,
      runDir,
      credentials: inputs.credentials,
      baseEnv: process.env,
      retries: inputs.retries,
      signal: controller.signal,
      startGate: limiter(os.availableParallelism()),
      agentUser: agentUser?.user,
    };
    const concurrency = new AdaptiveConcurrency({
      max: maxParallel,
      adapt: inputs.adaptiveConcurrency,
      now: Date.now(),
    });
    const cpuBefore = childrenCpuMs();
    publisher?.begin(
      specs.map((s) => s.id),
      { run: runPage() },
    );
    const msLeft = () => cancelledAt + CANCEL_DEADLINE_MS - Date.now();
    const workspaces = openWorkspaces(workspacePlan, { runDir, signal: controller.signal, specs });
    let finished: AgentResult[];
    try {
      finished = await core.group('Agents', () =>
        runAgents(specs, {
          maxParallel,
          ctx,
          workspaces,
          onFinished: (r) => uploader.agentFinished(r.id, r.outputDir),
          plan(planner, folder, taken) {
            const added = readPlan({ ...inputs, planner, folder, taken });
            const ids = [...taken, ...added.map((s) => s.id)];
            validateArtifactNames(plannedArtifactNames(inputs.upload, inputs.artifactPrefix, ids, shard?.count));
            return added;
          },
          onEvent: (e) => (e.kind === 'started' ? publisher?.started(e.spec.id) : publisher?.finished(e.result)),
          concurrency,
          budgetUsd: inputs.budgetUsd,
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
    const rateLimits = { events: concurrency.events, lowest: concurrency.lowest, adaptive: concurrency.adapt };
    const stats = computeStats(results, maxParallel, agentsCpu, rateLimits);
    const resultsFile = writeOutputs(results, stats, runDir, secrets);
    const summary = renderSummary(results, stats);
    if (inputs.summary) await writeJobSummary(summary, secrets);
    const report: ReportInput = {
      results: results.map((r) => redactResult(r, secrets)),
      stats,
      answers: readAnswers(results, secrets),
      runUrl: runPage(),
    };
    const reportText = renderReport(report);
    const reportFile = writeReport(runDir, reportText);
    writeOutput('report-file', reportFile);
    let shardFailure: string | undefined;
    if (shard) {
      shardFailure = await uploadShard(shard, {
        inputs,
        results,
        stats,
        texts: {
          [SHARD_FILES.results]: fs.readFileSync(resultsFile, 'utf8'),
          [SHARD_FILES.summary]: redactText(summary, secrets),
          [SHARD_FILES.report]: reportText,
        },
        secrets,
        stepStartedAt,
        cancelled: () => controller.signal.aborted,
      });
    } else {
      const delivering = deliver(report, reportFile, publisher, {
        prefix: inputs.artifactPrefix,
        uploadReport: inputs.upload !== 'none',
        retentionDays: inputs.retentionDays,
        artifactsDir: inputs.artifactsDir,
        secrets,
        cancelled: controller.signal.aborted,
      });
      await settle(delivering, controller.signal, () => cancelledAt + PUBLISH_DEADLINE_MS - Date.now());
    }
    const failure = [failureMessage(inputs.failOn, results), shardFailure].filter(Boolean).join('\n');
    if (failure) core.setFailed(redactText(failure, secrets));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    core.setFailed(redactText(message, secrets));
  } finally {
    for (const s of CANCEL_SIGNALS) process.off(s, cancel);
    agentUser?.finish();
  }
  // Uploads abandoned at the cancel deadline would keep the process alive past the runner's SIGKILL.
  if (controller.signal.aborted) process.exit(process.exitCode ?? 1);
}

interface ShardStep {
  inputs: Inputs;
  results: AgentResult[];
  stats: RunStats;
  /** The files of the shard artifact besides shard.json, by name, already redacted. */
  texts: Record<string, string>;
  secrets: string[];
  stepStartedAt: Date;
  cancelled: () => boolean;
}

/**
 * Uploads the shard's artifact for the aggregate step (see SHARD_FILES): whatever `upload` says, since it is the
 * shard's result. Returns why the step fails when it could not be uploaded. Skipped once the run is cancelled:
 * the cancel budget is spent by then, and a cancelled run has no aggregate step to read it.
 */
async function uploadShard(shard: ShardRef, step: ShardStep): Promise<string | undefined> {
  const { inputs, results, secrets } = step;
  const name = shardArtifactName(inputs.artifactPrefix, shard);
  if (step.cancelled()) {
    core.warning(`Cancelled: shard artifact ${name} was not uploaded.`);
    return undefined;
  }
  const matrixIndex = new Map(inputs.matrix.map((s) => [s.id, s.index]));
  const manifest = buildManifest(shard, matrixIndex, results, step.stats, step.stepStartedAt, new Date());
  // Not in the run folder, where an agent could have the same name.
  const root = fs.mkdtempSync(path.join(runnerTemp(), `${ACTION_SLUG}-shard-`));
  const files = writeShardFiles(root, manifest, step.texts);
  const outcome = await uploadFiles(name, root, files, {
    retentionDays: inputs.retentionDays,
    artifactsDir: inputs.artifactsDir,
    secrets,
  });
  if (!outcome.warning) return undefined;
  return `Shard artifact ${name} was not uploaded, so the aggregate step will miss shard ${shard.index}: ${outcome.warning}`;
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
