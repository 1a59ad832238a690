import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentSpec } from '../../../src/types.js';
import { limiter } from '../../../src/util/limit.js';
import { ownFolders, type OwnFolder, type TreeMaker } from '../../../src/workspace/own-folder.js';
import type { EngineOptions } from '../../../src/workspace/workspace-engine.js';

// The life of an agent's own tree, with a maker that writes a plain folder (what an engine's `make` would do
// before git or a mount comes in).

const spec = (id: string) => ({ id }) as AgentSpec;

function setup(make: TreeMaker['make'], signal = new AbortController().signal) {
  const root = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'own-folder-')), '.workspaces');
  const options: EngineOptions = {
    plan: { workingDirectory: root, modeOf: () => 'copy' },
    root,
    signal,
    agents: 1,
    turn: limiter(1),
  };
  const released: string[] = [];
  const folders = ownFolders(options, 'packages/web', {
    mode: 'copy',
    make,
    release: (folder) => void released.push(folder.tree),
  });
  return { root, folders, released };
}

const plainTree = async (folder: OwnFolder) => {
  fs.mkdirSync(path.join(folder.tree, 'packages', 'web'), { recursive: true });
  fs.mkdirSync(folder.scratch, { recursive: true });
};

describe('ownFolders', () => {
  it("makes the agent's tree under the run's root and starts it in the working directory's folder of it", async () => {
    const { root, folders } = setup(plainTree);
    const ws = await folders.prepare(spec('a'));
    expect(ws).toMatchObject({ mode: 'copy', own: path.join(root, 'a'), cwd: path.join(root, 'a', 'packages', 'web') });
    expect(ws.setupMs).toBeGreaterThanOrEqual(0);
    expect(fs.existsSync(ws.cwd)).toBe(true);
  });

  it('removes the tree and its private files once, after releasing it, however often cleanup is called', async () => {
    const { root, folders, released } = setup(plainTree);
    const ws = await folders.prepare(spec('a'));
    await Promise.all([ws.cleanup(), ws.cleanup()]);
    expect(released).toEqual([path.join(root, 'a')]);
    expect(fs.existsSync(path.join(root, 'a'))).toBe(false);
    expect(fs.existsSync(path.join(root, '.a'))).toBe(false);
  });

  it('removes what a failed make left and throws its reason', async () => {
    const { root, folders } = setup(async (folder) => {
      await plainTree(folder);
      throw new Error('disk full');
    });
    await expect(folders.prepare(spec('a'))).rejects.toThrow('disk full');
    expect(fs.existsSync(path.join(root, 'a'))).toBe(false);
    expect(fs.existsSync(path.join(root, '.a'))).toBe(false);
  });

  it('makes nothing once the run is cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const { root, folders } = setup(plainTree, controller.signal);
    await expect(folders.prepare(spec('a'))).rejects.toThrow('the run was cancelled');
    expect(fs.existsSync(path.join(root, 'a'))).toBe(false);
  });

  it('removes every tree still there at removeAll', async () => {
    const { root, folders } = setup(plainTree);
    await folders.prepare(spec('a'));
    await folders.prepare(spec('b'));
    await folders.removeAll();
    expect(fs.readdirSync(root)).toEqual([]);
  });
});
