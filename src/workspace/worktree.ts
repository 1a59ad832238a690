import fs from 'node:fs';
import path from 'node:path';
import type { Checkout } from './checkout.js';
import { startFastCheckout } from './fast-checkout.js';
import { git } from './git.js';
import { ownFolders, type OwnFolder } from './own-folder.js';
import { guardRefs } from './refs.js';
import { removeAdminFolders } from './remove.js';
import { refusing, type OpenEngine } from './workspace-engine.js';

/** Worktrees made from a stored (uncompressed) copy of the commit's objects: worth it from this many on. */
const FAST_CHECKOUT_MIN_AGENTS = 3;

/**
 * `workspace: worktree`: each agent gets `git worktree add --detach` of the commit. Worktrees share the checkout's
 * refs, so the refs are taken down before the first worktree is made and put back at `close`.
 */
export const worktreeEngine: OpenEngine = (options) => {
  const repo = options.plan.checkout;
  if (!repo) return refusing('worktree');
  const worktreesDir = path.join(repo.commonDir, 'worktrees');
  const hadWorktreesDir = !options.agents || fs.existsSync(worktreesDir);
  const guard = options.agents ? guardRefs(repo.top) : undefined;
  const fast =
    options.agents >= FAST_CHECKOUT_MIN_AGENTS
      ? startFastCheckout(repo, path.join(options.root, '.objects'))
      : undefined;
  const folders = ownFolders(options, repo.prefix, {
    mode: 'worktree',
    make: (folder) => makeWorktree(folder, repo, fast?.ready()),
    release: (folder) => removeAdminFolders(repo.commonDir, folder.tree),
  });
  return {
    async prepare(spec) {
      // The refs are taken down before the first worktree, which could change them, is made.
      await guard?.taken;
      return folders.prepare(spec);
    },
    async close() {
      await guard?.putBack();
      await folders.removeAll();
      await fast?.done;
      removeAdminFolders(repo.commonDir, options.root);
      // Git leaves no empty `worktrees` folder behind either (see `git worktree prune`).
      if (hadWorktreesDir) return;
      try {
        fs.rmdirSync(worktreesDir);
      } catch {
        // Not empty: someone else's worktree was added meanwhile.
      }
    },
    ready: Promise.all([guard?.taken, fast?.done]).then(() => undefined),
  };
};

/**
 * `git worktree add --detach`: the agent's own work tree of the commit, sharing the checkout's objects and refs.
 * With `objects` (a stored copy of the commit's objects) git reads the files without inflating them.
 */
async function makeWorktree(folder: OwnFolder, repo: Checkout, objects: string | undefined): Promise<void> {
  const { tree } = folder;
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
  folder.commit = repo.commit;
  folder.startIndex = path.join(admin, 'index');
  folder.ownIndex = folder.startIndex;
  folder.objects = [path.join(repo.commonDir, 'objects')];
}

/** The worktree's admin folder in the checkout's git folder, from the `.git` file git wrote into the worktree. */
function adminFolderOf(tree: string): string {
  const text = fs.readFileSync(path.join(tree, '.git'), 'utf8');
  const m = /^gitdir: (.+)$/m.exec(text);
  if (!m) throw new Error(`${tree}/.git does not name its git folder`);
  return path.resolve(tree, m[1]!.trim());
}
