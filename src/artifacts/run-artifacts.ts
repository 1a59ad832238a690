import fs from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import { DefaultArtifactClient } from '@actions/artifact';
import { limiter } from '../util/limit.js';
import { hasArtifactService } from '../util/runner.js';
import { unpackZip } from './unzip.js';

/** An artifact of the run that `pick` took, fetched into a folder of its own, with what `pick` made of its name. */
export interface FetchedArtifact<T> {
  name: string;
  dir: string;
  picked: T;
}

/**
 * Fetches the run's artifacts whose names `pick` takes into a folder each under `into`: in a GitHub Actions job,
 * every artifact of this workflow run (other jobs' too), listed and downloaded through the artifact service;
 * elsewhere, the zips in `artifactsDir`. `what` names them in the log ("shard artifacts of prefix agent").
 */
export async function fetchRunArtifacts<T>(options: {
  artifactsDir: string;
  into: string;
  what: string;
  pick: (name: string) => T | undefined;
}): Promise<FetchedArtifact<T>[]> {
  return hasArtifactService() ? download(options) : unpack(options);
}

async function download<T>({ into, what, pick }: Parameters<typeof fetchRunArtifacts<T>>[0]) {
  const client = new DefaultArtifactClient();
  // `latest`: a job run again uploads its artifacts again; the newest one is the one that counts.
  const { artifacts } = await client.listArtifacts({ latest: true });
  const wanted = artifacts.flatMap((a) => {
    const picked = pick(a.name);
    return picked === undefined ? [] : [{ id: a.id, name: a.name, picked }];
  });
  core.info(`${wanted.length} ${what} among the run's ${artifacts.length} artifacts`);
  const limit = limiter(4);
  return Promise.all(
    wanted.map((a) =>
      limit(async () => {
        const dir = path.join(into, a.name);
        await client.downloadArtifact(a.id, { path: dir });
        core.info(`downloaded ${a.name} (artifact id ${a.id})`);
        return { name: a.name, dir, picked: a.picked };
      }),
    ),
  );
}

async function unpack<T>({ artifactsDir, into, what, pick }: Parameters<typeof fetchRunArtifacts<T>>[0]) {
  core.info(`Not running in GitHub Actions (no ACTIONS_RUNTIME_TOKEN): reading ${what} from ${artifactsDir}`);
  let entries: string[];
  try {
    entries = fs.readdirSync(artifactsDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const found: FetchedArtifact<T>[] = [];
  for (const entry of entries.sort()) {
    const name = entry.endsWith('.zip') ? entry.slice(0, -'.zip'.length) : '';
    const picked = name ? pick(name) : undefined;
    if (picked === undefined) continue;
    const dir = path.join(into, name);
    await unpackZip(path.join(artifactsDir, entry), dir);
    found.push({ name, dir, picked });
  }
  return found;
}
