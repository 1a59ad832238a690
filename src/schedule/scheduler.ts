import * as core from '@actions/core';
import { agentPaths, type AgentContext } from '../agent/context.js';
import { notStarted } from '../agent/result.js';
import { runAgent } from '../agent/run.js';
import type { AgentResult, AgentSpec } from '../types.js';
import { formatDuration } from '../util/format.js';
import { runPool } from './pool.js';

/** How often the log says how far the run is. */
export const PROGRESS_EVERY_MS = 30_000;

const stamp = () => new Date().toISOString();

/**
 * Runs every agent, at most `maxParallel` at once, logging each start and end and a progress line
 * every 30 s. `onFinished` is called as each agent ends (to start its upload at once).
 */
export async function runAgents(
  specs: readonly AgentSpec[],
  maxParallel: number,
  ctx: AgentContext,
  onFinished: (result: AgentResult) => void,
): Promise<AgentResult[]> {
  let running = 0;
  let done = 0;
  const progress = setInterval(() => {
    core.info(`${stamp()} progress: ${done} done, ${running} running, ${specs.length - done - running} waiting`);
  }, PROGRESS_EVERY_MS);
  try {
    return await runPool(
      specs,
      maxParallel,
      async (spec) => {
        running++;
        core.info(`${stamp()} ▶ ${spec.id} started`);
        const result = await runAgent(spec, ctx);
        running--;
        done++;
        const tries = result.attempts > 1 ? ` after ${result.attempts} attempts` : '';
        const why = result.error ? `: ${result.error}` : '';
        core.info(`${stamp()} ■ ${spec.id} ${result.status} in ${formatDuration(result.durationMs)}${tries}${why}`);
        onFinished(result);
        return result;
      },
      (spec) => {
        done++;
        return notStarted(spec, agentPaths(ctx.runDir, spec.id).outputDir);
      },
      ctx.signal,
    );
  } finally {
    clearInterval(progress);
  }
}
