import path from 'node:path';
import type { Credentials } from '../types.js';
import type { ApiGate } from '../isolation/api-proxy.js';
import type { AgentUser } from '../isolation/run-as.js';
import type { Pushback } from './events.js';
import type { StartGate } from './start-gate.js';

/** What every agent of a run shares: the CLI, the run folder, the credentials, the cancel signal. */
export interface AgentContext {
  claude: string;
  /** The per-run folder under $RUNNER_TEMP; each agent gets `<runDir>/<id>/`. */
  runDir: string;
  credentials: Credentials;
  /** Every credential value the action knows (`knownSecrets`): scrubbed from each result as it is made. */
  secrets?: readonly string[];
  baseEnv: NodeJS.ProcessEnv;
  retries: number;
  /** Aborted when the run is cancelled. */
  signal: AbortSignal;
  /** Base of the exponential backoff between attempts. */
  backoffMs?: number;
  /** Limits how many CLIs are starting at once (see `openStartGate`); undefined: no limit. */
  startGate?: StartGate;
  /** Hears each 429 and 529 as the agent meets it, while it runs (the scheduler adapts to them). */
  onPushback?: (pushback: Pushback) => void;
  /** The user agents run as (`agent-user`); undefined: the action's own. */
  agentUser?: AgentUser;
  /**
   * The action's API proxy: each attempt gets a token of its own from it, valid while its CLI runs, in place of
   * the credentials. Undefined: agents get the credentials themselves.
   */
  apiProxy?: ApiGate;
  /** What agent `id` is given to reach the network through the action's proxy (`allowed-hosts`); none: as is. */
  networkEnv?: (id: string) => Record<string, string>;
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
