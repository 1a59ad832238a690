import type { AgentResult } from '../../src/types.js';

const T0 = Date.parse('2025-01-01T00:00:00.000Z');

/** A finished agent's result, for the tests of what is rendered from results. */
export function makeResult(id: string, overrides: Partial<AgentResult> = {}): AgentResult {
  const durationMs = overrides.durationMs ?? 5000;
  return {
    id,
    status: 'success',
    exitCode: 0,
    startedAt: new Date(T0).toISOString(),
    finishedAt: new Date(T0 + durationMs).toISOString(),
    durationMs,
    startupMs: 0,
    turns: 2,
    costUsd: 0.01,
    sessionId: `s-${id}`,
    outputDir: `/tmp/out/${id}`,
    error: null,
    attempts: 1,
    answer: `Answer of ${id}`,
    usage: null,
    ...overrides,
  };
}
