import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Checkout } from './checkout.js';
import { git } from './git.js';
import { ownFolders, type OwnFolder } from './own-folder.js';
import { privateGit } from './patch.js';
import { refusing, type OpenEngine } from './workspace-engine.js';

/** `workspace: copy`: each agent gets a copy of the checkout's whole top folder. */
export const copyEngine: OpenEngine = (options) => {
  const repo = options.plan.checkout;
  if (!repo) return refusing('copy');
  const folders = ownFolders(options, repo.prefix, { mode: 'copy', make: (folder) => makeCopy(folder, repo) });
  return { prepare: folders.prepare, close: folders.removeAll, ready: Promise.resolve() };
};

/**
 * A copy of the checkout's top folder, untracked and ignored files included (with reflinks where the file system
 * has them). Its patch is made against the copy as it was, so uncommitted changes in the checkout are not in it.
 */
async function makeCopy(folder: OwnFolder, repo: Checkout): Promise<void> {
  const { tree, scratch } = folder;
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
