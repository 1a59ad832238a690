import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseNameStatus, type ChangedPath } from '../workspace/changes.js';
import { git } from '../workspace/git.js';
import { conflictedPaths } from './checks.js';

// Agents' patches made into commits in the checkout's object store, with a private index: the checkout's work
// tree, index and refs are never touched, so this can run in the agents' own step as well as in a later job.

/** The author and committer of every commit the action makes: GitHub's bot of Actions, as actions/checkout documents. */
const BOT = {
  GIT_AUTHOR_NAME: 'github-actions[bot]',
  GIT_AUTHOR_EMAIL: '41898282+github-actions[bot]@users.noreply.github.com',
  GIT_COMMITTER_NAME: 'github-actions[bot]',
  GIT_COMMITTER_EMAIL: '41898282+github-actions[bot]@users.noreply.github.com',
};

/** One patch to commit. */
export interface PatchItem {
  id: string;
  patch: string;
  message: string;
  /** Why the commit may not be kept, from the files it changes; undefined keeps it. */
  refuse?: (changed: readonly ChangedPath[]) => string | undefined;
}

/** What became of one patch: a commit (and the files it changed), or why not. */
export type PatchOutcome =
  { id: string; commit: string; files: ChangedPath[] } | { id: string; refused: string; conflicts?: string[] };

/** A repository to commit in: the checkout (its git folder found from `dir`) and a folder of scratch files. */
export interface CommitPlace {
  dir: string;
  scratch: string;
  /** The git environment of a fetch (the token's header), for a base commit the checkout lacks. */
  fetchEnv?: Record<string, string>;
}

/**
 * Commits `items` one after another onto `base`, each a commit of its own on the one before it: a patch that
 * does not apply after the others, or that `refuse` refuses, is left out and named. Returns each patch's outcome
 * and the last commit (`base` when none was made).
 */
export async function commitChain(
  place: CommitPlace,
  base: string,
  items: readonly PatchItem[],
): Promise<{ head: string; outcomes: PatchOutcome[] }> {
  await ensureCommit(place, base);
  fs.mkdirSync(place.scratch, { recursive: true });
  const index = path.join(place.scratch, `index-${process.pid}-${Date.now()}`);
  const env = { ...BOT, GIT_INDEX_FILE: index };
  const run = (args: string[], input?: string) => git(args, { cwd: place.dir, env, input });
  try {
    await run(['read-tree', base]);
    let head = base;
    const outcomes: PatchOutcome[] = [];
    for (const item of items) {
      const failed = await applyCached(place.dir, env, item.patch);
      if (failed) {
        const conflicts = conflictedPaths(failed);
        outcomes.push({ id: item.id, refused: `does not apply: ${failed.trim().split('\n').at(-1)}`, conflicts });
        continue;
      }
      const tree = (await run(['write-tree'])).trim();
      const commit = (await run(['commit-tree', tree, '-p', head, '-F', '-'], item.message)).trim();
      const files = parseNameStatus(
        await run(['diff-tree', '-r', '--no-renames', '--name-status', '-z', head, commit]),
      );
      const why = item.refuse?.(files);
      if (why) {
        await run(['read-tree', head]);
        outcomes.push({ id: item.id, refused: why });
        continue;
      }
      head = commit;
      outcomes.push({ id: item.id, commit, files });
    }
    return { head, outcomes };
  } finally {
    fs.rmSync(index, { force: true });
  }
}

/**
 * `git apply --cached`: the patch applied to the private index alone, all of it or nothing (binary hunks
 * included: the patch carries them whole). Returns git's complaint when it does not apply, else undefined.
 */
function applyCached(dir: string, env: Record<string, string>, patch: string): Promise<string | undefined> {
  return gitComplaint(dir, ['apply', '--cached', '--binary', '-v', patch], env);
}

/**
 * Runs git, and returns all it said on stderr when it fails (git.ts keeps only its last lines, and the line that
 * names a conflict or a permission can come first), else undefined.
 */
export function gitComplaint(dir: string, args: string[], env: Record<string, string>): Promise<string | undefined> {
  return new Promise((resolve) => {
    const all = ['-c', 'core.hooksPath=/dev/null', ...args];
    const options = { cwd: dir, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', ...env }, maxBuffer: 1 << 24 };
    execFile('git', all, options, (err, _out, stderr) =>
      resolve(err ? stderr.slice(0, 8192) || String(err) : undefined),
    );
  });
}

/** The base commit in the checkout, fetched from `origin` when a shallow checkout lacks it. */
async function ensureCommit(place: CommitPlace, base: string): Promise<void> {
  const has = () =>
    git(['cat-file', '-e', `${base}^{commit}`], { cwd: place.dir }).then(
      () => true,
      () => false,
    );
  if (await has()) return;
  await git(['fetch', '--quiet', '--no-tags', '--depth=1', 'origin', base], {
    cwd: place.dir,
    env: place.fetchEnv,
  }).catch(() => undefined);
  if (!(await has())) {
    throw new Error(
      `the checkout in ${place.dir} has no commit ${base}, the one the agents started from, and fetching it from ` +
        `origin failed: check out the same commit the agents' job did (actions/checkout with the same ref)`,
    );
  }
}
