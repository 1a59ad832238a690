// The tests run the action and its agents as other users (a runner's user with sudo, agent users), who must
// reach this project's folder (dist/, the CLIs in node_modules/) as a runner's user reaches its workspace. A
// clone under a private folder (`mktemp -d` makes one) would shut them out. As root, each folder above the
// project that others cannot search gets search permission (o+x, never read) for the run and loses it after.
// The action's own fence, opening ways for its agents in parallel tests, leaves alone a folder already
// searchable, so none of them takes this back mid-run.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export default function setup() {
  if (process.getuid?.() !== 0) return undefined;
  const opened = [];
  for (let dir = path.dirname(PROJECT); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const mode = fs.statSync(dir).mode & 0o7777;
    if (mode & 0o001) continue;
    fs.chmodSync(dir, mode | 0o001);
    opened.push({ dir, mode });
  }
  return () => {
    for (const { dir, mode } of opened) fs.chmodSync(dir, mode);
  };
}
