import type { AgentResult, RateLimits, RunStats, TokenUsage } from '../types.js';

export interface SequentialEstimate {
  sumDurationMs: number;
  /** Each agent's start-up (spawn to first output), at most its duration, summed. */
  startupsMs: number;
  sequentialEstimateMs: number;
}

/**
 * What running `agents` one after another would take, the one formula the summary and the benchmark share.
 * `agentsCpuMs` is the CPU time all agents' processes used. Agents that start together on a small runner
 * wait on each other's CPU while they start up, which stretches every duration; alone, an agent starts in
 * about the CPU time its start-up takes. So the estimate counts each agent's time after its start-up as
 * measured, and the start-ups as at most the CPU the agents used. Without contention (or without a CPU
 * figure) it is the plain sum of durations.
 */
export function estimateSequential(
  agents: readonly { durationMs: number; startupMs: number }[],
  agentsCpuMs?: number,
): SequentialEstimate {
  const sumDurationMs = agents.reduce((sum, a) => sum + a.durationMs, 0);
  const startupsMs = agents.reduce((sum, a) => sum + Math.min(a.startupMs, a.durationMs), 0);
  const sequentialEstimateMs = sumDurationMs - startupsMs + Math.min(startupsMs, agentsCpuMs ?? startupsMs);
  return { sumDurationMs, startupsMs, sequentialEstimateMs };
}

/** The run's numbers for the summary and the outputs; see `estimateSequential` for the speedup. */
export function computeStats(
  results: readonly AgentResult[],
  maxParallel: number,
  agentsCpuMs?: number,
  rateLimits?: RateLimits,
): RunStats {
  // Agents cancelled before they started took no time and say nothing of the overlap; agents reused from an
  // earlier attempt of a re-run ran then, not in this run's time.
  const ran = results.filter((r) => r.durationMs > 0 && r.reusedFrom === undefined);
  const starts = ran.map((r) => Date.parse(r.startedAt));
  const ends = ran.map((r) => Date.parse(r.finishedAt));
  const wallTimeMs = ran.length ? Math.max(...ends) - Math.min(...starts) : 0;
  const { sumDurationMs, sequentialEstimateMs } = estimateSequential(ran, agentsCpuMs);
  const speedup = wallTimeMs > 0 ? sequentialEstimateMs / wallTimeMs : 0;
  const parallelism = Math.max(1, Math.min(results.filter((r) => r.reusedFrom === undefined).length, maxParallel));
  const succeeded = results.filter((r) => r.status === 'success').length;
  return {
    agents: results.length,
    succeeded,
    failed: results.length - succeeded,
    wallTimeMs,
    sumDurationMs,
    sequentialEstimateMs,
    speedup,
    efficiency: speedup / parallelism,
    parallelism,
    totalCostUsd: results.reduce((sum, r) => sum + (r.costUsd ?? 0), 0),
    totalUsage: {
      inputTokens: results.reduce((sum, r) => sum + (r.usage?.inputTokens ?? 0), 0),
      outputTokens: results.reduce((sum, r) => sum + (r.usage?.outputTokens ?? 0), 0),
      cacheReadTokens: results.reduce((sum, r) => sum + (r.usage?.cacheReadTokens ?? 0), 0),
      cacheCreationTokens: results.reduce((sum, r) => sum + (r.usage?.cacheCreationTokens ?? 0), 0),
    },
    rateLimits,
  };
}

/**
 * The numbers of one run made of several side by side (a matrix split over jobs, `parts` being each job's own
 * numbers): counts and cost over all `results`, the wall time from the first start to the last finish on any
 * runner, and the one-after-another estimate as the sum of the parts' own, since each runner's start-ups are
 * bounded by the CPU of that runner (see `estimateSequential`). The parallelism is the parts' added up.
 */
export function combineStats(results: readonly AgentResult[], parts: readonly RunStats[]): RunStats {
  const ran = parts.filter((p) => p.agents > 0);
  const parallelism = Math.max(
    1,
    ran.reduce((sum, p) => sum + p.parallelism, 0),
  );
  const whole = computeStats(results, parallelism);
  const sequentialEstimateMs = ran.reduce((sum, p) => sum + p.sequentialEstimateMs, 0);
  const speedup = whole.wallTimeMs > 0 ? sequentialEstimateMs / whole.wallTimeMs : 0;
  return { ...whole, sequentialEstimateMs, speedup, efficiency: speedup / parallelism, parallelism };
}

/** The share of input tokens read from the prompt cache (0 to 1); null without any input. */
export function cacheReadShare(u: TokenUsage): number | null {
  const input = u.inputTokens + u.cacheReadTokens + u.cacheCreationTokens;
  return input > 0 ? u.cacheReadTokens / input : null;
}
