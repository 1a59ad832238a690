// The values that cross stages. Every stage may import this file; it imports nothing of the project's.

/** The folder, in an agent's working folder, where the action puts the output of the agents it needs. */
export const INPUTS_DIR = '.agent-inputs';

export type AgentStatus = 'success' | 'failure' | 'timeout' | 'cancelled' | 'skipped';

/** The credentials the action was given; masked as soon as they are read. */
export interface Credentials {
  anthropicApiKey: string;
  oauthToken: string;
  githubToken: string;
}

export type UploadMode = 'per-agent' | 'combined' | 'none';

/** How bad a review finding is, worst first. */
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

/** `findings:<severity>`: as `any`, and the step also fails on a review finding at or above that severity. */
export type FailOn = 'any' | 'all' | 'never' | `findings:${Severity}`;

/** `comments`: the agent answers with findings, which become a pull-request review (see review-schema.ts). */
export type ReviewMode = 'off' | 'comments';

/** The `rerun` input: in a re-run, run again only the agents that did not succeed before, or all of them. */
export type RerunMode = 'failed' | 'all';

/** `auto`: one comment per use of the action, edited each run; `new`: a fresh one each run; `off`: none. */
export type CommentMode = 'auto' | 'new' | 'off';
/**
 * Where an agent works: its own git worktree of the checkout, its own copy of the checkout, the checkout itself,
 * or an empty folder of its own.
 */
export type WorkspaceMode = 'worktree' | 'copy' | 'shared' | 'empty';

/** One item of the matrix, with the action-wide defaults already applied. */
export interface AgentSpec {
  /** Position in the matrix, from 0. */
  index: number;
  id: string;
  /** The prompt text, or undefined when it is read from `promptFile` at start. */
  prompt?: string;
  /** Absolute path of the prompt file, checked to lie inside the workspace. */
  promptFile?: string;
  model?: string;
  allowedTools: string[];
  disallowedTools: string[];
  permissionMode?: string;
  maxTurns?: number;
  appendSystemPrompt?: string;
  claudeArgs: string[];
  timeoutMinutes: number;
  /** Ids of the agents that must finish first. */
  needs?: string[];
  /** `always`: start once the needs have finished, whatever their status; else only after they succeeded. */
  runIf?: 'success' | 'always';
  /** A planner: after it succeeds, the `agents.yml` (or `agents.json`) it left adds agents to the run. */
  spawn?: boolean;
  /** A JSON Schema, as compact JSON text, that the agent's structured output must match (`--json-schema`). */
  jsonSchema?: string;
  /** The planner whose file added this agent. */
  addedBy?: string;
  /** The model the CLI switches to when the main one is overloaded (`--fallback-model`). */
  fallbackModel?: string;
  /** The most this agent may spend, in US dollars (`--max-budget-usd`). */
  maxBudgetUsd?: number;
  /** Undefined: `worktree` when the working directory is in a git work tree, else `empty`. */
  workspace?: WorkspaceMode;
  /** The CLI's `--settings`: JSON text, or the absolute path of a JSON file. */
  settings?: string;
  /** The CLI's `--mcp-config`: JSON text, or the absolute path of a JSON file. */
  mcpConfig?: string;
  /** `comments`: the agent answers with findings (its jsonSchema is the findings schema). */
  review?: ReviewMode;
  /** Stopped as a `timeout` once its CLI has printed no event for this long; undefined: never. */
  idleTimeoutMinutes?: number;
  /** What becomes of the agent's changes (`changes`); undefined: `patch`, the patch alone. */
  changes?: ChangesMode;
  /** The commit's message; undefined: the answer's first line. */
  commitMessage?: string;
  /** The pull request's title; undefined: the commit's first line. */
  prTitle?: string;
  /** A patch that touches `.github/workflows/` may be pushed. */
  allowWorkflowChanges?: boolean;
  /** A patch that touches more files than this is refused. */
  maxChangedFiles?: number;
  /**
   * `allowed-hosts`: the host patterns it may reach through the action's proxy besides the model API (groups
   * expanded; empty: the model API only); undefined: any host, no proxy or firewall.
   */
  allowedHosts?: string[];
}

/** Tokens an agent used, summed over its models and its attempts, as its CLI reported them. */
export interface TokenUsage {
  /** Input tokens not read from or written to the prompt cache. */
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheCreationTokens: number;
}

/** What an agent changed in a repository workspace, against the tree it started from. */
export interface AgentChanges {
  /** Files added, changed or deleted. */
  files: number;
  /** Lines added and removed (binary files count none). */
  insertions: number;
  deletions: number;
  /**
   * Absolute path of `changes.patch`, which `git apply` applies to the tree the agent started from; absent when the
   * agent changed nothing (no patch is written then: `git apply` refuses an empty one).
   */
  patch?: string;
  /** The commit the agent started from, which the patch applies to; absent when it started from no commit. */
  base?: string;
}

/**
 * Where an agent works when that is not its own empty `workspace/` folder (a worktree, a copy, the checkout
 * itself): made by the workspace stage, run in by the agent stage, and handed from one to the other by the schedule.
 */
