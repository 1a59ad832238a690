import path from 'node:path';
import type { Credentials } from '../types.js';
import type { Limiter } from '../util/limit.js';

/** What every agent of a run shares: the CLI, the run folder, the credentials, the cancel signal. */
export interface AgentContext {
  claude: string;
  /** The per-run folder under $RUNNER_TEMP; each agent gets `<runDir>/<id>/`. */
  runDir: string;
  credentials: Credentials;
  baseEnv: NodeJS.ProcessEnv;
  retries: number;
  /** Aborted when the run is cancelled. */
  signal: AbortSignal;
  /** Base of the exponential backoff between attempts. */
  backoffMs?: number;
  /**
   * Limits how many CLIs are starting (spawned, not yet printing) at once. Running agents are not limited
   * by it: a CLI waiting on the model needs almost no CPU, but a starting one needs a whole core.
   */
  startGate?: Limiter;
}

/**
 * Where an agent works when that is not its own empty `workspace/` folder (a worktree, a copy, the checkout
 * itself): handed in by the schedule stage, which prepares it.
 */
export interface AgentWorkspace {
  /** The CLI's working directory. */
  cwd: string;
  /** Called just before each attempt's CLI starts: the last moment nothing has touched the folder yet. */
  beforeStart(): void;
  /**
   * Between attempts: keeps what the attempt changed in `attemptDir` and makes the folder fresh for the next
   * one. False when it could not, and the agent is not started again.
   */
  renew(attemptDir: string): Promise<boolean>;
}

export interface AgentPaths {
  outputDir: string;
  workspace: string;
  configDir: string;
}

export function agentPaths(runDir: string, id: string): AgentPaths {
  const outputDir = path.join(runDir, id);
  return { outputDir, workspace: path.join(outputDir, 'workspace'), configDir: path.join(outputDir, 'config') };
}
