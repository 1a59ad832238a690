import fs from 'node:fs';
import path from 'node:path';
import { STAT_TRUSTED_BY_TIME_AND_SIZE } from '../isolation/hand-over.js';
import { INPUTS_DIR, type AgentChanges } from '../types.js';
import { differingPaths, keptPaths, parseNameStatus, sumNumstat } from './changes.js';
import { git } from './git.js';

/** The patch of an agent's changes, in its folder (and in each `attempt-N/` folder). */
const PATCH_FILE = 'changes.patch';

/**
 * A tree an agent works in, and what its patch is made against. Every engine whose agents change a tree of their
 * own fills this in as it makes the tree; the patch is then made the same way for all of them.
 */
export interface PatchSource {
  /** The agent's tree (the top of the repository in it). */
  tree: string;
  /** The private index and object store for making the patch, so the checkout's own are never written. */
  scratch: string;
  /** What the patch is made against: a commit, or a tree object written when the tree was made. */
  base: string;
  /** The index `git add -A` starts from (its file stats save hashing every unchanged file again). */
  startIndex: string;
  /** Object stores the private one falls back on. */
  objects: string[];
  /** Extra git environment for commands on the tree (one without its own `.git`). */
  gitDir?: Record<string, string>;
  /** The checkout's `info/exclude`, which the action's own repository for the tree takes over. */
  excludes?: string;
  /** `base` is this commit (a worktree's), so the patch can become a commit on it; undefined for a tree object. */
  commit?: string;
  /**
   * The paths outside which the tree is known to be the base, as it was made (an overlay's upper layer lists
   * them; see overlay-upper.ts); undefined when only looking at every file tells.
   */
  touched?: () => string[] | undefined;
}

/** More touched paths than this, and the whole tree is looked at: one command line holds them all. */
const MOST_TOUCHED = 2000;

const noChanges = (): AgentChanges => ({ files: 0, insertions: 0, deletions: 0 });

/**
 * What the agent changed: everything added, changed or deleted against the base (ignored files left out), as a
 * binary patch that `git apply` applies to the base, with its line counts; and the added and changed files
 * themselves, under `dir/workspace/`. Made with a private index and object store. When nothing changed, no patch
 * is written (`git apply` refuses an empty one) and the changes have no `patch`.
 */
export async function collectChanges(source: PatchSource, dir: string): Promise<AgentChanges> {
  const { tree, scratch, base: from } = source;
  const patch = path.join(dir, PATCH_FILE);
  fs.rmSync(patch, { force: true });
  const touched = source.touched?.();
  // An upper layer with nothing in it: the tree is the base, and no git needs to look.
  if (touched?.length === 0) return noChanges();
  fs.mkdirSync(scratch, { recursive: true });
  const index = path.join(scratch, 'collect.index');
  fs.rmSync(index, { force: true });
  if (fs.existsSync(source.startIndex)) fs.copyFileSync(source.startIndex, index);
  const env = privateGit(source, index);
  const staged = touched && touched.length <= MOST_TOUCHED ? await stageTouched(tree, env, touched) : undefined;
  if (staged === false) return noChanges();
  if (staged === undefined) await stageAll(tree, env);
  const diff = ['diff', '--cached', '--no-renames', '--no-ext-diff', '--no-textconv', '--no-color'];
  const counts = sumNumstat(await git([...diff, '--numstat', '-z', from, '--'], { cwd: tree, env }));
  const changed = parseNameStatus(await git([...diff, '--name-status', '-z', from, '--'], { cwd: tree, env }));
  if (changed.length === 0) return counts;
  const base = source.commit === source.base ? { base: source.commit } : {};
  const patchArgs = [...diff, '--binary', '--full-index', '--src-prefix=a/', '--dst-prefix=b/', from, '--'];
  await git(patchArgs, { cwd: tree, env, stdoutFile: patch });
  for (const file of keptPaths(changed)) {
    const from = path.join(tree, ...file.split('/'));
    // Only regular files: a symlink is in the patch, and is never followed out of the tree.
    if (!fs.lstatSync(from, { throwIfNoEntry: false })?.isFile()) continue;
    const to = path.join(dir, 'workspace', ...file.split('/'));
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(from, to);
    // The copy is the action's: Node 24's copy keeps the source's owner where it can (as root), and a tree the
    // agent user owns (an overlay handed to it once) is never taken back.
    if (process.getuid && process.getgid) fs.chownSync(to, process.getuid(), process.getgid());
  }
  return { ...counts, patch, ...base };
}