export interface AgentWorkspace {
  mode: WorkspaceMode;
  /** The CLI's working directory. */
  cwd: string;
  /**
   * The folder made for the agent (its worktree or copy), which an agent running as its own user is handed;
   * undefined for the checkout itself (`shared`), which stays the runner's.
   */
  own?: string;
  /**
   * Where `own` is the agent user's already (an overlay over a layer handed to it once for the run, the action
   * being root): what was written into it since it was made, handed over instead of the whole tree, which is then
   * never taken back (root reads and removes it as it is). Undefined: `own` is handed over and back whole.
   */
  writtenSinceMade?(): string[];
  /** How long making it took, waiting for a turn left out. */
  setupMs: number;
  /** Called just before each attempt's CLI starts: the last moment nothing has touched the folder yet. */
  beforeStart(): void;
  /**
   * Between attempts: keeps what the attempt changed in `attemptDir` and makes the folder fresh for the next
   * one. False when it could not, and the agent is not started again.
   */
  renew(attemptDir: string): Promise<boolean>;
  /**
   * Writes `changes.patch` (when the agent changed something) and the files the agent added or changed (under
   * `workspace/`) into `dir`; undefined for a mode that makes no patch (`shared`).
   */
  collect(dir: string): Promise<AgentChanges | undefined>;
  /** Removes the folder (and the worktree's record in the checkout). Never throws; runs once. */
  cleanup(): Promise<void>;
}

/** What the action reports for one agent (the `results` output, one entry each). */
export interface AgentResult {
  id: string;
  status: AgentStatus;
  exitCode: number | null;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** Time from starting the CLI to its first output, summed over attempts. */
  startupMs: number;
  turns: number | null;
  /** The cost its CLI reported, in US dollars, over all attempts; null when no attempt reported one. */
  costUsd: number | null;
  sessionId: string | null;
  /** The agent's folder: workspace/, events.jsonl, stderr.log, result.json, result.md (and changes.patch). */
  outputDir: string;
  error: string | null;
  attempts: number;
  /** A bounded excerpt of the final answer. */
  answer: string;
  artifactName?: string;
  artifactId?: number;
  artifactUrl?: string;
  /** Why the artifact did not land, when it did not. */
  uploadWarning?: string;
  /** The structured output, for an agent given a JSON Schema; structured.json holds the same. */
  structured?: unknown;
  /** The agents it needed, as its spec said. */
  needs?: string[];
  /** The planner that added it to the run. */
  addedBy?: string;
  /** Tokens over all attempts; null when no attempt reported any. */
  usage: TokenUsage | null;
  /** What the agent changed, for agents that worked in a `worktree` or a `copy`. */
  changes?: AgentChanges;
  /** Set for a reviewer (`review: comments`): its structured output holds findings. */
  review?: ReviewMode;
  /**
   * In a re-run (`rerun: failed`): the attempt of the workflow run whose result this is; the agent succeeded
   * there and did not run again. Its artifact is that attempt's.
   */
  reusedFrom?: number;
  /** The pull request its changes went to, with `changes: pull-request` or `one-pull-request`. */
  pullRequest?: PullRequestRef;
  /** The hosts the action's proxy refused this agent (`allowed-hosts`), in the order it asked; absent: none. */
  refusedHosts?: string[];
}

/** `patch`: the patch alone; else what the action makes of it (see docs/changes.md). */
export type ChangesMode = 'patch' | 'pull-request' | 'one-pull-request' | 'push';

/** A pull request that holds an agent's changes (the `pull-requests` output, one entry each). */
export interface PullRequestRef {
  number: number;
  url: string;
  branch: string;
  /** The files of the agent's that it changes. */
  files: number;
}

/** One shard of a matrix split over several jobs: shard `index` (from 1) of `count`. */
export interface ShardRef {
  index: number;
  count: number;
}

/** How the API pushed back during the run, and how far the scheduler lowered the concurrency for it. */
export interface RateLimits {
  /** 429s and 529s the agents met, retries included. */
  events: number;
  /** The fewest agents the scheduler allowed at once. */
  lowest: number;
  /** Whether `adaptive-concurrency` was on. */
  adaptive: boolean;
  /** What the action's API proxy counted first-hand, when agents went through it. */
  api?: { requests: number; rateLimited: number; overloaded: number };
}

/** The numbers of a run: what the summary, the outputs and the shards report. */
export interface RunStats {
  agents: number;
  succeeded: number;
  failed: number;
  /** From the first agent's start to the last agent's finish. */
  wallTimeMs: number;
  sumDurationMs: number;
  /** What running the same agents one after another would have taken, estimated (see computeStats). */
  sequentialEstimateMs: number;
  speedup: number;
  efficiency: number;
  parallelism: number;
  totalCostUsd: number;
  /** Every agent's tokens added up. */
  totalUsage: TokenUsage;
  rateLimits?: RateLimits;
  /** What made the worktrees and copies, where it was chosen at run time: `worktree by overlay mounts, copy by git`. */
  workspaceEngines?: string;
}

/** What the report, the comment and the issue are rendered from: results and answers already made safe. */
export interface ReportInput {
  results: readonly AgentResult[];
  stats: RunStats;
  /** Each agent's full answer, secrets already scrubbed; an agent missing here shows its `answer` excerpt. */
  answers: ReadonlyMap<string, string>;
  /** The workflow run's page. */
  runUrl?: string;
}
