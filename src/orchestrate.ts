import * as core from '@actions/core';
import { runAgent, agentPaths, type AgentContext } from './agent.js';
import { runPool } from './pool.js';
import { formatDuration } from './summary.js';
import type { AgentResult, AgentSpec } from './types.js';

/** One CLI's peak memory, as measured by the benchmark (173 to 198 MB). */
export const AGENT_PEAK_BYTES = 200 * 1024 * 1024;

/**
 * How many agents run at once when `max-parallel` is not set: all of them, unless the runner's memory
 * would not hold them. CPU needs no cap here: a CLI waiting on the model uses about 2.5% of a core, and
 * start-ups, which need a whole core each, are paced by the start gate.
 */
export function defaultMaxParallel(agents: number, totalMemoryBytes: number): number {
  return Math.max(1, Math.min(agents, Math.floor((totalMemoryBytes * 0.75) / AGENT_PEAK_BYTES)));
}

/** How often the log says how far the run is. */
export const PROGRESS_EVERY_MS = 30_000;

const stamp = () => new Date().toISOString();

/** A result for an agent that never started because the run was cancelled first. */
function notStarted(spec: AgentSpec, runDir: string): AgentResult {
  const now = new Date().toISOString();
  return {
    id: spec.id,
    status: 'cancelled',
    exitCode: null,
    startedAt: now,
    finishedAt: now,
    durationMs: 0,
    startupMs: 0,
    turns: null,
    costUsd: null,
    sessionId: null,
    outputDir: agentPaths(runDir, spec.id).outputDir,
    error: 'cancelled before it started',
    attempts: 0,
    answer: '',
  };
}

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
        return notStarted(spec, ctx.runDir);
      },
      ctx.signal,
    );
  } finally {
    clearInterval(progress);
  }
}
