import type { ShardRef } from '../types.js';
import { shardArtifactName } from '../artifacts/names.js';
import { fetchRunArtifacts } from '../artifacts/run-artifacts.js';

/** A shard artifact, fetched into a folder of its own. */
export interface FetchedShard {
  name: string;
  shard: ShardRef;
  dir: string;
}

/**
 * Fetches every shard artifact of `prefix` (`<prefix>-shard-<i>-of-<n>`) into a folder each under `into`: in a
 * GitHub Actions job, those of this workflow run, listed and downloaded through the artifact service; elsewhere,
 * the zips in `artifactsDir` that the shards wrote there. Sorted by shard, then by count.
 */
export async function fetchShardArtifacts(prefix: string, artifactsDir: string, into: string): Promise<FetchedShard[]> {
  const fetched = await fetchRunArtifacts({
    artifactsDir,
    into,
    what: `shard artifacts of prefix ${prefix}`,
    pick: (name) => parseShardArtifactName(prefix, name),
  });
  return fetched
    .map(({ name, dir, picked: shard }) => ({ name, shard, dir }))
    .sort((a, b) => a.shard.index - b.shard.index || a.shard.count - b.shard.count);
}

/** The shard a name of `shardArtifactName(prefix, …)` stands for, or undefined for any other name. */
export function parseShardArtifactName(prefix: string, name: string): ShardRef | undefined {
  if (!name.startsWith(`${prefix}-shard-`)) return undefined;
  const m = /^(\d{1,6})-of-(\d{1,6})$/.exec(name.slice(prefix.length + '-shard-'.length));
  if (!m) return undefined;
  const shard = { index: Number(m[1]), count: Number(m[2]) };
  return shard.index >= 1 && shard.index <= shard.count && name === shardArtifactName(prefix, shard)
    ? shard
    : undefined;
}
