import path from 'node:path';
import * as core from '@actions/core';
import type { AgentUser } from '../isolation/run-as.js';
import type { AgentSpec, AgentWorkspace, WorkspaceMode } from '../types.js';
import { errorMessage } from '../util/errors.js';
import { limiter } from '../util/limit.js';
import type { WorkspacePlan } from './checkout.js';
import { copyEngine } from './copy.js';
import { emptyEngine } from './empty.js';
import { removeTree } from './remove.js';
import { configureTrees, type RepositoryConfig } from './repo-config.js';
import { sharedEngine } from './shared.js';
import { overlayEngine, type MountSupport } from './overlay.js';
import { findMounter, sweepLeftovers } from './overlay-mounts.js';
import type { OpenEngine, WorkspaceEngine } from './workspace-engine.js';
import { worktreeEngine } from './worktree.js';

/** The engine behind each `workspace` mode. */
const ENGINES: Record<WorkspaceMode, OpenEngine> = {
  worktree: worktreeEngine,
  copy: copyEngine,
  shared: sharedEngine,
  empty: emptyEngine,
};

export interface Workspaces {
  modeOf(spec: AgentSpec): WorkspaceMode;
  /**
   * Makes an agent's folder; undefined for `empty` (the agent's own folder). Throws with the reason when the
   * folder cannot be made, or when the run was cancelled first, having removed whatever it made.
   */
  prepare(spec: AgentSpec): Promise<AgentWorkspace | undefined>;
  /** Removes every worktree and copy still there and puts the checkout's refs back. Never throws. */
  close(): Promise<void>;
  /**
   * Settles when what the run makes once is made (the refs' snapshot, the stored copy of the objects). Folders
   * do not wait for it; a benchmark timing one folder does.
   */
  ready: Promise<void>;
  /** What served each mode whose engine chose at run time, for the log and the summary; undefined if none did. */
  served(): Promise<string | undefined>;
}

/** `auto`: overlay mounts for worktrees and copies where the run can mount; `git`: git worktrees and copies. */
export type EnginePreference = 'auto' | 'git';

interface OpenOptions {
  /** The run's folder; worktrees and copies go in its `.workspaces/` (an agent id cannot start with '.'). */
  runDir: string;
  signal: AbortSignal;
  specs: readonly AgentSpec[];
  /** What each agent's own tree holds instead of the repository's agent configuration; undefined: its own. */
  repositoryConfig?: RepositoryConfig;
  /** The `workspace-engine` input; `git` when not given. */
  engine?: EnginePreference;
  /** The user agents run as, when not the runner's: overlays may hand their shared layer to it once. */
  agentUser?: AgentUser;
}

/**
 * The workspaces of a run, each agent's made by the engine of its mode. Folders are made one at a time, in the
 * order agents start, so the first agents start while later folders are still being made; every folder made is
 * removed when its agent ends, or at `close` at the latest (also after failures and cancellation).
 */
export function openWorkspaces(plan: WorkspacePlan, options: OpenOptions): Workspaces {
  const root = path.join(options.runDir, '.workspaces');
  const turn = limiter(1);
  const configure = options.repositoryConfig && configureTrees(options.repositoryConfig);
  const modes = Object.keys(ENGINES) as WorkspaceMode[];
  const support = mountSupport();
  const engineOf = (mode: WorkspaceMode): OpenEngine =>
    options.engine === 'auto' && (mode === 'worktree' || mode === 'copy')
      ? overlayEngine(mode, ENGINES[mode], support)
      : ENGINES[mode];
  const engines = new Map<WorkspaceMode, WorkspaceEngine>(
    modes.map((mode) => {
      const agents = options.specs.filter((s) => plan.modeOf(s) === mode).length;
      const { signal, agentUser } = options;
      return [mode, engineOf(mode)({ plan, root, signal, agents, turn, configure, agentUser })];
    }),
  );
  const all = [...engines.values()];

  async function close(): Promise<void> {
    await Promise.all(all.map((engine) => engine.close()));
    await removeTree(root).catch((err: unknown) => core.warning(`Could not remove ${root}: ${errorMessage(err)}`));
  }

  return {
    modeOf: plan.modeOf,
    prepare: (spec) => engines.get(plan.modeOf(spec))!.prepare(spec),
    close,
    ready: Promise.all(all.map((engine) => engine.ready)).then(() => undefined),
    served: () => servedBy(engines),
  };
}

/** `worktree by overlay mounts, copy by git`: what served each mode that chose at run time. */
async function servedBy(engines: ReadonlyMap<WorkspaceMode, WorkspaceEngine>): Promise<string | undefined> {
  const parts: string[] = [];
  for (const [mode, engine] of engines) {
    const served = await engine.served?.();
    if (served) parts.push(`${mode} by ${served === 'overlay' ? 'overlay mounts' : 'git'}`);
  }
  return parts.length ? parts.join(', ') : undefined;
}

/**
 * Whether this run can mount, found once: and if it can, the overlays a killed step of this action left are taken
 * down first (lazily), so that the runner can clean `$RUNNER_TEMP`.
 */
function mountSupport(): MountSupport {
  let found: ReturnType<MountSupport> | undefined;
  return () =>
    (found ??= findMounter().then(async (mounter) => {
      if (typeof mounter !== 'string') return mounter;
      const swept = await sweepLeftovers(mounter);
      if (swept.length) core.info(`Took down ${swept.length} overlay mounts an earlier run left: ${swept.join(', ')}`);
      return mounter;
    }));
}
