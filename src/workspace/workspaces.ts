import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import * as core from '@actions/core';
import { INPUTS_DIR, type AgentChanges, type AgentSpec, type WorkspaceMode } from '../types.js';
import { errorMessage } from '../util/errors.js';
import { limiter } from '../util/limit.js';
import { keptPaths, parseNameStatus, sumNumstat } from './changes.js';
import type { Checkout, WorkspacePlan } from './checkout.js';
import { startFastCheckout, type FastCheckout } from './fast-checkout.js';
import { git } from './git.js';
import { restoreRefs, snapshotRefs, type RefSnapshot } from './refs.js';

/** The patch of an agent's changes, in its folder (and in each `attempt-N/` folder). */
export const PATCH_FILE = 'changes.patch';

/** An agent's prepared folder: where its CLI runs, and what is done with it afterwards. */
export interface PreparedWorkspace {
  mode: WorkspaceMode;
  /** The CLI's working directory. */
  cwd: string;
  /** The worktree or copy made for the agent; undefined for the checkout itself. */
  own?: string;
  /** How long making it took, waiting for a turn left out. */
  setupMs: number;
  /** Just before the agent's CLI starts in it: dates the index, when its second is over (see `settleIndex`). */
  beforeStart(): void;
  /** Between attempts: keeps the attempt's changes in `attemptDir`, then starts again from a fresh folder. */
  renew(attemptDir: string): Promise<boolean>;
  /**
   * Writes `changes.patch` and the files the agent added or changed (under `workspace/`) into `dir`; undefined
   * for a mode that makes no patch (`shared`).
   */
  collect(dir: string): Promise<AgentChanges | undefined>;
  /** Removes the folder (and the worktree's record in the checkout). Never throws; runs once. */
  cleanup(): Promise<void>;
}

export interface Workspaces {
  modeOf(spec: AgentSpec): WorkspaceMode;
  /**
   * Makes an agent's folder; undefined for `empty` (the agent's own folder). Throws with the reason when the
   * folder cannot be made, or when the run was cancelled first, having removed whatever it made.
   */
  prepare(spec: AgentSpec): Promise<PreparedWorkspace | undefined>;
  /** Removes every worktree and copy still there and puts the checkout's refs back. Never throws. */
  close(): Promise<void>;
  /**
   * Settles when what the run makes once is made (the refs' snapshot, the stored copy of the objects). Folders
   * do not wait for it; a benchmark timing one folder does.
   */
  ready: Promise<void>;
}

export interface OpenOptions {
  /** The run's folder; worktrees and copies go in its `.workspaces/` (an agent id cannot start with '.'). */
  runDir: string;
  signal: AbortSignal;
  specs: readonly AgentSpec[];
}

/** Worktrees made from a stored (uncompressed) copy of the commit's objects: worth it from this many on. */
const FAST_CHECKOUT_MIN_AGENTS = 3;
/** Past the second boundary, for file systems whose clock runs a tick behind the process's. */
const SETTLE_MARGIN_MS = 20;

/**
 * The workspaces of a run. Folders are made one at a time, in the order agents start, so the first agents
 * start while later folders are still being made; every folder made is removed when its agent ends, or at
 * `close` at the latest (also after failures and cancellation).
 */
