import path from 'node:path';
import * as core from '@actions/core';
import { agentPaths, type AgentContext } from '../agent/context.js';
import { failedAfter, notStarted, refused } from '../agent/result.js';
import { runAgent } from '../agent/run.js';
import type { AgentResult, AgentSpec, AgentWorkspace } from '../types.js';
import { errorMessage } from '../util/errors.js';
import { redactResult } from '../util/redact.js';
import { formatChanges, formatDuration, formatUsd } from '../util/format.js';
import { logUntrusted } from '../util/log.js';
import type { Workspaces } from '../workspace/workspaces.js';
import type { AdaptiveConcurrency } from './adaptive.js';
import { runPool, type JobOutcome, type PoolOptions } from './pool.js';
import { adaptiveLimit } from './adaptive-limit.js';

/** A planner's result and the agents its file adds (see `RunAgentsOptions.plan`), read from `folder`. */
type Expand = (spec: AgentSpec, ran: AgentResult, folder: string) => JobOutcome;

/** How often the log says how far the run is. */
const PROGRESS_EVERY_MS = 30_000;

const stamp = () => new Date().toISOString();

export interface RunAgentsOptions extends Pick<PoolOptions, 'limit' | 'stopReason' | 'onWake' | 'onEvent'> {
  maxParallel: number;
  ctx: AgentContext;
  /** Called as each agent that ran ends (to start its upload at once). */
  onFinished?: (result: AgentResult) => void;
  /**
   * The agents a planner (`spawn: true`) adds once it has succeeded, read from what it left in `folder`, its
   * working folder; `taken` holds the id of every agent in the run so far. Throws to say why none are added, and
   * the planner then fails with that reason.
   */
  plan?: (planner: AgentSpec, folder: string, taken: readonly string[]) => AgentSpec[];
  /** Hears the agents' 429s and 529s, and sets how many may run at once (instead of `limit`; see adaptiveLimit). */
  concurrency?: AdaptiveConcurrency;
  /** Once the agents that finished reported this much cost (US dollars), no further agent starts. */
  budgetUsd?: number;
  /** Makes each agent's folder (a worktree, a copy) and collects its changes; without it every folder is empty. */
  workspaces?: Workspaces;
  /**
   * In a re-run: an agent's result from an earlier attempt, to stand for it without running it (it is then neither
   * run nor uploaded), or undefined to run it. Given the results of the agents it needs.
   */
  reuse?: (spec: AgentSpec, needed: readonly AgentResult[]) => Promise<AgentResult | undefined>;
}

/**
 * Runs every agent (see `runPool` for the order), logging each start and end and a progress line every 30 s.
 */
export async function runAgents(specs: readonly AgentSpec[], options: RunAgentsOptions): Promise<AgentResult[]> {
  const { ctx, concurrency } = options;
  const ids = specs.map((s) => s.id);
  let running = 0;
  let done = 0;
  let spentUsd = 0;
  const progress = setInterval(() => {
    core.info(`${stamp()} progress: ${done} done, ${running} running, ${ids.length - done - running} waiting`);
  }, PROGRESS_EVERY_MS);

  const expand = planExpander(options.plan, ids);

  // Adaptive concurrency: the limit falls as pushback comes in and rises on a timer after a quiet period.
  const adaptive =
    concurrency &&
    adaptiveLimit(
      concurrency,
      () => ids.length - done,
      ctx.signal,
      (line) => core.info(`${stamp()} ${line}`),
    );

  const budgetReason = budgetStop(options.budgetUsd, () => spentUsd);

  try {
    return await runPool(specs, {
      ...options,
      limit: adaptive ? () => adaptive.limit() : options.limit,
      onWake(w) {
        adaptive?.onWake(w);
        options.onWake?.(w);
      },
      stopReason: () => options.stopReason?.() ?? budgetReason(),
      signal: ctx.signal,
      async run(spec, needed) {
        const reused = await options.reuse?.(spec, needed);
        if (reused) {
          done++;
          core.info(`${stamp()} ♻ ${spec.id} ${reused.status} in attempt ${reused.reusedFrom}: not run again`);
          // A reused planner's agents.yml came back with its artifact, so it adds the same agents as before.
          return expand(spec, reused, path.join(reused.outputDir, 'workspace'));
        }
        running++;
        const agent = adaptive?.agent(ctx);
        const ran = await runInWorkspace(spec, agent?.ctx ?? ctx, options.workspaces, needed, expand);
        agent?.finished();
        // The one point where what an agent wrote becomes a result that goes anywhere (the log, the comment,
        // the agents that need it, the outputs): scrubbed once, here.
        const outcome = { ...ran, result: redactResult(ran.result, ctx.secrets ?? []) };
        const { result } = outcome;
        running--;
        done++;
        spentUsd += result.costUsd ?? 0;
        logFinished(spec, result);
        // An agent refused before its CLI started left nothing to upload.
        if (result.attempts > 0) options.onFinished?.(result);
        return outcome;
      },
      notRun(spec, why) {
        done++;
        if ('skipped' in why) core.info(`${stamp()} ⏭ ${spec.id} skipped: ${why.skipped}`);
        return notStarted(spec, agentPaths(ctx.runDir, spec.id).outputDir, 'skipped' in why ? why.skipped : undefined);
      },
    });
  } finally {
    clearInterval(progress);
    adaptive?.close();
  }
}

