import fs from 'node:fs';
import path from 'node:path';
import { artifactName, reportArtifactName } from '../artifacts/names.js';
import { CHANGE_RECORD } from '../changes/change-record.js';
import { fetchRunArtifacts } from '../artifacts/run-artifacts.js';

/**
 * Fetches the agents' artifacts of `prefix` into folders under `into`, and returns each agent folder that holds
 * a change record: in a GitHub Actions job, every artifact of this workflow run (the shards' jobs' too), listed
 * and downloaded with the artifact client; elsewhere, the zips in `artifactsDir`. The report's and the shards'
 * own artifacts hold no agent and are skipped.
 */
export async function fetchAgentFolders(prefix: string, artifactsDir: string, into: string): Promise<string[]> {
  const fetched = await fetchRunArtifacts({
    artifactsDir,
    into,
    what: `agent artifacts of prefix ${prefix}`,
    pick: (name) => (isAgentArtifact(prefix, name) ? name : undefined),
  });
  // `upload: combined` holds every agent's folder in one artifact: one level down.
  return fetched.flatMap(({ dir }) => {
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