export function openWorkspaces(plan: WorkspacePlan, options: OpenOptions): Workspaces {
  const { checkout } = plan;
  const root = path.join(options.runDir, '.workspaces');
  const turn = limiter(1);
  const live = new Set<() => Promise<void>>();
  const worktreeCount = options.specs.filter((s) => plan.modeOf(s) === 'worktree').length;
  let refs: Promise<RefSnapshot | undefined> = Promise.resolve(undefined);
  let fast: FastCheckout | undefined;
  let hadWorktreesDir = true;
  if (checkout && worktreeCount) {
    hadWorktreesDir = fs.existsSync(path.join(checkout.commonDir, 'worktrees'));
    refs = snapshotRefs(checkout.top).catch((err: unknown) => {
      core.warning(`Could not list the checkout's refs, so they are not guarded: ${errorMessage(err)}`);
      return undefined;
    });
    if (worktreeCount >= FAST_CHECKOUT_MIN_AGENTS) fast = startFastCheckout(checkout, path.join(root, '.objects'));
  }

  async function prepare(spec: AgentSpec): Promise<PreparedWorkspace | undefined> {
    const mode = plan.modeOf(spec);
    if (mode === 'empty') return undefined;
    if (mode === 'shared') return sharedWorkspace(plan.workingDirectory);
    const repo = checkout!;
    // The refs are taken down before the first worktree, which could change them, is made.
    if (mode === 'worktree') await refs;
    const tree = path.join(root, spec.id);
    const scratch = path.join(root, `.${spec.id}`);
    const folder: Folder = { mode, tree, scratch, repo, base: '', startIndex: '', objects: [] };
    let cleaned: Promise<void> | undefined;
    // Registered before anything is made, so that no failure or cancellation can skip it.
    const cleanup = () => {
      cleaned ??= removeFolder(folder).finally(() => live.delete(cleanup));
      return cleaned;
    };
    live.add(cleanup);
    const prepared: PreparedWorkspace = {
      mode,
      cwd: repo.prefix ? path.join(tree, repo.prefix) : tree,
      own: tree,
      setupMs: 0,
      beforeStart: () => settleIndex(folder.ownIndex),
      async renew(attemptDir) {
        try {
          await collect(folder, attemptDir);
          await removeFolder(folder);
          await make();
          return true;
        } catch (err) {
          core.warning(`${spec.id}: could not make a fresh ${mode} for another attempt: ${errorMessage(err)}`);
          return false;
        }
      },
      collect: (dir) => collect(folder, dir),
      cleanup,
    };
    const make = async () => {
      if (options.signal.aborted) throw new Error('the run was cancelled');
      prepared.setupMs = await turn(async () => {
        if (options.signal.aborted) throw new Error('the run was cancelled');
        const started = performance.now();
        if (mode === 'worktree') await makeWorktree(folder, fast?.ready());
        else await makeCopy(folder);
        return performance.now() - started;
      });
    };
    try {
      await make();
    } catch (err) {
      await cleanup();
      throw err;
    }
    return prepared;
  }

  async function close(): Promise<void> {
    const before = await refs;
    if (checkout && before) {
      try {
        const putBack = await restoreRefs(checkout.top, before);
        if (putBack.length) {
          core.warning(`Agents changed refs of the checkout; put back as they were: ${putBack.join(', ')}`);
        }
      } catch (err) {
        core.warning(`Could not put the checkout's refs back: ${errorMessage(err)}`);
      }
    }
    await Promise.all([...live].map((cleanup) => cleanup()));
    await fast?.done;
    if (checkout) removeAdminFolders(checkout.commonDir, root);
    await removeTree(root).catch((err: unknown) => core.warning(`Could not remove ${root}: ${errorMessage(err)}`));
    // Git leaves no empty `worktrees` folder behind either (see `git worktree prune`).
    if (checkout && !hadWorktreesDir) {
      try {
        fs.rmdirSync(path.join(checkout.commonDir, 'worktrees'));
      } catch {
        // Not empty: someone else's worktree was added meanwhile.
      }
    }
  }

  const ready = Promise.all([refs, fast?.done]).then(() => undefined);
  return { modeOf: plan.modeOf, prepare, close, ready };
}

/** One agent's worktree or copy, and the private git files its patch is made with. */
interface Folder {
  mode: 'worktree' | 'copy';
  /** The worktree or copy (the top of the repository in it). */
  tree: string;
  /** The private index and object store for making the patch, so the checkout's own are never written. */
  scratch: string;
  repo: Checkout;
  /** What the patch is made against: the commit (worktree), or the copied tree as it was (copy). */
  base: string;
  /** The index `git add -A` starts from (its file stats save hashing every unchanged file again). */
  startIndex: string;
  /** The tree's own index, if it has one: settled so the agent's first `git status` is fast. */
  ownIndex?: string;
  /** Object stores the private one falls back on. */
  objects: string[];
  /** Extra git environment for commands on the tree (a copy without its own `.git`). */
  gitDir?: Record<string, string>;
}

function sharedWorkspace(cwd: string): PreparedWorkspace {
  return {
    mode: 'shared',
    cwd,
    setupMs: 0,
    beforeStart: () => undefined,
    renew: async () => true,
    collect: async () => undefined,
    cleanup: async () => undefined,
  };
}

/**
 * `git worktree add --detach`: the agent's own work tree of the commit, sharing the checkout's objects and refs.
 * With `objects` (a stored copy of the commit's objects) git reads the files without inflating them.
 */
