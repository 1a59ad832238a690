import { describe, expect, it } from 'vitest';
import { SHARD_FORMAT, buildManifest, readShard } from '../../../src/shard/manifest.js';
import { computeStats } from '../../../src/report/stats.js';
import { T0, result } from '../../support/shards.js';

const ONE_OF_TWO = { index: 1, count: 2 };

function artifact(results = [result('a', 0, 10), result('c', 1, 5), result('added-1', 11, 3)]) {
  const manifest = buildManifest(
    ONE_OF_TWO,
    new Map([
      ['a', 0],
      ['b', 1],
      ['c', 2],
    ]),
    results,
    computeStats(results, 3),
    new Date(T0),
    new Date(T0 + 20_000),
  );
  return { manifest, manifestText: JSON.stringify(manifest), resultsText: JSON.stringify(results) };
}

describe('buildManifest', () => {
  it('records the shard, the matrix size, each result’s place in the matrix (null when added) and the times', () => {
    const { manifest } = artifact();
    expect(manifest).toMatchObject({
      format: SHARD_FORMAT,
      shard: ONE_OF_TWO,
      matrixAgents: 3,
      positions: [0, 2, null],
      stepStartedAt: '2025-01-01T00:00:00.000Z',
      stepFinishedAt: '2025-01-01T00:00:20.000Z',
    });
    expect(manifest.stats.agents).toBe(3);
  });
});

describe('readShard', () => {
  it('reads back what a shard wrote', () => {
    const { manifest, manifestText, resultsText } = artifact();
    const data = readShard('agent-shard-1-of-2', ONE_OF_TWO, manifestText, resultsText);
    expect(data.manifest).toEqual(manifest);
    expect(data.results.map((r) => r.id)).toEqual(['a', 'c', 'added-1']);
  });

  const cases: [string, (m: Record<string, unknown>, r: Record<string, unknown>[]) => void, RegExp][] = [
    ['another format', (m) => (m.format = 2), /format 2, this aggregate step reads format 1: use the same version/],
    ['another shard', (m) => (m.shard = { index: 2, count: 2 }), /says it is shard 2\/2, not 1\/2/],
    ['no stats', (m) => delete m.stats, /has no stats/],
    ['no positions', (m) => (m.positions = [0]), /no matrix position for each of the 3 results/],
    ['a position past the matrix', (m) => (m.positions = [0, 3, null]), /no matrix position/],
    ['a bad id', (_, r) => (r[0]!.id = '`x` @here'), /entry 0: id "`x` @here" is not an agent id/],
    ['an unknown status', (_, r) => (r[1]!.status = 'great'), /entry 1: status "great" is unknown/],
    ['a bad time', (_, r) => (r[0]!.startedAt = 'soon'), /startedAt or finishedAt is not a time/],
    ['a duration as text', (_, r) => (r[2]!.durationMs = '5'), /durationMs is not a number/],
    ['an answer that is not text', (_, r) => (r[0]!.answer = { html: 1 }), /answer or error is not text/],
    ['a link that is not text', (_, r) => (r[0]!.artifactUrl = 5), /artifactUrl is not text/],
  ];
  it.each(cases)('refuses %s, naming the artifact', (_, spoil, message) => {
    const { manifest } = artifact();
    const m = JSON.parse(JSON.stringify(manifest)) as Record<string, unknown>;
    const r = JSON.parse(artifact().resultsText) as Record<string, unknown>[];
    spoil(m, r);
    expect(() => readShard('agent-shard-1-of-2', ONE_OF_TWO, JSON.stringify(m), JSON.stringify(r))).toThrow(
      /^Shard artifact agent-shard-1-of-2: /,
    );
    expect(() => readShard('agent-shard-1-of-2', ONE_OF_TWO, JSON.stringify(m), JSON.stringify(r))).toThrow(message);
  });

  it('refuses files that are not JSON, or not of the right shape', () => {
    const { manifestText, resultsText } = artifact();
    expect(() => readShard('n', ONE_OF_TWO, '{', resultsText)).toThrow(/shard.json is not JSON/);
    expect(() => readShard('n', ONE_OF_TWO, 'null', resultsText)).toThrow(/shard.json is not an object/);
    expect(() => readShard('n', ONE_OF_TWO, manifestText, '{"a":1}')).toThrow(/results.json is not a list/);
  });
});
