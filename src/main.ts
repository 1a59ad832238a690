import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { resolveClaude } from './agent/find-cli.js';
import { openStartGate } from './agent/start-gate.js';
import { reserveArtifacts } from './artifacts/ledger.js';
import { plannedArtifactNames, uploadedArtifactNames, validateArtifactNames } from './artifacts/names.js';
import { createUploader } from './artifacts/upload.js';
import { withUploads } from './artifacts/with-uploads.js';
import { planChanges, wantsChanges } from './changes/changes-plan.js';
import { writeChangeRecord } from './changes/change-record.js';
import { ACTION_SLUG } from './config/action-interface.js';
import { getChangesInputs } from './config/changes-inputs.js';
import { getInputs, type Inputs } from './config/inputs.js';
import { readPlan } from './config/plan.js';
import { agentPaths } from './agent/context.js';
import { writeAgentRecord } from './rerun/agent-record.js';
import { openReuse } from './rerun/reuse.js';
import { finish, type Ending, type RunEnd } from './finish/finish.js';
import { failStep } from './finish/fail-step.js';
import type { ApiProxy } from './isolation/api-proxy.js';
import { startIsolation, type Isolation } from './isolation/isolate.js';
import { startNetworkFence, type NetworkFence } from './isolation/network.js';
import { openApiProxy } from './isolation/proxy-plan.js';
import { checkTrigger } from './publish/actor.js';
import { createClient } from './publish/client.js';
import { readEventContext } from './publish/event.js';
import { openPublisher, planPublishing, progressInterval, type Publisher } from './publish/publisher.js';
import { showAgentLog } from './report/agent-log.js';
import { readAnswers } from './report/answers.js';
import { computeStats } from './report/stats.js';
import { AdaptiveConcurrency } from './schedule/adaptive.js';
import { defaultMaxParallel } from './schedule/capacity.js';
import { runAgents } from './schedule/run-agents.js';
import type { AgentResult, ChangesMode } from './types.js';
import { Cancellation } from './util/cancel.js';
import { childrenCpuMs } from './util/proc-stat.js';
import { knownSecrets } from './util/redact.js';
import { RUNNER_COMMAND_FILES, runPage, runnerFiles, runnerTemp, workflowRunAttempt } from './util/runner.js';
import { keepTokenFromAgents } from './trust/checkout-token.js';
import { readRepositoryConfig } from './trust/repository-config.js';
import { planWorkspaces, type WorkspacePlan } from './workspace/checkout.js';
import type { RepositoryConfig } from './workspace/repo-config.js';
import { openWorkspaces } from './workspace/workspaces.js';

/**
 * The action, as the pipeline of docs/architecture.md: inputs, the trigger, the run's plan, isolation, the
 * agents with their workspaces and uploads, then the one ending it shares with the aggregate step. Every error
 * ends in `failStep`.
 */
export async function run(): Promise<void> {
  const stepStartedAt = new Date();
  const cancel = new Cancellation();
  let secrets: string[] = [];
  let isolation: Isolation | undefined;
  let apiProxy: ApiProxy | undefined;
  let restoreToken: (() => void) | undefined;
  let network: NetworkFence | undefined;
  try {
    const inputs = getInputs();
    secrets = knownSecrets(inputs.credentials, process.env);
    const changes = getChangesInputs();
    const publisher = await admit(inputs, secrets);
    if (publisher === false) return;
    const workspacePlan = await planWorkspaces({
      workingDirectory: inputs.workingDirectory,
      ref: inputs.ref,
      specs: inputs.specs,
    });
    const repositoryConfig = await readRepositoryConfig({
      setting: inputs.repositoryConfig,
      event: readEventContext(),
      github: inputs.credentials.githubToken ? createClient(inputs.credentials.githubToken) : undefined,
      checkout: workspacePlan.checkout,
      specs: inputs.specs,
      modeOf: workspacePlan.modeOf,
    });
    const claude = await resolveClaude(inputs.claudePath, inputs.claudeVersion, inputs.workspace);
    apiProxy = await openApiProxy(inputs.apiProxy, inputs.credentials, process.env);
    const ports = apiProxy ? [apiProxy.port] : [];
    isolation = await startIsolation(inputs.agentUser, runnerFiles(RUNNER_COMMAND_FILES), ports);
    network = await startNetworkFence({
      specs: inputs.specs,
      runList: inputs.defaults.allowedHosts,
      user: isolation?.user,
      env: process.env,
      apiProxyPort: apiProxy?.port,
    });
    const checkoutGitDirs = [workspacePlan.checkout?.commonDir, path.join(inputs.workspace, '.git')];
    restoreToken = keepTokenFromAgents(checkoutGitDirs, isolation !== undefined);
    const runDir = makeRunDir(inputs, claude, isolation);
    const m = { runDir, claude, workspacePlan, isolation, network, publisher, secrets, cancel, apiProxy };
    const end = await runMatrix(inputs, { ...m, repositoryConfig, changes: changes.changes });
    const how = ending(inputs, { secrets, cancel, publisher, stepStartedAt });
    // A shard's agents are applied by the apply action in a later job, from every shard's artifacts.
    if (!inputs.shard && wantsChanges(inputs.specs, changes.changes)) {
      const token = inputs.credentials.githubToken;
      how.changes = planChanges({ dir: inputs.workingDirectory, ...end, branchPrefix: changes.branchPrefix, token });
    }
    await finish(end, how);
  } catch (err) {
    failStep(err, secrets);
  } finally {
    cancel.dispose();
    await network?.finish();
    // The agents are gone, also on failure and cancel: every token they held ends with the proxy.
    await apiProxy?.close();
    restoreToken?.();
    isolation?.finish();
  }
  // Uploads abandoned at the cancel deadline would keep the process alive past the runner's SIGKILL.
  if (cancel.cancelled) process.exit(process.exitCode ?? 1);
}

