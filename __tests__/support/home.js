// The tests' own HOME. Agents that run as the runner's user get its HOME, and the CLI's Bash tool sources that
// HOME's shell start-up files: on a developer's machine those are theirs, not the runner's. One machine here
// runs `pyenv rehash` from root's .bashrc; a shell killed by a cancellation test left pyenv's lock behind, and
// every later shell waited 60 s for it, so tests timed out on what the machine's owner had installed. A fresh
// HOME for the whole run makes agents' shells what a runner's are: start-up files the tests chose (none).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup() {
  const before = process.env.HOME;
  const home = mkdtempSync(join(tmpdir(), 'tests-home-'));
  process.env.HOME = home;
  return () => {
    process.env.HOME = before;
    rmSync(home, { recursive: true, force: true });
  };
}
