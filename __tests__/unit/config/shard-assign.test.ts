import { describe, expect, it } from 'vitest';
import { agentsOfShard, assignShards } from '../../../src/config/shard.js';
import type { AgentSpec } from '../../../src/types.js';

/** Specs built by hand: `needs` as the matrix parser will fill it. */
function specs(...items: (string | [string, string[]])[]): AgentSpec[] {
  return items.map((item, index) => {
    const [id, needs] = typeof item === 'string' ? [item, undefined] : item;
    return {
      index,
      id,
      prompt: `prompt of ${id}`,
      allowedTools: [],
      disallowedTools: [],
      claudeArgs: [],
      timeoutMinutes: 30,
      ...(needs ? { needs } : {}),
    };
  });
}

const ids = (shards: AgentSpec[][]) => shards.map((s) => s.map((a) => a.id));

describe('assignShards', () => {
  it('deals agents without needs round-robin in matrix order', () => {
    const seven = specs('a', 'b', 'c', 'd', 'e', 'f', 'g');
    expect(ids(assignShards(seven, 3))).toEqual([
      ['a', 'd', 'g'],
      ['b', 'e'],
      ['c', 'f'],
    ]);
    expect(ids(assignShards(seven, 1))).toEqual([['a', 'b', 'c', 'd', 'e', 'f', 'g']]);
  });

  it('gives every agent to exactly one shard, and shards differ by at most one agent', () => {
    for (const [n, count] of [
      [1, 1],
      [10, 3],
      [500, 10],
      [1000, 7],
      [5, 256],
    ] as const) {
      const all = specs(...Array.from({ length: n }, (_, i) => `agent-${i + 1}`));
      const shards = assignShards(all, count);
      expect(shards).toHaveLength(count);
      expect(
        shards
          .flat()
          .map((s) => s.id)
          .sort(),
      ).toEqual(all.map((s) => s.id).sort());
      const sizes = shards.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it('keeps agents tied by needs in one shard, directly or through others', () => {
    // c needs a, e needs c: a, c and e are one group; f and b are tied; d is alone.
    const all = specs('a', 'b', ['c', ['a']], 'd', ['e', ['c']], ['f', ['b']]);
    const shards = ids(assignShards(all, 3));
    expect(shards).toEqual([['a', 'c', 'e'], ['b', 'f'], ['d']]);
  });

  it('ties agents whose needs meet at a third agent, whichever comes first', () => {
    // x and y both need z, which comes last: all three are one group.
    const all = specs(['x', ['z']], 'w', ['y', ['z']], 'z');
    const shards = ids(assignShards(all, 2));
    expect(shards).toEqual([['x', 'y', 'z'], ['w']]);
  });

  it('deals each group to the shard with the fewest agents so far, so one big group is balanced by the rest', () => {
    const all = specs('p', ['q', ['p']], ['r', ['p']], ['s', ['p']], 'a', 'b', 'c', 'd', 'e');
    expect(ids(assignShards(all, 3))).toEqual([
      ['p', 'q', 'r', 's'],
      ['a', 'c', 'e'],
      ['b', 'd'],
    ]);
  });

  it('leaves shards empty when there are more shards than groups', () => {
    const all = specs('a', ['b', ['a']], 'c');
    expect(ids(assignShards(all, 4))).toEqual([['a', 'b'], ['c'], [], []]);
  });

  it('ignores a need that names no agent of the matrix (the matrix checks report it)', () => {
    expect(ids(assignShards(specs(['a', ['ghost']]), 2))).toEqual([['a'], []]);
  });

  it('gives the same deal for the same matrix, whatever the input order of needs', () => {
    const one = specs('a', ['b', ['a', 'c']], 'c', 'd');
    const two = specs('a', ['b', ['c', 'a']], 'c', 'd');
    expect(ids(assignShards(one, 2))).toEqual(ids(assignShards(two, 2)));
  });

  it('handles a long chain of needs', () => {
    const chain = specs('n0', ...Array.from({ length: 999 }, (_, i) => [`n${i + 1}`, [`n${i}`]] as [string, string[]]));
    const shards = assignShards(chain, 4);
    expect(shards.map((s) => s.length)).toEqual([1000, 0, 0, 0]);
  });
});

describe('agentsOfShard', () => {
  it('is one shard of the deal, counted from 1', () => {
    const all = specs('a', 'b', 'c', 'd');
    expect(agentsOfShard(all, { index: 1, count: 2 }).map((s) => s.id)).toEqual(['a', 'c']);
    expect(agentsOfShard(all, { index: 2, count: 2 }).map((s) => s.id)).toEqual(['b', 'd']);
  });
});
