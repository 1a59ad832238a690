import fs from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import { DefaultArtifactClient } from '@actions/artifact';
import { artifactName, reportArtifactName } from '../artifacts/names.js';
import { CHANGE_RECORD } from '../changes/record.js';
import { unpackZip } from '../shard/unzip.js';
import { limiter } from '../util/limit.js';
import { hasArtifactService } from '../util/runner.js';

/**
 * Fetches the agents' artifacts of `prefix` into folders under `into`, and returns each agent folder that holds
 * a change record: in a GitHub Actions job, every artifact of this workflow run (the shards' jobs' too), listed
 * and downloaded with the artifact client; elsewhere, the zips in `artifactsDir`. The report's and the shards'
 * own artifacts hold no agent and are skipped.
 */
export async function fetchAgentFolders(prefix: string, artifactsDir: string, into: string): Promise<string[]> {
  const names = hasArtifactService() ? await download(prefix, into) : await unpack(prefix, artifactsDir, into);
  // `upload: combined` holds every agent's folder in one artifact: one level down.
  return names.flatMap((dir) => {
    if (fs.existsSync(path.join(dir, CHANGE_RECORD))) return [dir];
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, CHANGE_RECORD)))
      .map((e) => path.join(dir, e.name));
  });
}

function isAgentArtifact(prefix: string, name: string): boolean {
  return (
    name.startsWith(artifactName(prefix, '')) &&
    name !== reportArtifactName(prefix) &&
    !name.startsWith(artifactName(prefix, 'shard-'))
  );
}

async function download(prefix: string, into: string): Promise<string[]> {
  const client = new DefaultArtifactClient();
  // `latest`: a job run again uploads its artifacts again; the newest one counts.
  const { artifacts } = await client.listArtifacts({ latest: true });
  const wanted = artifacts.filter((a) => isAgentArtifact(prefix, a.name));
  core.info(`${wanted.length} agent artifacts of prefix ${prefix} among the run's ${artifacts.length} artifacts`);
  const limit = limiter(4);
  return Promise.all(
    wanted.map((a) =>
      limit(async () => {
        const dir = path.join(into, a.name);
        await client.downloadArtifact(a.id, { path: dir });
        return dir;
      }),
    ),
  );
}

async function unpack(prefix: string, artifactsDir: string, into: string): Promise<string[]> {
  core.info(`Not running in GitHub Actions (no ACTIONS_RUNTIME_TOKEN): reading agent artifacts from ${artifactsDir}`);
  const entries = fs.existsSync(artifactsDir) ? fs.readdirSync(artifactsDir) : [];
  const dirs: string[] = [];
  for (const entry of entries.sort()) {
    const name = entry.endsWith('.zip') ? entry.slice(0, -'.zip'.length) : '';
    if (!name || !isAgentArtifact(prefix, name)) continue;
    const dir = path.join(into, name);
    await unpackZip(path.join(artifactsDir, entry), dir);
    dirs.push(dir);
  }
  return dirs;
}
