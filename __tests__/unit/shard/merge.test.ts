import { describe, expect, it } from 'vitest';
import { mergeShards } from '../../../src/shard/merge.js';
import { shard, result } from '../../support/shards.js';

const MATRIX = ['a', 'b', 'c', 'd', 'e'];

describe('mergeShards', () => {
  it('makes the shards one run: every agent in matrix order, added agents after, a runner per shard', () => {
    // Round-robin over two shards: a, c, e and b, d; c added "c-worker" at run time.
    const one = shard(1, 2, MATRIX, [
      result('a', 0, 10),
      result('c', 0, 20),
      result('e', 1, 5),
      result('c-worker', 20, 4),
    ]);
    const two = shard(2, 2, MATRIX, [result('b', 2, 10), result('d', 3, 30, 'failure')]);
    const merged = mergeShards([two, one]);
    expect(merged.count).toBe(2);
    expect(merged.missing).toEqual([]);
    expect(merged.results.map((r) => r.id)).toEqual(['a', 'b', 'c', 'd', 'e', 'c-worker']);
    expect(merged.runners.map((r) => [r.label, r.ids])).toEqual([
      ['shard 1 of 2', ['a', 'c', 'e', 'c-worker']],
      ['shard 2 of 2', ['b', 'd']],
    ]);
    expect(merged.runners[1]!.stats).toEqual(two.manifest.stats);
    expect(merged.stats).toMatchObject({ agents: 6, succeeded: 5, failed: 1, wallTimeMs: 33_000, totalCostUsd: 1.5 });
  });

  it('adds up the shards’ own one-after-another estimates and parallelism for the speedup', () => {
    const one = shard(1, 2, MATRIX, [result('a', 0, 10), result('c', 0, 10)]);
    const two = shard(2, 2, MATRIX, [result('b', 0, 10), result('d', 0, 10)]);
    // Each shard bounded its start-ups by its own CPU: its estimate is what counts, not the plain sum.
    one.manifest.stats.sequentialEstimateMs = 15_000;
    const { stats } = mergeShards([one, two]);
    expect(stats.sumDurationMs).toBe(40_000);
    expect(stats.sequentialEstimateMs).toBe(35_000);
    expect(stats.wallTimeMs).toBe(10_000);
    expect(stats.speedup).toBeCloseTo(3.5);
    expect(stats.parallelism).toBe(4);
    expect(stats.efficiency).toBeCloseTo(3.5 / 4);
  });

  it('names the missing shards, and does not count an empty shard’s parallelism', () => {
    const one = shard(1, 4, MATRIX, [result('a', 0, 10), result('e', 0, 10)]);
    const three = shard(3, 4, MATRIX, []);
    const merged = mergeShards([three, one]);
    expect(merged.missing).toEqual([2, 4]);
    expect(merged.results.map((r) => r.id)).toEqual(['a', 'e']);
    expect(merged.stats.parallelism).toBe(2);
    expect(merged.runners.map((r) => r.label)).toEqual(['shard 1 of 4', 'shard 3 of 4']);
  });

  it('refuses shards of different splits, naming them', () => {
    expect(() => mergeShards([shard(1, 2, MATRIX, []), shard(1, 3, MATRIX, [])])).toThrow(
      /not of one split \(agent-shard-1-of-2, agent-shard-1-of-3\).*own artifact-prefix/,
    );
  });

  it('refuses shards that ran different matrices', () => {
    expect(() => mergeShards([shard(1, 2, MATRIX, []), shard(2, 2, ['x'], [])])).toThrow(
      /different matrices \(agent-shard-1-of-2: 5 agents, agent-shard-2-of-2: 1 agents\)/,
    );
    const one = shard(1, 2, MATRIX, [result('a', 0, 1)]);
    const two = shard(2, 2, MATRIX, [result('a', 0, 1)]);
    expect(() => mergeShards([one, two])).toThrow(
      /Agent a is in two shards, agent-shard-1-of-2 and agent-shard-2-of-2/,
    );
  });

  it('refuses a shard found twice', () => {
    expect(() => mergeShards([shard(1, 2, MATRIX, []), shard(1, 2, MATRIX, [])])).toThrow(/found twice/);
  });
});

describe('mergeShards in a re-run', () => {
  const matrix = ['a', 'b', 'c'];
  const withAttempt = (s: ReturnType<typeof shard>, attempt: number) => ({
    ...s,
    manifest: { ...s.manifest, attempt },
  });

  it("marks the agents of a shard not run again with its attempt, and counts only this attempt's shards' times", () => {
    const one = withAttempt(shard(1, 2, matrix, [result('a', 0, 30), result('c', 0, 30)]), 1);
    const two = withAttempt(shard(2, 2, matrix, [result('b', 3600, 10)]), 2);
    const merged = mergeShards([one, two], 2);
    expect(merged.results.map((r) => [r.id, r.reusedFrom])).toEqual([
      ['a', 1],
      ['b', undefined],
      ['c', 1],
    ]);
    expect(merged.stats.wallTimeMs).toBe(10_000);
    expect(merged.stats.sequentialEstimateMs).toBe(two.manifest.stats.sequentialEstimateMs);
    expect(merged.stats).toMatchObject({ agents: 3, succeeded: 3 });
    expect(merged.runners.map((r) => r.label)).toEqual(['shard 1 of 2 (attempt 1)', 'shard 2 of 2']);
  });

  it('leaves a first attempt, and shards that all ran in this attempt, as they were', () => {
    const one = shard(1, 2, matrix, [result('a', 0, 30), result('c', 0, 30)]);
    const two = shard(2, 2, matrix, [result('b', 0, 10)]);
    expect(mergeShards([one, two]).results.every((r) => r.reusedFrom === undefined)).toBe(true);
    const again = mergeShards([withAttempt(one, 3), withAttempt(two, 3)], 3);
    expect(again.results.every((r) => r.reusedFrom === undefined)).toBe(true);
    expect(again.runners.map((r) => r.label)).toEqual(['shard 1 of 2', 'shard 2 of 2']);
  });
});
