import path from 'node:path';
import type { Credentials } from '../types.js';
import type { AgentUser } from '../isolation/run-as.js';
import type { Limiter } from '../util/limit.js';
import type { Pushback } from './events.js';

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
  /** Hears each 429 and 529 as the agent meets it, while it runs (the scheduler adapts to them). */
  onPushback?: (pushback: Pushback) => void;
  /** The user agents run as (`agent-user`); undefined: the action's own. */
  agentUser?: AgentUser;
}

/**
 * Where an agent works when that is not its own empty `workspace/` folder (a worktree, a copy, the checkout
 * itself): handed in by the schedule stage, which prepares it.
 */
export interface AgentWorkspace {
  /** The CLI's working directory. */
  cwd: string;
  /**
   * The folder made for the agent (its worktree or copy), which an agent running as its own user is handed;
   * undefined for the checkout itself (`shared`), which stays the runner's.
   */
  own?: string;
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
  /** HOME and TMPDIR of an agent that runs as another user: its own, since the runner's are closed to it. */
  home: string;
  tmp: string;
}

export function agentPaths(runDir: string, id: string): AgentPaths {
  const outputDir = path.join(runDir, id);
  return {
    outputDir,
    workspace: path.join(outputDir, 'workspace'),
    configDir: path.join(outputDir, 'config'),
    home: path.join(outputDir, 'home'),
    tmp: path.join(outputDir, 'tmp'),
  };
}
