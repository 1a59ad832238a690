import * as core from '@actions/core';
import { agentPaths, type AgentContext } from '../agent/context.js';
import { failedAfter, notStarted } from '../agent/result.js';
import { runAgent } from '../agent/run.js';
import type { AgentResult, AgentSpec } from '../types.js';
import { formatDuration } from '../util/format.js';
import { schedule, type ScheduleOptions } from './engine.js';

/** How often the log says how far the run is. */
export const PROGRESS_EVERY_MS = 30_000;

const stamp = () => new Date().toISOString();

export interface RunAgentsOptions extends Pick<ScheduleOptions, 'limit' | 'stopReason' | 'onWake' | 'onEvent'> {
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
}

/**
 * Runs every agent (see `schedule` for the order), logging each start and end and a progress line every 30 s.
 */
export async function runAgents(specs: readonly AgentSpec[], options: RunAgentsOptions): Promise<AgentResult[]> {
  const { ctx } = options;
  const ids = specs.map((s) => s.id);
  let running = 0;
  let done = 0;
  const progress = setInterval(() => {
    core.info(`${stamp()} progress: ${done} done, ${running} running, ${ids.length - done - running} waiting`);
  }, PROGRESS_EVERY_MS);

  /** The planner's result, and the agents it adds, or the planner failed with the reason it adds none. */
  const expand = (spec: AgentSpec, ran: AgentResult): { result: AgentResult; added?: AgentSpec[] } => {
    if (!spec.spawn || ran.status !== 'success' || !options.plan) return { result: ran };
    let added: AgentSpec[];
    try {
      added = options.plan(spec, agentPaths(ctx.runDir, spec.id).workspace, ids);
    } catch (err) {
      return { result: failedAfter(ran, err instanceof Error ? err.message : String(err)) };
    }
    ids.push(...added.map((s) => s.id));
    core.info(`${stamp()} ⊕ ${spec.id} added ${added.length} agents: ${added.map((s) => s.id).join(', ')}`);
    return { result: ran, added };
  };

  try {
    return await schedule(specs, {
      ...options,
      signal: ctx.signal,
      async run(spec, needed) {
        running++;
        core.info(`${stamp()} ▶ ${spec.id} started`);
        const outcome = expand(spec, await runAgent(spec, ctx, needed));
        const { result } = outcome;
        running--;
        done++;
        const tries = result.attempts > 1 ? ` after ${result.attempts} attempts` : '';
        const why = result.error ? `: ${result.error}` : '';
        core.info(`${stamp()} ■ ${spec.id} ${result.status} in ${formatDuration(result.durationMs)}${tries}${why}`);
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
  }
}
