import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeAdminFolders, removeTree } from '../../../src/workspace/remove.js';

const temp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'remove-'));

describe('removeTree', () => {
  it('removes a folder in which an agent took away write permission from a subfolder', async () => {
    const dir = temp();
    fs.mkdirSync(path.join(dir, 'locked', 'deeper'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'locked', 'deeper', 'file.txt'), 'x');
    fs.chmodSync(path.join(dir, 'locked', 'deeper'), 0o500);
    fs.chmodSync(path.join(dir, 'locked'), 0o500);
    await removeTree(dir);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('is done when the folder is not there', async () => {
    await expect(removeTree(path.join(temp(), 'never-made'))).resolves.toBeUndefined();
  });
});

describe('removeAdminFolders', () => {
  it("removes the records of the worktrees under a folder, and no one else's", () => {
    const common = temp();
    const runs = temp();
    const record = (name: string, tree: string) => {
      fs.mkdirSync(path.join(common, 'worktrees', name), { recursive: true });
      fs.writeFileSync(path.join(common, 'worktrees', name, 'gitdir'), `${path.join(tree, '.git')}\n`);
    };
    record('ours', path.join(runs, 'agent-1'));
    record('theirs', path.join(os.tmpdir(), 'someone-elses-worktree'));
    fs.mkdirSync(path.join(common, 'worktrees', 'no-gitdir'));
    removeAdminFolders(common, runs);
    expect(fs.readdirSync(path.join(common, 'worktrees')).sort()).toEqual(['no-gitdir', 'theirs']);
  });

  it('does nothing when the checkout has no worktrees', () => {
    const common = temp();
    removeAdminFolders(common, temp());
    expect(fs.readdirSync(common)).toEqual([]);
  });
});
