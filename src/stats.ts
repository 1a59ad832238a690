import type { AgentResult } from './types.js';

export interface RunStats {
  agents: number;
  succeeded: number;
  failed: number;
  /** From the first agent's start to the last agent's finish. */
  wallTimeMs: number;
  /** What running the same agents one after another would have taken, estimated. */
  sumDurationMs: number;
  speedup: number;
  efficiency: number;
  parallelism: number;
  totalCostUsd: number;
}

export function computeStats(results: readonly AgentResult[], maxParallel: number): RunStats {
  // Agents cancelled before they started took no time and say nothing of the overlap.
  const ran = results.filter((r) => r.durationMs > 0);
  const starts = ran.map((r) => Date.parse(r.startedAt));
  const ends = ran.map((r) => Date.parse(r.finishedAt));
  const wallTimeMs = ran.length ? Math.max(...ends) - Math.min(...starts) : 0;
  const sumDurationMs = ran.reduce((sum, r) => sum + r.durationMs, 0);
  const speedup = wallTimeMs > 0 ? sumDurationMs / wallTimeMs : 0;
  const parallelism = Math.max(1, Math.min(results.length, maxParallel));
  const succeeded = results.filter((r) => r.status === 'success').length;
  return {
    agents: results.length,
    succeeded,
    failed: results.length - succeeded,
    wallTimeMs,
    sumDurationMs,
    speedup,
    efficiency: speedup / parallelism,
    parallelism,
    totalCostUsd: results.reduce((sum, r) => sum + (r.costUsd ?? 0), 0),
  };
}
