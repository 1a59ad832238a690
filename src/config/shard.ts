import type { AgentSpec, ShardRef } from '../types.js';
import { InputError } from '../util/errors.js';

/** GitHub runs at most 256 jobs from one matrix, so more shards than that cannot run side by side. */
export const MAX_SHARDS = 256;

/** `i/n`: shard `i` (from 1) of `n`. Spaces around the numbers are allowed, as `${{ matrix.shard }} / 3` gives. */
export function parseShard(value: string, what: string): ShardRef {
  const m = /^\s*(\d{1,6})\s*\/\s*(\d{1,6})\s*$/.exec(value);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || count > MAX_SHARDS || index < 1 || index > count) {
    throw new InputError(
      `${what} must be i/n, shard i of n, with 1 ≤ i ≤ n ≤ ${MAX_SHARDS} (for example "2/3", or ` +
        `"\${{ matrix.shard }}/3" with shard: [1, 2, 3]); got ${JSON.stringify(value)}`,
    );
  }
  return { index, count };
}

/**
 * The agents of each of `count` shards (index 0 is shard 1), in matrix order within each. Agents tied by
 * `needs` (directly or through others) form a group that stays in one shard, since an agent can only wait for
 * agents of its own run; an agent alone is a group of one. Groups are dealt in matrix order (by their first
 * agent), each to the shard with the fewest agents so far, the lowest-numbered on a tie: without `needs` this
 * is plain round-robin (agent 1 to shard 1, agent 2 to shard 2, …), and shards differ by at most one agent.
 * Agents a planner adds at run time run where the planner runs. The deal depends on the matrix alone, so every
 * runner computes the same one. Needs naming no agent of the matrix are left to the matrix's own checks.
 */
export function assignShards(specs: readonly AgentSpec[], count: number): AgentSpec[][] {
  const root = new Map<string, string>(specs.map((s) => [s.id, s.id]));
  const find = (id: string): string => {
    let r = id;
    while (root.get(r) !== r) r = root.get(r)!;
    // Path compression keeps a long chain of needs from making this quadratic.
    for (let at = id; at !== r;) {
      const next = root.get(at)!;
      root.set(at, r);
      at = next;
    }
    return r;
  };
  for (const spec of specs) {
    for (const need of spec.needs ?? []) {
      if (!root.has(need)) continue;
      const a = find(spec.id);
      const b = find(need);
      if (a !== b) root.set(b, a);
    }
  }

  const groups = new Map<string, AgentSpec[]>();
  for (const spec of specs) {
    const key = find(spec.id);
    const group = groups.get(key);
    if (group) group.push(spec);
    else groups.set(key, [spec]);
  }

  const shards: AgentSpec[][] = Array.from({ length: count }, () => []);
  // Map keeps insertion order: groups come in the order of their first agent in the matrix.
  for (const group of groups.values()) {
    let target = 0;
    for (let k = 1; k < count; k++) if (shards[k]!.length < shards[target]!.length) target = k;
    shards[target]!.push(...group);
  }
  for (const shard of shards) shard.sort((a, b) => a.index - b.index);
  return shards;
}

/** The agents that shard `shard.index` of `shard.count` runs (see `assignShards` for the rule). */
export function agentsOfShard(specs: readonly AgentSpec[], shard: ShardRef): AgentSpec[] {
  return assignShards(specs, shard.count)[shard.index - 1] ?? [];
}
