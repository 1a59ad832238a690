import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentSpec } from '../../../src/types.js';
import { openWorkspaces } from '../../../src/workspace/workspaces.js';

// The engines that need no git: a working directory that is not in a git work tree (the git-based engines are
// run on real repositories in __tests__/integration/workspaces.test.ts).

const spec = (id: string, workspace: AgentSpec['workspace']) => ({ id, workspace }) as AgentSpec;

function open(specs: AgentSpec[]) {
  const workingDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'not-a-repo-'));
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-'));
  const plan = { workingDirectory, modeOf: (s: AgentSpec) => s.workspace ?? 'empty' };
  const workspaces = openWorkspaces(plan, { runDir, signal: new AbortController().signal, specs });
  return { workspaces, workingDirectory, runDir };
}

describe('openWorkspaces without a checkout', () => {
  it('leaves an empty agent to its own folder, and runs a shared one in the working directory with no patch', async () => {
    const specs = [spec('alone', 'empty'), spec('together', 'shared')];
    const { workspaces, workingDirectory } = open(specs);
    await workspaces.ready;
    expect(await workspaces.prepare(specs[0]!)).toBeUndefined();
    const shared = (await workspaces.prepare(specs[1]!))!;
    expect(shared).toMatchObject({ mode: 'shared', cwd: workingDirectory, setupMs: 0 });
    // The checkout stays the runner's: an agent running as its own user is not handed it.
    expect(shared.own).toBeUndefined();
    expect(await shared.collect(workingDirectory)).toBeUndefined();
    expect(await shared.renew(workingDirectory)).toBe(true);
    await shared.cleanup();
    expect(fs.existsSync(workingDirectory)).toBe(true);
    await workspaces.close();
  });

  it('refuses a worktree or a copy with the reason, and removes its folder at close', async () => {
    const specs = [spec('w', 'worktree'), spec('c', 'copy')];
    const { workspaces, runDir } = open(specs);
    await expect(workspaces.prepare(specs[0]!)).rejects.toThrow(/a worktree needs working-directory to be in a git/);
    await expect(workspaces.prepare(specs[1]!)).rejects.toThrow(/a copy needs working-directory to be in a git/);
    fs.mkdirSync(path.join(runDir, '.workspaces', 'left-over'), { recursive: true });
    await workspaces.close();
    expect(fs.existsSync(path.join(runDir, '.workspaces'))).toBe(false);
  });
});