/** The planner's result and the agents it adds (their ids added to `ids`), or the planner failed with the reason it adds none. */
function planExpander(plan: RunAgentsOptions['plan'], ids: string[]): Expand {
  return (spec, ran, folder) => {
    if (!spec.spawn || ran.status !== 'success' || !plan) return { result: ran };
    let added: AgentSpec[];
    try {
      added = plan(spec, folder, ids);
    } catch (err) {
      return { result: failedAfter(ran, errorMessage(err)) };
    }
    ids.push(...added.map((s) => s.id));
    core.info(`${stamp()} ⊕ ${spec.id} added ${added.length} agents: ${added.map((s) => s.id).join(', ')}`);
    return { result: ran, added };
  };
}

/** Why no further agent starts once `spentUsd()` reached `budgetUsd`, logged the first time. */
function budgetStop(budgetUsd: number | undefined, spentUsd: () => number): () => string | undefined {
  let logged = false;
  return () => {
    if (budgetUsd === undefined || spentUsd() < budgetUsd) return undefined;
    const reason = `the run's budget of ${formatUsd(budgetUsd)} was reached (${formatUsd(spentUsd())} spent)`;
    if (!logged) core.info(`${stamp()} ${reason}: no further agent starts`);
    logged = true;
    return reason;
  };
}

/** The line that says how an agent ended. */
function logFinished(spec: AgentSpec, result: AgentResult): void {
  const tries = result.attempts > 1 ? ` after ${result.attempts} attempts` : '';
  const changed = result.changes?.files ? `, changes ${formatChanges(result.changes)}` : '';
  const line = `${stamp()} ■ ${spec.id} ${result.status} in ${formatDuration(result.durationMs)}${tries}${changed}`;
  // The reason quotes the CLI or the model: the runner must not obey it.
  if (result.error) logUntrusted(`${line}: ${result.error}`);
  else core.info(line);
}

/**
 * One agent in its workspace: the folder is made (while earlier agents start), the agent runs in it, what it
 * changed is collected into its output folder, and the folder is removed, whatever happened.
 */
async function runInWorkspace(
  spec: AgentSpec,
  ctx: AgentContext,
  workspaces: Workspaces | undefined,
  needed: readonly AgentResult[],
  expand: Expand,
): Promise<JobOutcome> {
  const { outputDir, workspace: ownFolder } = agentPaths(ctx.runDir, spec.id);
  let prepared: AgentWorkspace | undefined;
  try {
    prepared = await workspaces?.prepare(spec);
  } catch (err) {
    if (ctx.signal.aborted) return { result: notStarted(spec, outputDir) };
    const error = `its ${workspaces?.modeOf(spec)} could not be made: ${errorMessage(err)}`;
    return { result: refused(spec, outputDir, error) };
  }
  try {
    const where = !prepared ? '' : prepared.mode === 'shared' ? ' in the checkout' : ` in its ${prepared.mode}`;
    const made = prepared?.setupMs ? ` (made in ${formatDuration(prepared.setupMs)})` : '';
    core.info(`${stamp()} ▶ ${spec.id} started${where}${made}`);
    const ran = await runAgent(spec, ctx, needed, prepared);
    // Once cancelled, what is left of the deadline goes to removing the folders and the uploads.
    const result = !prepared || ctx.signal.aborted ? ran : await withChanges(ran, prepared, outputDir);
    // A planner's file is read where it wrote it, before its folder is removed.
    return expand(spec, result, prepared?.cwd ?? ownFolder);
  } finally {
    // Not waited for: removing a tree is no part of the agent's time; `Workspaces.close` waits for it.
    void prepared?.cleanup();
  }
}

/** The result with what the agent changed in its worktree or copy; a failure when that could not be collected. */
async function withChanges(result: AgentResult, prepared: AgentWorkspace, outputDir: string): Promise<AgentResult> {
  try {
    const changes = await prepared.collect(outputDir);
    return changes ? { ...result, changes } : result;
  } catch (err) {
    const error = `its changes could not be collected: ${errorMessage(err)}`;
    return {
      ...result,
      status: result.status === 'success' ? 'failure' : result.status,
      error: result.error ? `${result.error}; ${error}` : error,
    };
  }
}
