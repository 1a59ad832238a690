import * as core from '@actions/core';
import { agentPaths, type AgentContext } from '../agent/context.js';
import { failedToStart, notStarted } from '../agent/result.js';
import { runAgent } from '../agent/run.js';
import type { AgentResult, AgentSpec } from '../types.js';
import { errorMessage } from '../util/errors.js';
import { formatChanges, formatDuration } from '../util/format.js';
import type { PreparedWorkspace, Workspaces } from '../workspace/workspaces.js';
import { schedule, type ScheduleOptions } from './engine.js';

/** How often the log says how far the run is. */
export const PROGRESS_EVERY_MS = 30_000;

const stamp = () => new Date().toISOString();

export interface RunAgentsOptions extends Pick<ScheduleOptions, 'limit' | 'stopReason' | 'onWake' | 'onEvent'> {
  maxParallel: number;
  ctx: AgentContext;
  /** Called as each agent that ran ends (to start its upload at once). */
  onFinished?: (result: AgentResult) => void;
  /** Makes each agent's folder (a worktree, a copy) and collects its changes; without it every folder is empty. */
  workspaces?: Workspaces;
}

/**
 * Runs every agent (see `schedule` for the order), logging each start and end and a progress line every 30 s.
 */
export async function runAgents(specs: readonly AgentSpec[], options: RunAgentsOptions): Promise<AgentResult[]> {
  const { ctx } = options;
  let running = 0;
  let done = 0;
  const progress = setInterval(() => {
    core.info(`${stamp()} progress: ${done} done, ${running} running, ${specs.length - done - running} waiting`);
  }, PROGRESS_EVERY_MS);
  try {
    return await schedule(specs, {
      ...options,
      signal: ctx.signal,
      async run(spec) {
        running++;
        const result = await runInWorkspace(spec, ctx, options.workspaces);
        running--;
        done++;
        const tries = result.attempts > 1 ? ` after ${result.attempts} attempts` : '';
        const why = result.error ? `: ${result.error}` : '';
        const changed = result.changes ? `, changes ${formatChanges(result.changes)}` : '';
        core.info(
          `${stamp()} ■ ${spec.id} ${result.status} in ${formatDuration(result.durationMs)}${tries}${changed}${why}`,
        );
        options.onFinished?.(result);
        return { result };
      },
      notRun(spec, why) {
        done++;
        if ('skipped' in why) core.info(`${stamp()} ⏭ ${spec.id} skipped: ${why.skipped}`);
        return notStarted(spec, agentPaths(ctx.runDir, spec.id).outputDir, 'skipped' in why ? why.skipped : undefined);
      },
    });
  } finally {
    clearInterval(progress);
  }
}

/**
 * One agent in its workspace: the folder is made (while earlier agents start), the agent runs in it, what it
 * changed is collected into its output folder, and the folder is removed, whatever happened.
 */
async function runInWorkspace(spec: AgentSpec, ctx: AgentContext, workspaces?: Workspaces): Promise<AgentResult> {
  const { outputDir } = agentPaths(ctx.runDir, spec.id);
  let prepared: PreparedWorkspace | undefined;
  try {
    prepared = await workspaces?.prepare(spec);
  } catch (err) {
    if (ctx.signal.aborted) return notStarted(spec, outputDir);
    return failedToStart(spec, outputDir, `its ${workspaces?.modeOf(spec)} could not be made: ${errorMessage(err)}`);
  }
  try {
    const where = !prepared ? '' : prepared.mode === 'shared' ? ' in the checkout' : ` in its ${prepared.mode}`;
    const made = prepared?.setupMs ? ` (made in ${formatDuration(prepared.setupMs)})` : '';
    core.info(`${stamp()} ▶ ${spec.id} started${where}${made}`);
    const result = await runAgent(spec, ctx, prepared);
    // Once cancelled, what is left of the deadline goes to removing the folders and the uploads.
    if (!prepared || ctx.signal.aborted) return result;
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
  } finally {
    // Not waited for: removing a tree is no part of the agent's time; `Workspaces.close` waits for it.
    void prepared?.cleanup();
  }
}
