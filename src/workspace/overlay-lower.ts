import fs from 'node:fs';
import path from 'node:path';
import type { Checkout } from './checkout.js';
import { git } from './git.js';

/** Past the second boundary, for file systems whose clock runs a tick behind the process's. */
const SETTLE_MARGIN_MS = 20;

/** The read-only layer every agent's overlay of a run shares, and what each agent's patch is made against. */
export interface Lower {
  dir: string;
  /** What the patches are made against: a commit, or a tree object written once from the lower. */
  base: string;
  /** `base` when it is a commit (a worktree's), so that a patch can become a commit on it (`changes`). */
  commit?: string;
  /** The index the patch's `git add -A` starts from: its stat data are the lower's files'. */
  startIndex: string;
  objects: string[];
  /** A worktree's merged view gets a detached HEAD at the commit, as `git worktree add --detach` gives. */
  detachAt?: string;
  /** What describes the lower in the log. */
  what: string;
}

/** Why the checkout cannot be a lower layer, or undefined when it can. */
export function checkoutUnfit(repo: Checkout): string | undefined {
  const dotGit = fs.lstatSync(path.join(repo.top, '.git'), { throwIfNoEntry: false });
  if (dotGit?.isDirectory()) return undefined;
  // Its `.git` file points at a git folder outside the lower, which every agent would write through.
  return `the checkout ${repo.top} is a linked worktree or a submodule (its .git is a file)`;
}

/**
 * `workspace: copy`: the checkout itself, untracked and ignored files and uncommitted changes included. The base is
 * the checkout as it is, written once as a tree with a private index and object store (under `scratch`).
 */
export async function copyLower(repo: Checkout, scratch: string): Promise<Lower> {
  const index = path.join(scratch, 'base.index');
  const objects = path.join(scratch, 'objects');
  fs.mkdirSync(objects, { recursive: true });
  const own = path.join(repo.gitDir, 'index');
  if (fs.existsSync(own)) fs.copyFileSync(own, index);
  const env = {
    GIT_INDEX_FILE: index,
    GIT_OBJECT_DIRECTORY: objects,
    GIT_ALTERNATE_OBJECT_DIRECTORIES: path.join(repo.commonDir, 'objects'),
  };
  await git(['add', '-A'], { cwd: repo.top, env });
  const base = (await git(['write-tree'], { cwd: repo.top, env })).trim();
  return {
    dir: repo.top,
    base,
    startIndex: index,
    objects: [path.join(repo.commonDir, 'objects'), objects],
    what: `the checkout ${repo.top}`,
  };
}

/**
 * `workspace: worktree`: the checkout itself when it holds exactly the commit's files (its HEAD, nothing changed or
 * untracked; ignored files such as `node_modules` come along); else one checkout of the commit in `dir`, made once.
 */
export async function worktreeLower(repo: Checkout, dir: string): Promise<Lower> {
  const head = (await git(['rev-parse', '--verify', 'HEAD^{commit}'], { cwd: repo.top })).trim();
  // GIT_OPTIONAL_LOCKS=0: status would otherwise refresh the checkout's index, and the checkout is not ours to write.
  const quiet = { cwd: repo.top, env: { GIT_OPTIONAL_LOCKS: '0' } };
  const status = head === repo.commit ? await git(['status', '--porcelain', '-z'], quiet) : 'elsewhere';
  const objects = path.join(repo.commonDir, 'objects');
  if (!status) {
    return {
      dir: repo.top,
      base: repo.commit,
      commit: repo.commit,
      startIndex: path.join(repo.gitDir, 'index'),
      objects: [objects],
      detachAt: repo.commit,
      what: `the checkout ${repo.top} at ${repo.commit.slice(0, 12)}`,
    };
  }
  const why = status === 'elsewhere' ? 'another commit than the checkout' : 'the checkout has uncommitted changes';
  await checkOutShared(repo, dir);
  return {
    dir,
    base: repo.commit,
    commit: repo.commit,
    startIndex: path.join(dir, '.git', 'index'),
    objects: [path.join(dir, '.git', 'objects'), objects],
    what: `one checkout of ${repo.commit.slice(0, 12)} shared by every agent (${why})`,
  };
}

/**
 * A repository of its own in `dir` whose objects are the checkout's (`clone --shared`), at the commit, detached.
 * Not a `git worktree`: a worktree's `.git` names its admin folder in the checkout, which every agent's git would
 * then write through its overlay. Its index is dated past the second its files were written in, so git trusts
 * their stats in every merged view.
 */
async function checkOutShared(repo: Checkout, dir: string): Promise<void> {
  const lfs = path.join(repo.commonDir, 'lfs');
  const env: Record<string, string> = fs.existsSync(path.join(lfs, 'objects')) ? {} : { GIT_LFS_SKIP_SMUDGE: '1' };
  const lfsStore = env.GIT_LFS_SKIP_SMUDGE ? [] : ['-c', `lfs.storage=${lfs}`];
  await git(['clone', '--quiet', '--shared', '--no-checkout', '--', repo.top, dir], { cwd: repo.top, env });
  await git([...lfsStore, 'checkout', '--quiet', '--detach', repo.commit], { cwd: dir, env });
  const index = path.join(dir, '.git', 'index');
  const written = fs.statSync(index).mtimeMs;
  const wait = (Math.floor(written / 1000) + 1) * 1000 + SETTLE_MARGIN_MS - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const now = new Date();
  fs.utimesSync(index, now, now);
}