/**
 * Whether this run may start: the artifact names checked and reserved, the actor allowed on events anyone can
 * trigger. Returns the publisher of the comment and the issue (none for a shard: the aggregate step publishes),
 * or false when the actor may not start agents.
 */
async function admit(inputs: Inputs, secrets: readonly string[]): Promise<Publisher | undefined | false> {
  const { shard, specs, artifactPrefix: prefix } = inputs;
  const matrixIds = inputs.matrix.map((s) => s.id);
  validateArtifactNames(plannedArtifactNames(inputs.upload, prefix, matrixIds, shard?.count));
  const event = readEventContext();
  const token = inputs.credentials.githubToken;
  const github = token && event.repo ? createClient(token) : undefined;
  const trigger = await checkTrigger(github, event, inputs.allowedActors);
  if (!trigger.allowed) {
    core.notice(trigger.why);
    return false;
  }
  if (trigger.why) core.info(`${trigger.why}; starting.`);
  reserveArtifacts(
    uploadedArtifactNames(
      inputs.upload,
      prefix,
      specs.map((s) => s.id),
      shard,
    ),
  );
  if (!shard) {
    const options = { prefix, secrets, intervalMs: progressInterval() };
    return openPublisher(github, event, planPublishing(event, inputs), options);
  }
  const ids = specs.map((s) => s.id).join(', ') || 'none';
  core.info(
    `Shard ${shard.index} of ${shard.count}: ${specs.length} of the matrix's ${matrixIds.length} agents (${ids})`,
  );
  if (inputs.comment !== 'off' || inputs.issueTitle) {
    core.info('Shards do not comment or write the issue: the aggregate step does, once, for every shard.');
  }
  return undefined;
}

/** The run's folder; with an agent user, the agents reach their own folders in it by name but cannot list it. */
function makeRunDir(inputs: Inputs, claude: string, isolation: Isolation | undefined): string {
  const runDir = fs.mkdtempSync(path.join(runnerTemp(), `${ACTION_SLUG}-`));
  if (isolation) {
    fs.chmodSync(runDir, 0o711);
    for (const target of [runDir, inputs.workspace, claude, fs.realpathSync(claude)]) isolation.openWayTo(target);
  }
  return runDir;
}

interface MatrixRun {
  runDir: string;
  claude: string;
  workspacePlan: WorkspacePlan;
  isolation?: Isolation;
  network?: NetworkFence;
  publisher?: Publisher;
  secrets: readonly string[];
  cancel: Cancellation;
  apiProxy?: ApiProxy;
  /** The `changes` input, recorded for each agent whose item does not say. */
  changes: ChangesMode;
  repositoryConfig?: RepositoryConfig;
}

/**
 * The agents, each in its workspace, uploaded as each finishes; then the workspaces removed and the uploads
 * awaited (within the cancel deadline), each agent's log shown, and the run's numbers. Results leave here safe
 * to show anywhere.
 */
