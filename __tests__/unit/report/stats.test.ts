import { describe, expect, it } from 'vitest';
import { cacheReadShare, combineStats, computeStats, estimateSequential } from '../../../src/report/stats.js';
import type { AgentResult } from '../../../src/types.js';

const T0 = Date.parse('2025-06-01T12:00:00.000Z');

/** An agent that ran from T0 + startMs for durationMs. */
function ran(startMs: number, durationMs: number, overrides: Partial<AgentResult> = {}): AgentResult {
  return {
    id: `agent-${startMs}-${durationMs}`,
    status: 'success',
    exitCode: 0,
    startedAt: new Date(T0 + startMs).toISOString(),
    finishedAt: new Date(T0 + startMs + durationMs).toISOString(),
    durationMs,
    startupMs: 0,
    turns: 1,
    costUsd: null,
    sessionId: null,
    outputDir: '/tmp/x',
    error: null,
    attempts: 1,
    answer: '',
    usage: null,
    ...overrides,
  };
}

/** An agent cancelled before it started: no time, stamped when the run was cancelled. */
function notStarted(atMs: number): AgentResult {
  return ran(atMs, 0, { status: 'cancelled', exitCode: null, error: 'cancelled with the run', turns: null });
}

describe('computeStats', () => {
  it('measures wall time from the first start to the last finish', () => {
    // Ends are not in start order: the longest agent started first.
    const stats = computeStats([ran(1000, 2000), ran(0, 10_000), ran(4000, 3000)], 3);
    expect(stats.wallTimeMs).toBe(10_000);
    expect(stats.sumDurationMs).toBe(15_000);
    expect(stats.speedup).toBeCloseTo(1.5, 10);
    expect(stats.parallelism).toBe(3);
    expect(stats.efficiency).toBeCloseTo(0.5, 10);
  });

  it('takes the last finish even when it is not the last start', () => {
    const stats = computeStats([ran(0, 1000), ran(500, 9500), ran(9000, 200)], 10);
    expect(stats.wallTimeMs).toBe(10_000);
  });

  it('gives speedup N and efficiency 1 for N agents in perfect overlap', () => {
    const stats = computeStats([ran(0, 4000), ran(0, 4000), ran(0, 4000), ran(0, 4000)], 4);
    expect(stats.wallTimeMs).toBe(4000);
    expect(stats.speedup).toBe(4);
    expect(stats.efficiency).toBe(1);
  });

  it('gives speedup 1 for agents run one after another', () => {
    const stats = computeStats([ran(0, 1000), ran(1000, 2000), ran(3000, 3000)], 1);
    expect(stats.wallTimeMs).toBe(6000);
    expect(stats.speedup).toBe(1);
    expect(stats.parallelism).toBe(1);
    expect(stats.efficiency).toBe(1);
  });

  it('divides efficiency by max-parallel when it is below the number of agents', () => {
    // 4 agents, 2 at a time, in two perfect waves.
    const stats = computeStats([ran(0, 5000), ran(0, 5000), ran(5000, 5000), ran(5000, 5000)], 2);
    expect(stats.speedup).toBe(2);
    expect(stats.parallelism).toBe(2);
    expect(stats.efficiency).toBe(1);
  });

  it('divides efficiency by the number of agents when max-parallel is larger', () => {
    const stats = computeStats([ran(0, 3000), ran(0, 3000)], 50);
    expect(stats.parallelism).toBe(2);
    expect(stats.efficiency).toBe(1);
  });

  it('leaves agents cancelled before they started out of the timing, but counts them as failed', () => {
    const withCancelled = computeStats([ran(0, 2000), ran(1000, 2000), notStarted(60_000), notStarted(90_000)], 4);
    expect(withCancelled.wallTimeMs).toBe(3000);
    expect(withCancelled.sumDurationMs).toBe(4000);
    expect(withCancelled.speedup).toBeCloseTo(4000 / 3000, 10);
    expect(withCancelled.agents).toBe(4);
    expect(withCancelled.succeeded).toBe(2);
    expect(withCancelled.failed).toBe(2);
    expect(withCancelled.parallelism).toBe(4);
    expect(withCancelled.efficiency).toBeCloseTo(4000 / 3000 / 4, 10);
  });

  it('reports zero timing when no agent ran', () => {
    const stats = computeStats([notStarted(0), notStarted(5000)], 2);
    expect(stats).toEqual({
      agents: 2,
      succeeded: 0,
      failed: 2,
      wallTimeMs: 0,
      sumDurationMs: 0,
      sequentialEstimateMs: 0,
      speedup: 0,
      efficiency: 0,
      parallelism: 2,
      totalCostUsd: 0,
      totalUsage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheCreationTokens: 0 },
    });
  });

  it('handles an empty run', () => {
    const stats = computeStats([], 5);
    expect(stats.agents).toBe(0);
    expect(stats.wallTimeMs).toBe(0);
    expect(stats.speedup).toBe(0);
    expect(stats.parallelism).toBe(1);
    expect(Number.isFinite(stats.efficiency)).toBe(true);
  });

  it('counts only successes as succeeded', () => {
    const stats = computeStats(
      [
        ran(0, 10),
        ran(0, 10, { status: 'failure' }),
        ran(0, 10, { status: 'timeout' }),
        ran(0, 10, { status: 'cancelled' }),
        ran(0, 10),
      ],
      5,
    );
    expect(stats.succeeded).toBe(2);
    expect(stats.failed).toBe(3);
    expect(stats.agents).toBe(5);
  });

  it('sums the costs, reading unknown ones as nothing', () => {
    const stats = computeStats(
      [ran(0, 10, { costUsd: 0.25 }), ran(0, 10, { costUsd: null }), ran(0, 10, { costUsd: 1.5 }), notStarted(0)],
      4,
    );
    expect(stats.totalCostUsd).toBeCloseTo(1.75, 10);
    expect(computeStats([ran(0, 10), notStarted(0)], 2).totalCostUsd).toBe(0);
  });

  it('sums the tokens, reading unknown ones as nothing', () => {
    const usage = (n: number) => ({
      inputTokens: n,
      outputTokens: 2 * n,
      cacheReadTokens: 3 * n,
      cacheCreationTokens: 4 * n,
    });
    const stats = computeStats([ran(0, 10, { usage: usage(1) }), ran(0, 10, { usage: usage(10) }), notStarted(0)], 4);
    expect(stats.totalUsage).toEqual(usage(11));
    expect(computeStats([notStarted(0)], 1).totalUsage).toEqual(usage(0));
  });

  it('carries the rate limits the scheduler met', () => {
    const rateLimits = { events: 3, lowest: 2, adaptive: true };
    expect(computeStats([ran(0, 10)], 4, undefined, rateLimits).rateLimits).toEqual(rateLimits);
    expect(computeStats([ran(0, 10)], 4).rateLimits).toBeUndefined();
  });

  it('counts the cost of failed agents too', () => {
    const stats = computeStats([ran(0, 10, { status: 'failure', costUsd: 0.1 }), ran(0, 10, { costUsd: 0.2 })], 2);
    expect(stats.totalCostUsd).toBeCloseTo(0.3, 10);
  });
});