/** Stages every file of the tree that differs from the private index. */
async function stageAll(cwd: string, env: Record<string, string>): Promise<void> {
  // What the action put there for the agent (the output of the agents it needed) is no change of the agent's.
  await git(['add', '-A', '--', '.', `:(exclude,glob)**/${INPUTS_DIR}/**`], { cwd, env });
}

/**
 * Stages in the private index what differs among the touched paths alone, so the cost is the agent's changes,
 * not the repository's size: false when none of them differs (the index is the base), undefined when git could
 * not tell (the whole tree is then looked at).
 */
async function stageTouched(cwd: string, env: Record<string, string>, touched: string[]): Promise<boolean | undefined> {
  const literal = { ...env, GIT_LITERAL_PATHSPECS: '1' };
  const status = ['status', '--porcelain', '-z', '--untracked-files=all', '--no-renames', '--', ...touched];
  const found = await git(status, { cwd, env: literal }).catch(() => undefined);
  if (found === undefined) return undefined;
  const differing = differingPaths(found).filter((p) => !underInputs(p));
  if (!differing.length) return false;
  await git(['add', '-A', '--', ...differing], { cwd, env: literal });
  return true;
}

/** A path inside a folder of the agents' inputs, at any depth: what the whole tree's `git add` excludes by glob. */
const underInputs = (file: string) => file.split('/').slice(0, -1).includes(INPUTS_DIR);

/**
 * The repository whose settings git reads for the action's commands on an agent's tree: one of the action's own
 * in the tree's scratch folder, never the tree's `.git`, which the agent may have written. A filter an agent named
 * in its copy's `.git/config` (and in `.gitattributes`) ran in the patch's `git add`, as the action: as root where
 * the agent ran as a user of its own, a test found. Objects, index and base are given to every command anyway.
 */
function ownRepository(source: PatchSource): string {
  const dir = path.join(source.scratch, 'repository');
  if (fs.existsSync(path.join(dir, 'HEAD'))) return dir;
  fs.mkdirSync(path.join(dir, 'refs'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'info'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'config'), '[core]\n\trepositoryformatversion = 0\n\tbare = false\n');
  const excludes = source.excludes;
  if (excludes && fs.existsSync(excludes)) fs.copyFileSync(excludes, path.join(dir, 'info', 'exclude'));
  fs.writeFileSync(path.join(dir, 'HEAD'), 'ref: refs/heads/main\n');
  return dir;
}

/**
 * Git's environment for commands on the tree that must write only the private `index` and object store, with the
 * settings of the action's own repository (`ownRepository`). The index's stat data are trusted by the
 * whole-second mtime and the size alone (STAT_TRUSTED_BY_TIME_AND_SIZE).
 */
export function privateGit(source: PatchSource, index: string): Record<string, string> {
  const objects = path.join(source.scratch, 'objects');
  fs.mkdirSync(objects, { recursive: true });
  const trusted = Object.entries(STAT_TRUSTED_BY_TIME_AND_SIZE);
  return {
    GIT_DIR: ownRepository(source),
    GIT_WORK_TREE: source.tree,
    ...source.gitDir,
    GIT_INDEX_FILE: index,
    GIT_OBJECT_DIRECTORY: objects,
    GIT_ALTERNATE_OBJECT_DIRECTORIES: source.objects.join(path.delimiter),
    GIT_CONFIG_COUNT: String(trusted.length),
    ...Object.fromEntries(
      trusted.flatMap(([key, value], i) => [
        [`GIT_CONFIG_KEY_${i}`, key],
        [`GIT_CONFIG_VALUE_${i}`, value],
      ]),
    ),
  };
}