async function runMatrix(inputs: Inputs, m: MatrixRun): Promise<RunEnd> {
  const { specs, shard } = inputs;
  const secrets = [...m.secrets];
  const maxParallel = parallelism(inputs, m);
  const uploader = createUploader({
    mode: inputs.upload,
    prefix: inputs.artifactPrefix,
    retentionDays: inputs.retentionDays,
    artifactsDir: inputs.artifactsDir,
    secrets,
    shard,
  });
  const reuse = await openReuse(reuseOptions(inputs, m.runDir, secrets));
  const ctx = agentContext(inputs, m, secrets);
  const concurrency = new AdaptiveConcurrency({ max: maxParallel, adapt: inputs.adaptiveConcurrency, now: Date.now() });
  const cpuBefore = childrenCpuMs();
  m.publisher?.begin(
    specs.map((s) => s.id),
    { run: runPage() },
  );
  const workspaces = openWorkspaces(m.workspacePlan, {
    runDir: m.runDir,
    signal: m.cancel.signal,
    specs,
    repositoryConfig: m.repositoryConfig,
    engine: inputs.workspaceEngine,
    agentUser: m.isolation?.user,
  });
  const specById = new Map(specs.map((s) => [s.id, s]));
  let finished: AgentResult[];
  try {
    finished = await core.group('Agents', () =>
      runAgents(specs, {
        maxParallel,
        ctx,
        workspaces,
        onFinished: (r) => {
          // Before the upload: a later job applies the agent's changes from its artifact (the apply action), and
          // a re-run reads back how it ended.
          writeChangeRecord(r, specById.get(r.id), m.changes);
          return uploader.agentFinished(r.id, writeAgentRecord(r, workflowRunAttempt()));
        },
        reuse,
        plan(planner, folder, taken) {
          const added = readPlan({ ...inputs, planner, folder, taken });
          for (const s of added) specById.set(s.id, s);
          const ids = [...taken, ...added.map((s) => s.id)];
          validateArtifactNames(plannedArtifactNames(inputs.upload, inputs.artifactPrefix, ids, shard?.count));
          return added;
        },
        onEvent: (e) => (e.kind === 'started' ? m.publisher?.started(e.spec.id) : m.publisher?.finished(e.result)),
        concurrency,
        budgetUsd: inputs.budgetUsd,
      }),
    );
  } finally {
    // Every worktree and copy goes, also when the run failed or was cancelled (within the deadline).
    await m.cancel.within(workspaces.close(), 'uploads');
  }
  const uploads = await core.group('Uploads', () => m.cancel.within(uploader.finish(), 'uploads'));
  // Safe to show anywhere: each result was scrubbed as it was made, and so was each upload's warning.
  const uploaded = withUploads(finished, uploads);
  const results = m.network ? m.network.withRefusals(uploaded) : uploaded;
  for (const r of results) if (r.uploadWarning) core.warning(`${r.id}: ${r.uploadWarning}`);
  for (const r of results) await showAgentLog(r, secrets);
  const cpuAfter = childrenCpuMs();
  const agentsCpu = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
  const rateLimits = {
    events: concurrency.events,
    lowest: concurrency.lowest,
    adaptive: concurrency.adapt,
    ...(m.apiProxy && { api: { ...m.apiProxy.counts } }),
  };
  const stats = computeStats(results, maxParallel, agentsCpu, rateLimits);
  stats.workspaceEngines = await workspaces.served();
  return { results, stats, answers: readAnswers(results, secrets), runDir: m.runDir };
}

/** How many agents run at once, said in the log with where they run. */
function parallelism(inputs: Inputs, m: MatrixRun): number {
  const { specs } = inputs;
  // Planners add agents as the run goes, up to max-agents: room for them too, memory allowing.
  const planned = specs.some((s) => s.spawn) ? inputs.maxAgents : specs.length;
  const maxParallel = inputs.maxParallel ?? defaultMaxParallel(planned, os.totalmem());
  if (maxParallel < planned && inputs.maxParallel === undefined) {
    core.info(`max-parallel is not set: ${maxParallel} at once, as many as this runner's memory holds`);
  }
  const more = planned > specs.length ? ` (planners may add more, up to ${planned} in all)` : '';
  core.info(
    `${specs.length} agents${more}, ${Math.min(maxParallel, planned)} at once, in ${m.runDir}, with ${m.claude}`,
  );
  return maxParallel;
}

/** What every agent's start shares: the CLI, the run folder, the credentials or the proxy, the user. */
function agentContext(inputs: Inputs, m: MatrixRun, secrets: string[]) {
  return {
    claude: m.claude,
    runDir: m.runDir,
    credentials: inputs.credentials,
    secrets,
    baseEnv: process.env,
    retries: inputs.retries,
    signal: m.cancel.signal,
    startGate: openStartGate(),
    agentUser: m.isolation?.user,
    apiProxy: m.apiProxy,
    networkEnv: m.network?.envFor,
  };
}

/** Where a re-run finds what earlier attempts left, and where a reused agent's artifact is unpacked. */
function reuseOptions(inputs: Inputs, runDir: string, secrets: readonly string[]): Parameters<typeof openReuse>[0] {
  const { rerun: mode, upload, artifactPrefix: prefix, artifactsDir } = inputs;
  return { mode, upload, prefix, artifactsDir, secrets, folderOf: (id) => agentPaths(runDir, id).outputDir };
}

/** What the step was asked to do with the finished run: hand it to the aggregate step, or deliver it. */
function ending(
  inputs: Inputs,
  step: { secrets: readonly string[]; cancel: Cancellation; publisher?: Publisher; stepStartedAt: Date },
): Ending {
  const { secrets, cancel } = step;
  const artifacts = { retentionDays: inputs.retentionDays, artifactsDir: inputs.artifactsDir, secrets };
  const handOn: Ending['handOn'] = inputs.shard
    ? {
        shard: {
          shard: inputs.shard,
          prefix: inputs.artifactPrefix,
          matrixIndex: new Map(inputs.matrix.map((s) => [s.id, s.index])),
          stepStartedAt: step.stepStartedAt,
          ...artifacts,
        },
      }
    : {
        deliver: { prefix: inputs.artifactPrefix, uploadReport: inputs.upload !== 'none', ...artifacts },
        publisher: step.publisher,
      };
  return { failOn: inputs.failOn, summary: inputs.summary, secrets, cancel, handOn };
}