async function makeWorktree(folder: Folder, objects: string | undefined): Promise<void> {
  const { repo, tree } = folder;
  const env: Record<string, string> = {};
  // LFS files come from the checkout's own LFS store when it has one; otherwise the agent gets the pointer files.
  if (!fs.existsSync(path.join(repo.commonDir, 'lfs', 'objects'))) env.GIT_LFS_SKIP_SMUDGE = '1';
  if (objects) {
    env.GIT_OBJECT_DIRECTORY = objects;
    env.GIT_ALTERNATE_OBJECT_DIRECTORIES = path.join(repo.commonDir, 'objects');
  }
  await git(['worktree', 'add', '--detach', '--quiet', tree, repo.commit], { cwd: repo.top, env });
  const admin = adminFolderOf(tree);
  folder.base = repo.commit;
  folder.startIndex = path.join(admin, 'index');
  folder.ownIndex = folder.startIndex;
  folder.objects = [path.join(repo.commonDir, 'objects')];
}

/**
 * A copy of the checkout's top folder, untracked and ignored files included (with reflinks where the file system
 * has them). Its patch is made against the copy as it was, so uncommitted changes in the checkout are not in it.
 */
async function makeCopy(folder: Folder): Promise<void> {
  const { repo, tree, scratch } = folder;
  const inside = path.relative(repo.top, tree);
  if (!inside.startsWith('..') && !path.isAbsolute(inside)) {
    throw new Error(`the run's folder ${tree} lies inside the checkout ${repo.top}; set RUNNER_TEMP outside it`);
  }
  await copyTree(repo.top, tree);
  const dotGit = path.join(tree, '.git');
  const own = fs.lstatSync(dotGit, { throwIfNoEntry: false })?.isDirectory() ?? false;
  // A `.git` file points at the checkout's own git folder (a linked worktree, a submodule): sharing that index
  // would let the agent change the checkout's. Such a copy is not a repository.
  if (!own) fs.rmSync(dotGit, { force: true });
  folder.gitDir = own ? undefined : { GIT_DIR: repo.gitDir, GIT_WORK_TREE: tree };
  folder.objects = own ? [path.join(dotGit, 'objects')] : [path.join(repo.commonDir, 'objects')];
  if (own) {
    // The copied files are new inodes: without this every `git status` in the copy would hash every file.
    await git(['update-index', '-q', '--refresh'], { cwd: tree, okCodes: [1] });
    folder.ownIndex = path.join(dotGit, 'index');
  }
  fs.mkdirSync(scratch, { recursive: true });
  const baseIndex = path.join(scratch, 'base.index');
  const from = own ? path.join(dotGit, 'index') : path.join(repo.gitDir, 'index');
  if (fs.existsSync(from)) fs.copyFileSync(from, baseIndex);
  const env = privateGit(folder, baseIndex);
  await git(['add', '-A'], { cwd: tree, env });
  folder.base = (await git(['write-tree'], { cwd: tree, env })).trim();
  folder.startIndex = baseIndex;
}

/**
 * What the agent changed: everything added, changed or deleted against the base (ignored files left out), as a
 * binary patch that `git apply` applies to the base, with its line counts; and the added and changed files
 * themselves, under `dir/workspace/`. Made with a private index and object store.
 */
async function collect(folder: Folder, dir: string): Promise<AgentChanges> {
  const { tree, scratch, base } = folder;
  fs.mkdirSync(scratch, { recursive: true });
  const index = path.join(scratch, 'collect.index');
  fs.rmSync(index, { force: true });
  if (fs.existsSync(folder.startIndex)) fs.copyFileSync(folder.startIndex, index);
  const env = privateGit(folder, index);
  // What the action put there for the agent (the output of the agents it needed) is no change of the agent's.
  await git(['add', '-A', '--', '.', `:(exclude,glob)**/${INPUTS_DIR}/**`], { cwd: tree, env });
  const diff = ['diff', '--cached', '--no-renames', '--no-ext-diff', '--no-textconv', '--no-color'];
  const counts = sumNumstat(await git([...diff, '--numstat', '-z', base, '--'], { cwd: tree, env }));
  const changed = parseNameStatus(await git([...diff, '--name-status', '-z', base, '--'], { cwd: tree, env }));
  const patch = path.join(dir, PATCH_FILE);
  const patchArgs = [...diff, '--binary', '--full-index', '--src-prefix=a/', '--dst-prefix=b/', base, '--'];
  await git(patchArgs, { cwd: tree, env, stdoutFile: patch });
  for (const file of keptPaths(changed)) {
    const from = path.join(tree, ...file.split('/'));
    // Only regular files: a symlink is in the patch, and is never followed out of the tree.
    if (!fs.lstatSync(from, { throwIfNoEntry: false })?.isFile()) continue;
    const to = path.join(dir, 'workspace', ...file.split('/'));
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(from, to);
  }
  return { ...counts, patch };
}

