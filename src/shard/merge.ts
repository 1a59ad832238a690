import { combineStats } from '../report/stats.js';
import type { RunnerPart } from '../report/summary.js';
import type { AgentResult, RunStats } from '../types.js';
import type { ShardData } from './manifest.js';

/** The shards of one split, made into one run. */
export interface MergedRun {
  /** How many shards the matrix was split into. */
  count: number;
  /** The shards (numbered from 1) whose artifact was not found. */
  missing: number[];
  /** Every agent of the shards found, in matrix order; agents added at run time after them. */
  results: AgentResult[];
  stats: RunStats;
  runners: RunnerPart[];
}

/**
 * Makes the shards of one split into one run, as if it had run on one runner (see `combineStats` for the
 * numbers). Throws when the shards cannot be of one split: different counts, a shard twice, different
 * matrices, an agent in two shards. In a re-run (`attempt` > 1), a shard whose job was not run again left its
 * artifact in an earlier attempt: its agents are marked as coming from that attempt (`reusedFrom`), and the
 * numbers are this attempt's, of the shards that ran in it.
 */
export function mergeShards(shards: readonly ShardData[], attempt = 1): MergedRun {
  const names = shards.map((s) => s.name).join(', ');
  const counts = new Set(shards.map((s) => s.manifest.shard.count));
  if (counts.size !== 1) {
    throw new Error(
      `The shard artifacts found are not of one split (${names}): give each split of a matrix its own ` +
        `artifact-prefix, the same in its shards and in its aggregate step.`,
    );
  }
  const count = [...counts][0]!;
  const matrices = new Set(shards.map((s) => s.manifest.matrixAgents));
  if (matrices.size !== 1) {
    throw new Error(
      `The shards ran different matrices (${shards.map((s) => `${s.name}: ${s.manifest.matrixAgents} agents`).join(', ')}): ` +
        `give every shard job the same prompts.`,
    );
  }
  const byIndex = new Map<number, ShardData>();
  for (const s of shards) {
    if (byIndex.has(s.manifest.shard.index)) throw new Error(`Shard artifact ${s.name} was found twice.`);
    byIndex.set(s.manifest.shard.index, s);
  }
  const ordered = [...byIndex.keys()].sort((a, b) => a - b).map((i) => byIndex.get(i)!);

  const owner = new Map<string, string>();
  const entries: { r: AgentResult; position: number; shard: number; order: number }[] = [];
  for (const s of ordered) {
    s.results.forEach((r, order) => {
      const other = owner.get(r.id);
      if (other) {
        throw new Error(
          `Agent ${r.id} is in two shards, ${other} and ${s.name}: the shards ran different matrices; ` +
            `give every shard job the same prompts.`,
        );
      }
      owner.set(r.id, s.name);
      const position = s.manifest.positions[order] ?? Number.POSITIVE_INFINITY;
      const from = fromAttempt(s, attempt);
      const result = from === undefined || r.reusedFrom !== undefined ? r : { ...r, reusedFrom: from };
      entries.push({ r: result, position, shard: s.manifest.shard.index, order });
    });
  }
  entries.sort((a, b) => a.position - b.position || a.shard - b.shard || a.order - b.order);
  const results = entries.map((e) => e.r);

  const missing: number[] = [];
  for (let i = 1; i <= count; i++) if (!byIndex.has(i)) missing.push(i);
  const runners = ordered.map((s) => {
    const from = fromAttempt(s, attempt);
    return {
      label: `shard ${s.manifest.shard.index} of ${count}${from === undefined ? '' : ` (attempt ${from})`}`,
      ids: s.results.map((r) => r.id),
      stats: s.manifest.stats,
      earlier: from !== undefined,
    };
  });
  return {
    count,
    missing,
    results,
    stats: combineStats(
      results,
      runners.filter((p) => !p.earlier).map((p) => p.stats),
    ),
    runners: runners.map(({ earlier: _earlier, ...part }) => part),
  };
}

/** The earlier attempt whose job wrote a shard's artifact, or undefined when it is this attempt's. */
function fromAttempt(s: ShardData, attempt: number): number | undefined {
  const wrote = s.manifest.attempt ?? 1;
  return wrote < attempt ? wrote : undefined;
}
