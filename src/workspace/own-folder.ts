import path from 'node:path';
import fs from 'node:fs';
import * as core from '@actions/core';
import type { AgentSpec, AgentWorkspace, WorkspaceMode } from '../types.js';
import { errorMessage } from '../util/errors.js';
import { collectChanges, type PatchSource } from './patch.js';
import { removeTree } from './remove.js';
import type { EngineOptions } from './workspace-engine.js';

/** Past the second boundary, for file systems whose clock runs a tick behind the process's. */
const SETTLE_MARGIN_MS = 20;

/** One agent's tree of its own (a worktree, a copy), with what its patch is made against. */
export interface OwnFolder extends PatchSource {
  /** The tree's own index, if it has one: settled so the agent's first `git status` is fast. */
  ownIndex?: string;
}

/** How an engine makes a tree of its own for an agent, and takes it away. */
export interface TreeMaker {
  mode: WorkspaceMode;
  /** Makes `folder.tree` and fills in what its patch is made against. */
  make(folder: OwnFolder): Promise<void>;
  /** Takes away what the tree left outside itself (a worktree's record in the checkout), before it is removed. */
  release?(folder: OwnFolder): void | Promise<void>;
  /** For a tree that is the agent user's when made: what was written into it since (see AgentWorkspace). */
  written?(folder: OwnFolder): string[];
}

interface OwnFolders {
  prepare(spec: AgentSpec): Promise<AgentWorkspace>;
  /** Removes every folder still there. Never throws. */
  removeAll(): Promise<void>;
}

/**
 * The trees an engine makes for its agents: each made in the run's turn (after a check for cancellation), its
 * removal registered before anything is made so that no failure or cancellation can skip it, renewed between
 * attempts, and its changes collected as a patch. `prefix` is where the working directory lies in the tree.
 */
export function ownFolders(options: EngineOptions, prefix: string, maker: TreeMaker): OwnFolders {
  const live = new Set<() => Promise<void>>();

  const remove = async (folder: OwnFolder): Promise<void> => {
    try {
      await maker.release?.(folder);
      await Promise.all([removeTree(folder.tree), removeTree(folder.scratch)]);
    } catch (err) {
      core.warning(`Could not remove ${folder.tree}: ${errorMessage(err)}`);
    }
  };

  const makeInTurn = async (folder: OwnFolder, id: string): Promise<number> => {
    if (options.signal.aborted) throw new Error('the run was cancelled');
    return options.turn(async () => {
      if (options.signal.aborted) throw new Error('the run was cancelled');
      const started = performance.now();
      await maker.make(folder);
      await options.configure?.(folder, id);
      return performance.now() - started;
    });
  };

  async function prepare(spec: AgentSpec): Promise<AgentWorkspace> {
    const tree = path.join(options.root, spec.id);
    const folder: OwnFolder = {
      tree,
      scratch: path.join(options.root, `.${spec.id}`),
      base: '',
      startIndex: '',
      objects: [],
      ...(options.plan.checkout && { excludes: path.join(options.plan.checkout.commonDir, 'info', 'exclude') }),
    };
    let cleaned: Promise<void> | undefined;
    const cleanup = () => {
      cleaned ??= remove(folder).finally(() => live.delete(cleanup));
      return cleaned;
    };
    live.add(cleanup);
    const workspace: AgentWorkspace = {
      mode: maker.mode,
      cwd: prefix ? path.join(tree, prefix) : tree,
      own: tree,
      setupMs: 0,
      beforeStart: () => settleIndex(folder.ownIndex),
      async renew(attemptDir) {
        try {
          await collectChanges(folder, attemptDir);
          await remove(folder);
          workspace.setupMs = await makeInTurn(folder, spec.id);
          return true;
        } catch (err) {
          core.warning(`${spec.id}: could not make a fresh ${maker.mode} for another attempt: ${errorMessage(err)}`);
          return false;
        }
      },
      collect: (dir) => collectChanges(folder, dir),
      cleanup,
    };
    const written = maker.written;
    if (written) workspace.writtenSinceMade = () => written(folder);
    try {
      workspace.setupMs = await makeInTurn(folder, spec.id);
    } catch (err) {
      await cleanup();
      throw err;
    }
    return workspace;
  }

  const removeAll = async () => {
    await Promise.all([...live].map((cleanup) => cleanup()));
  };
  return { prepare, removeAll };
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
