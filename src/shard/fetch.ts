import fs from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import { DefaultArtifactClient } from '@actions/artifact';
import type { ShardRef } from '../types.js';
import { limiter } from '../util/limit.js';
import { hasArtifactService } from '../util/runner.js';
import { shardArtifactName } from '../artifacts/names.js';
import { unpackZip } from './unzip.js';

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
  const fetched = hasArtifactService() ? await download(prefix, into) : await unpack(prefix, artifactsDir, into);
  return fetched.sort((a, b) => a.shard.index - b.shard.index || a.shard.count - b.shard.count);
}

async function download(prefix: string, into: string): Promise<FetchedShard[]> {
  const client = new DefaultArtifactClient();
  // `latest`: a job run again uploads its artifact again; the newest one is the one that counts.
  const { artifacts } = await client.listArtifacts({ latest: true });
  const wanted = artifacts.flatMap((a) => {
    const shard = parseShardArtifactName(prefix, a.name);
    return shard ? [{ id: a.id, name: a.name, shard }] : [];
  });
  core.info(`${wanted.length} shard artifacts of prefix ${prefix} among the run's ${artifacts.length} artifacts`);
  const limit = limiter(4);
  return Promise.all(
    wanted.map((a) =>
      limit(async () => {
        const dir = path.join(into, a.name);
        await client.downloadArtifact(a.id, { path: dir });
        core.info(`downloaded ${a.name} (artifact id ${a.id})`);
        return { name: a.name, shard: a.shard, dir };
      }),
    ),
  );
}

async function unpack(prefix: string, artifactsDir: string, into: string): Promise<FetchedShard[]> {
  core.info(`Not running in GitHub Actions (no ACTIONS_RUNTIME_TOKEN): reading shard artifacts from ${artifactsDir}`);
  let entries: string[];
  try {
    entries = fs.readdirSync(artifactsDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const found: FetchedShard[] = [];
  for (const entry of entries) {
    const name = entry.endsWith('.zip') ? entry.slice(0, -'.zip'.length) : '';
    const shard = parseShardArtifactName(prefix, name);
    if (!shard) continue;
    const dir = path.join(into, name);
    await unpackZip(path.join(artifactsDir, entry), dir);
    found.push({ name, shard, dir });
  }
  return found;
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