describe('the one-after-another estimate under contention', () => {
  // Four agents started together; each waited 3 s on the CPU to start, then 10 s on the model.
  const contended = [0, 0, 0, 0].map((start, i) => ran(start, 13_000, { id: `a${i}`, startupMs: 3000 }));

  it('is the plain sum of durations when no CPU figure is known', () => {
    const stats = computeStats(contended, 4);
    expect(stats.sequentialEstimateMs).toBe(52_000);
    expect(stats.speedup).toBe(4);
  });

  it('counts the start-ups as no more than the CPU the agents used', () => {
    const stats = computeStats(contended, 4, 2000);
    expect(stats.sumDurationMs).toBe(52_000);
    expect(stats.sequentialEstimateMs).toBe(4 * 10_000 + 2000);
    expect(stats.speedup).toBeCloseTo(42_000 / 13_000, 10);
    expect(stats.efficiency).toBeCloseTo(42_000 / 13_000 / 4, 10);
  });

  it('changes nothing when the start-ups took no longer than their CPU', () => {
    expect(computeStats(contended, 4, 60_000).sequentialEstimateMs).toBe(52_000);
  });

  it('never counts more start-up than an agent ran', () => {
    const odd = [ran(0, 1000, { startupMs: 5000 })];
    expect(computeStats(odd, 1, 0).sequentialEstimateMs).toBe(0);
  });
});

