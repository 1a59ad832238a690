import type { AgentUser } from '../isolation/run-as.js';
import type { AgentSpec, AgentWorkspace } from '../types.js';
import type { Limiter } from '../util/limit.js';
import type { WorkspacePlan } from './checkout.js';
import type { ConfigureTree } from './repo-config.js';

/**
 * One way of giving agents a folder on the repository: a worktree, a copy, the checkout itself, an empty folder, an
 * overlay mount over one read-only layer (overlay.ts, standing in for a worktree or a copy). Engines that give each
 * agent a tree of its own build on `ownFolders` (own-folder.ts), which makes, renews, collects and removes such
 * trees the same way for all of them, so what is done to every tree once it is made applies to each.
 */
export interface WorkspaceEngine {
  /**
   * Makes an agent's folder; undefined when the agent works in its own empty folder. Throws with the reason when
   * the folder cannot be made, or when the run was cancelled first, having removed whatever it made.
   */
  prepare(spec: AgentSpec): Promise<AgentWorkspace | undefined>;
  /** Removes every folder of the engine's still there and puts back what the run changed in the checkout. Never throws. */
  close(): Promise<void>;
  /** Settles when what the engine makes once per run is made. */
  ready: Promise<void>;
  /**
   * Which engine served its agents, for an engine that chooses at run time (overlay mounts, or git where the run
   * cannot mount); undefined before its first agent.
   */
  served?(): Promise<'overlay' | 'git'> | undefined;
}

export interface EngineOptions {
  plan: WorkspacePlan;
  /**
   * The run's `.workspaces/` folder, removed after every engine has closed: an agent's tree is `<root>/<id>`, its
   * private files `<root>/.<id>` (an agent id cannot start with '.'), and what an engine makes once another dot name.
   */
  root: string;
  signal: AbortSignal;
  /** How many of the run's agents start in this engine's folders (a planner may add more). */
  agents: number;
  /** The turn every engine makes its folders in: one at a time, in the order agents start. */
  turn: Limiter;
  /**
   * The step each tree of an agent's own goes through once made (and remade for another attempt), before its
   * agent starts: the repository's agent configuration replaced (`repository-config`). Undefined: left as it is.
   */
  configure?: ConfigureTree;
  /** The user agents run as, when not the runner's. */
  agentUser?: AgentUser;
}

export type OpenEngine = (options: EngineOptions) => WorkspaceEngine;

/** The engine of a mode that needs the checkout, when the working directory is in no git work tree. */
export function refusing(mode: string): WorkspaceEngine {
  return {
    prepare: () => Promise.reject(new Error(`a ${mode} needs working-directory to be in a git work tree`)),
    close: async () => undefined,
    ready: Promise.resolve(),
  };
}
