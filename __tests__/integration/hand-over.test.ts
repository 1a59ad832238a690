import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { agentHomeFiles } from '../../src/isolation/hand-over.js';
import { makeRepo } from '../support/repos.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A repository whose every file then changed owner (to the same one: what a hand-over does to ctime). */
function handedRepo(): string {
  const files = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}.txt`, `file ${i}\n`]));
  const repo = makeRepo(files);
  made.push(repo);
  // Past the second the index and the files were written in, so that git trusts what the index says of them.
  execFileSync('sleep', ['1.1']);
  for (const name of Object.keys(files)) fs.chownSync(path.join(repo, name), os.userInfo().uid, os.userInfo().gid);
  return repo;
}

/** Runs `git status` with the agent's HOME; says whether git wrote the index again (it hashed files to do so). */
function statusRewritesIndex(repo: string, home: string): boolean {
  const index = path.join(repo, '.git', 'index');
  const before = fs.readFileSync(index);
  execFileSync('git', ['status', '--porcelain'], {
    cwd: repo,
    env: { ...process.env, HOME: home, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: path.join(home, '.gitconfig') },
  });
  return !before.equals(fs.readFileSync(index));
}

describe("an agent's git settings", () => {
  it('trust the index of a tree handed over to it, where git by default hashes every file again', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-home-'));
    const bare = fs.mkdtempSync(path.join(os.tmpdir(), 'git-home-'));
    made.push(home, bare);
    for (const [name, text] of Object.entries(agentHomeFiles())) fs.writeFileSync(path.join(home, name), text);
    fs.writeFileSync(path.join(bare, '.gitconfig'), '');
    expect(statusRewritesIndex(handedRepo(), bare)).toBe(true);
    expect(statusRewritesIndex(handedRepo(), home)).toBe(false);
  });

  it('still find an edit of a handed tree', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-home-'));
    made.push(home);
    for (const [name, text] of Object.entries(agentHomeFiles())) fs.writeFileSync(path.join(home, name), text);
    const repo = handedRepo();
    fs.writeFileSync(path.join(repo, 'f3.txt'), 'file 9\n');
    const env = {
      ...process.env,
      HOME: home,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: path.join(home, '.gitconfig'),
    };
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: repo, env }).toString()).toBe(' M f3.txt\n');
  });
});
