// Real git repositories for the tests: made with git, in a temporary folder.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './agents.js';

const AUTHOR = ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false'];

/** Runs git in `dir` and returns its output. */
export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', [...AUTHOR, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' },
  });
}

/** Writes files (a path relative to `dir` each) and makes their folders. */
export function writeFiles(dir: string, files: Record<string, string | Buffer>): void {
  for (const [file, content] of Object.entries(files)) {
    const full = path.join(dir, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  }
}

/** A repository with `files` committed on branch `main`. */
export function makeRepo(files: Record<string, string | Buffer>, prefix = 'repo-'): string {
  const dir = fs.realpathSync(tempDir(prefix));
  git(dir, 'init', '-q', '-b', 'main');
  writeFiles(dir, files);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'first');
  return dir;
}

/** Commits everything in `dir` and returns the commit id. */
export function commitAll(dir: string, message: string): string {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', message);
  return git(dir, 'rev-parse', 'HEAD').trim();
}

/**
 * What must be the same before and after a run: the work tree's status (ignored files too), the worktrees and
 * their records, the branches and every other ref, and the stash.
 */
export function checkoutState(dir: string) {
  const common = path.resolve(dir, git(dir, 'rev-parse', '--git-common-dir').trim());
  return {
    status: git(dir, 'status', '--porcelain', '--ignored', '--untracked-files=all'),
    worktrees: git(dir, 'worktree', 'list', '--porcelain'),
    prunable: git(dir, 'worktree', 'prune', '--dry-run', '--verbose'),
    records: fs.existsSync(path.join(common, 'worktrees')) ? fs.readdirSync(path.join(common, 'worktrees')) : [],
    refs: git(dir, 'for-each-ref', '--format=%(objectname) %(refname)'),
    head: git(dir, 'rev-parse', 'HEAD'),
  };
}
