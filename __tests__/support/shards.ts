// Results and shards built by hand for the shard tests.
import { buildManifest, type ShardData } from '../../src/shard/manifest.js';
import { computeStats } from '../../src/report/stats.js';
import type { AgentResult, AgentStatus } from '../../src/types.js';
import { makeResult } from './results.js';

export const T0 = Date.parse('2025-01-01T00:00:00.000Z');

/** An agent that ran from `startS` for `seconds` (seconds after T0). */
export function result(id: string, startS: number, seconds: number, status: AgentStatus = 'success'): AgentResult {
  return makeResult(id, {
    status,
    exitCode: status === 'success' ? 0 : 1,
    startedAt: new Date(T0 + startS * 1000).toISOString(),
    finishedAt: new Date(T0 + (startS + seconds) * 1000).toISOString(),
    durationMs: seconds * 1000,
    turns: 1,
    costUsd: 0.25,
    sessionId: null,
    outputDir: `/runner/${id}`,
    error: status === 'success' ? null : 'it failed',
    answer: `answer of ${id}`,
  });
}

/** Shard `index` of `count` of a matrix of `matrix` ids, with these results (added agents are not in `matrix`). */
export function shard(index: number, count: number, matrix: string[], results: AgentResult[]): ShardData {
  const positions = new Map(matrix.map((id, i) => [id, i]));
  const manifest = buildManifest(
    { index, count },
    positions,
    results,
    computeStats(results, results.length),
    new Date(T0 - 30_000),
    new Date(T0 + 600_000),
  );
  return { name: `agent-shard-${index}-of-${count}`, manifest, results, answers: new Map() };
}
