// The tests and the benchmark run the action and its agents as other users (a runner's user with sudo, agent
// users), who must reach this project's folder (dist/, the stand-ins, the CLIs in node_modules/) as a runner's
// user reaches its workspace. A clone under a private folder (`mktemp -d` makes one) would shut them out, or let
// them in only while some action run's fence happens to hold the folder open (two runs at once: the first to end
// closes it under the other). As root, each folder above the project that others cannot search gets search
// permission (o+x, never read) until the returned function puts it back; a fence leaves alone a folder that is
// searchable already.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './run-action.js';

/** @returns {() => void} what puts the folders' modes back */
export function openWayToProject() {
  if (process.getuid?.() !== 0) return () => undefined;
  /** @type {{ dir: string, mode: number }[]} */
  const opened = [];
  for (let dir = path.dirname(ROOT); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const mode = fs.statSync(dir).mode & 0o7777;
    if (mode & 0o001) continue;
    fs.chmodSync(dir, mode | 0o001);
    opened.push({ dir, mode });
  }
  return () => {
    for (const { dir, mode } of opened) fs.chmodSync(dir, mode);
  };
}

/** vitest's globalSetup: the way open for the whole run. */
export default function setup() {
  return openWayToProject();
}