describe('estimateSequential', () => {
  const agents = [
    { durationMs: 10_000, startupMs: 3_000 },
    { durationMs: 10_000, startupMs: 1_000 },
    // A start-up longer than the agent's duration counts as no more than the duration.
    { durationMs: 500, startupMs: 900 },
  ];

  it('is the plain sum of durations without a CPU figure', () => {
    expect(estimateSequential(agents)).toEqual({
      sumDurationMs: 20_500,
      startupsMs: 4_500,
      sequentialEstimateMs: 20_500,
    });
  });

  it('counts the start-ups as no more than the CPU time the agents used', () => {
    expect(estimateSequential(agents, 1_200).sequentialEstimateMs).toBe(20_500 - 4_500 + 1_200);
    expect(estimateSequential(agents, 60_000).sequentialEstimateMs).toBe(20_500);
  });

  it('is zero for no agents', () => {
    expect(estimateSequential([], 0)).toEqual({ sumDurationMs: 0, startupsMs: 0, sequentialEstimateMs: 0 });
  });
});

describe('combineStats', () => {
  const at = (id: string, startS: number, seconds: number) =>
    ran(startS * 1000, seconds * 1000, { id, startupMs: 1000, costUsd: 0.5 });

  it('spans every runner, and adds up the parts’ estimates and parallelism', () => {
    const first = [at('a', 0, 10), at('b', 0, 10)];
    const second = [at('c', 5, 10)];
    // The first runner's start-ups were bounded by its CPU (0.5 s for two 1 s start-ups).
    const parts = [computeStats(first, 2, 500), computeStats(second, 4)];
    const whole = combineStats([...first, ...second], parts);
    expect(whole.wallTimeMs).toBe(15_000);
    expect(whole.sequentialEstimateMs).toBe(parts[0]!.sequentialEstimateMs + parts[1]!.sequentialEstimateMs);
    expect(whole.sequentialEstimateMs).toBe(18_500 + 10_000);
    expect(whole.speedup).toBeCloseTo(28_500 / 15_000);
    expect(whole.parallelism).toBe(3);
    expect(whole.efficiency).toBeCloseTo(whole.speedup / 3);
    expect(whole).toMatchObject({ agents: 3, succeeded: 3, failed: 0, sumDurationMs: 30_000, totalCostUsd: 1.5 });
  });

  it('is zero for no agents', () => {
    expect(combineStats([], [computeStats([], 1)])).toMatchObject({ agents: 0, wallTimeMs: 0, speedup: 0 });
  });
});

describe('cacheReadShare', () => {
  it('is the share of all input tokens read from the cache', () => {
    expect(cacheReadShare({ inputTokens: 100, outputTokens: 9, cacheReadTokens: 300, cacheCreationTokens: 100 })).toBe(
      0.6,
    );
    expect(cacheReadShare({ inputTokens: 10, outputTokens: 9, cacheReadTokens: 0, cacheCreationTokens: 0 })).toBe(0);
  });

  it('is null without any input', () => {
    expect(cacheReadShare({ inputTokens: 0, outputTokens: 9, cacheReadTokens: 0, cacheCreationTokens: 0 })).toBeNull();
  });
});