function privateGit(folder: Folder, index: string): Record<string, string> {
  const objects = path.join(folder.scratch, 'objects');
  fs.mkdirSync(objects, { recursive: true });
  return {
    ...folder.gitDir,
    GIT_INDEX_FILE: index,
    GIT_OBJECT_DIRECTORY: objects,
    GIT_ALTERNATE_OBJECT_DIRECTORIES: folder.objects.join(path.delimiter),
  };
}

/**
 * Git trusts an index entry's file stats only when the file is older than the index by a whole second: a fresh
 * checkout's index is as new as its files, so every `git status` in it (the CLI runs one as it starts) would hash
 * every file again. Once that second is over, and as long as nothing has touched the folder since it was made, the
 * index may be dated now: that is what git's own refresh would record, without reading a file. Called just before
 * the agent starts; an agent that starts within the second gets the index as git wrote it (correct, only slower).
 */
function settleIndex(index: string | undefined): void {
  if (!index) return;
  try {
    const written = fs.statSync(index).mtimeMs;
    if (Date.now() < (Math.floor(written / 1000) + 1) * 1000 + SETTLE_MARGIN_MS) return;
    const now = new Date();
    fs.utimesSync(index, now, now);
  } catch {
    // The index is gone or not ours to date: git reads the files instead.
  }
}

/** The worktree's admin folder in the checkout's git folder, from the `.git` file git wrote into the worktree. */
function adminFolderOf(tree: string): string {
  const text = fs.readFileSync(path.join(tree, '.git'), 'utf8');
  const m = /^gitdir: (.+)$/m.exec(text);
  if (!m) throw new Error(`${tree}/.git does not name its git folder`);
  return path.resolve(tree, m[1]!.trim());
}

/**
 * Removes the admin folders (`<common>/worktrees/<name>`) of worktrees that lie in `under`, so the checkout keeps
 * no record of them: what `git worktree remove` does, without a git process (fast enough for a cancel).
 */
function removeAdminFolders(commonDir: string, under: string): void {
  const dir = path.join(commonDir, 'worktrees');
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    let target: string;
    try {
      target = fs.readFileSync(path.join(dir, name, 'gitdir'), 'utf8').trim();
    } catch {
      continue;
    }
    const rel = path.relative(under, target);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) {
      fs.rmSync(path.join(dir, name), { recursive: true, force: true });
    }
  }
}

async function removeFolder(folder: Folder): Promise<void> {
  try {
    if (folder.mode === 'worktree') removeAdminFolders(folder.repo.commonDir, folder.tree);
    await Promise.all([removeTree(folder.tree), removeTree(folder.scratch)]);
  } catch (err) {
    core.warning(`Could not remove ${folder.tree}: ${errorMessage(err)}`);
  }
}

/** Removes a folder, also one where an agent took away write permission from its subfolders. */
async function removeTree(dir: string): Promise<void> {
  try {
    await fsp.rm(dir, { recursive: true, force: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') throw err;
    makeWritable(dir);
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

function makeWritable(dir: string): void {
  try {
    fs.chmodSync(dir, 0o700);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) makeWritable(path.join(dir, entry.name));
    }
  } catch {
    // Not ours to change: the removal after this says why.
  }
}

/** `cp -a` with reflinks where the file system has them (Linux); Node's own copy elsewhere. */
async function copyTree(from: string, to: string): Promise<void> {
  if (process.platform !== 'linux') {
    await fsp.cp(from, to, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
    return;
  }
  fs.mkdirSync(to, { recursive: true });
  await new Promise<void>((resolve, reject) => {
    const child = spawn('cp', ['-a', '--reflink=auto', '--', `${from}/.`, to], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c.slice(0, 2048)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`cp: ${stderr.trim() || `exit ${code}`}`))));
  });
}
