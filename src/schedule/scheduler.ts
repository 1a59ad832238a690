import * as core from '@actions/core';
import { agentPaths, type AgentContext } from '../agent/context.js';
import { notStarted } from '../agent/result.js';
import { runAgent } from '../agent/run.js';
import type { AgentResult, AgentSpec } from '../types.js';
import { formatDuration } from '../util/format.js';
import { logUntrusted } from '../util/log.js';
import { schedule, type ScheduleOptions } from './engine.js';

/** How often the log says how far the run is. */
export const PROGRESS_EVERY_MS = 30_000;

const stamp = () => new Date().toISOString();

export interface RunAgentsOptions extends Pick<ScheduleOptions, 'limit' | 'stopReason' | 'onWake' | 'onEvent'> {
  maxParallel: number;
  ctx: AgentContext;
  /** Called as each agent that ran ends (to start its upload at once). */
  onFinished?: (result: AgentResult) => void;
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
        core.info(`${stamp()} ▶ ${spec.id} started`);
        const result = await runAgent(spec, ctx);
        running--;
        done++;
        const tries = result.attempts > 1 ? ` after ${result.attempts} attempts` : '';
        const line = `${stamp()} ■ ${spec.id} ${result.status} in ${formatDuration(result.durationMs)}${tries}`;
        // The reason quotes the CLI or the model: the runner must not obey it.
        if (result.error) logUntrusted(`${line}: ${result.error}`);
        else core.info(line);
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
