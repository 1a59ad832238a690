import fs from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import type { AgentSpec, CommentMode, Credentials, FailOn, RerunMode, ShardRef, UploadMode } from '../types.js';
import { InputError, Problems } from '../util/errors.js';
import { workspaceDir } from '../util/runner.js';
import {
  COMMENT_MODES,
  FAIL_ON_VALUES,
  INPUT_DEFAULTS,
  PERMISSION_MODES,
  RERUN_MODES,
  REPOSITORY_CONFIG_SETTINGS,
  UPLOAD_MODES,
  WORKSPACE_MODES,
  API_PROXY_SETTINGS,
  WORKSPACE_ENGINES,
  type InputName,
  type RepositoryConfigSetting,
} from './action-interface.js';
import { hostList } from './host-list.js';
import { readJsonSchema } from './json-schema-input.js';
import { reviewInput } from './review-schema.js';
import { MAX_AGENTS, parseMatrix, type AgentDefaults, type MatrixSource } from './matrix.js';
import { agentsOfShard, parseShard } from './shard.js';
import {
  integerIn,
  issueTitle,
  jsonOrFile,
  labelList,
  loginList,
  money,
  oneOf,
  positiveInteger,
  positiveMinutes,
  splitArgs,
  splitTools,
} from './values.js';
import { PROVIDER_SWITCH_NAMES, providerSwitchedOn } from '../util/model-provider.js';

export interface Inputs {
  /** The whole matrix. */
  matrix: AgentSpec[];
  /** The agents this step runs: the matrix, or this shard's part of it. */
  specs: AgentSpec[];
  /** The folder that inputs naming files are read against: the workspace. */
  workspace: string;
  /** Undefined: all agents at once. */
  maxParallel?: number;
  retries: number;
  credentials: Credentials;
  claudePath: string;
  claudeVersion: string;
  failOn: FailOn;
  summary: boolean;
  upload: UploadMode;
  artifactPrefix: string;
  retentionDays?: number;
  artifactsDir: string;
  /** What every agent gets unless its item says otherwise; a planner's agents get the same. */
  defaults: AgentDefaults;
  /** The most agents in the run, those planners add included. */
  maxAgents: number;
  /** Set when the matrix is split over jobs: this step runs only this shard's agents. */
  shard?: ShardRef;
  comment: CommentMode;
  /** The issue or pull request to comment on when the event concerns none. */
  commentOn?: number;
  /** Empty: no issue report. */
  issueTitle: string;
  issueLabels: string[];
  /** Logins that may start the action on events anyone can trigger, without write access. */
  allowedActors: string[];
  /** Lower how many agents run at once when the API pushes back (429, 529). */
  adaptiveConcurrency: boolean;
  /** The run's budget in US dollars: no agent starts once the finished ones cost this much. */
  budgetUsd?: number;
  /** `auto`, `none` or a user name (see `agent-user`). */
  agentUser: string;
  /** The checkout agents work on (absolute; checked to be a folder). */
  workingDirectory: string;
  /** The commit worktrees start from, as given; empty means the checkout's HEAD. */
  ref: string;
  /** In a re-run: `failed` runs again only the agents that did not succeed in an earlier attempt. */
  rerun: RerunMode;
  /** Whether agents reach the model through the action's proxy (see isolation/proxy-plan.ts). */
  apiProxy: (typeof API_PROXY_SETTINGS)[number];
  /** Whose agent configuration (`.claude/`, `.mcp.json`, `CLAUDE.md`) the agents' trees hold. */
  repositoryConfig: RepositoryConfigSetting;
  /** `auto`: overlay mounts for worktrees and copies where the run can mount; `git`: always git's. */
  workspaceEngine: (typeof WORKSPACE_ENGINES)[number];
}

/**
 * An input's value, trimmed, or action.yml's default when it is empty. A runner always passes the default;
 * local runs and tests may not. Defaults that are expressions (`${{ github.token }}`) mean nothing here.
 */
function readInput(name: InputName, trim = true): string {
  return inputOr(name, INPUT_DEFAULTS[name], trim);
}

/** `readInput` for an action with its own table of defaults (the aggregate action's). */
export function inputOr(name: string, fallback: string, trim = true): string {
  const given = core.getInput(name, { trimWhitespace: trim });
  return given.trim() ? given : fallback.includes('${{') ? '' : fallback;
}

/**
 * Reads and validates every input and the matrix. Throws one InputError listing every problem, each naming
 * its input (and item), before anything starts.
 */
export function getInputs(): Inputs {
  // Masked first, so no later error message can print them.
  const credentials = readCredentials();

  const workspace = workspaceDir();
  const problems = new Problems();
  const optional = <T>(name: InputName, parse: (value: string, what: string) => T): T | undefined => {
    const value = readInput(name);
    return value ? problems.check(() => parse(value, `Input '${name}'`)) : undefined;
  };

  const permissionMode = optional('permission-mode', (v, w) => oneOf(v, PERMISSION_MODES, w));
  const workingDirectory = problems.check(() => readWorkingDirectory(workspace)) ?? workspace;
  const defaults: AgentDefaults = {
    model: readInput('model') || undefined,
    allowedTools: splitTools(readInput('allowed-tools')),
    disallowedTools: splitTools(readInput('disallowed-tools')),
    permissionMode,
    maxTurns: optional('max-turns', positiveInteger),
    appendSystemPrompt: readInput('append-system-prompt', false) || undefined,
    claudeArgs: optional('claude-args', splitArgs) ?? [],
    timeoutMinutes: optional('timeout-minutes', positiveMinutes) ?? Number(INPUT_DEFAULTS['timeout-minutes']),
    jsonSchema: optional('json-schema', (v, w) => readJsonSchema(v, workspace, w)),
    fallbackModel: readInput('fallback-model') || undefined,
    maxBudgetUsd: optional('max-budget-usd', money),
    workspace: optional('workspace', (v, w) => oneOf(v, WORKSPACE_MODES, w)),
    settings: optional('settings', (v, w) => jsonOrFile(v, workspace, w)),
    mcpConfig: optional('mcp-config', (v, w) => jsonOrFile(v, workspace, w)),
    review: optional('review', reviewInput),
    idleTimeoutMinutes: optional('idle-timeout-minutes', positiveMinutes),
    allowedHosts: optional('allowed-hosts', hostList),
  };
  problems.check(() => checkFallbackModel(defaults));
  const inputs = {
    workspace,
    maxParallel: optional('max-parallel', positiveInteger),
    retries: optional('retries', (v, w) => integerIn(v, 0, 10, w)) ?? 0,
    credentials,
    claudePath: readInput('claude-path'),
    claudeVersion: readInput('claude-version'),
    failOn: optional('fail-on', (v, w) => oneOf<FailOn>(v, FAIL_ON_VALUES, w)) ?? 'any',
    summary: optional('summary', (v, w) => boolean(v, w)) ?? true,
    upload: optional('upload', (v, w) => oneOf<UploadMode>(v, UPLOAD_MODES, w)) ?? 'none',
    artifactPrefix: readInput('artifact-prefix'),
    retentionDays: optional('retention-days', (v, w) => integerIn(v, 1, 90, w)),
    artifactsDir: path.resolve(workspace, readInput('artifacts-dir')),
    defaults,
    maxAgents: optional('max-agents', (v, w) => integerIn(v, 1, MAX_AGENTS, w)) ?? Number(INPUT_DEFAULTS['max-agents']),
    shard: optional('shard', parseShard),
    comment: optional('comment', (v, w) => oneOf<CommentMode>(v, COMMENT_MODES, w)) ?? 'auto',
    commentOn: optional('comment-on', positiveInteger),
    issueTitle: optional('issue-title', issueTitle) ?? '',
    issueLabels: labelList(readInput('issue-labels')),
    allowedActors: optional('allowed-actors', loginList) ?? [],
    adaptiveConcurrency: optional('adaptive-concurrency', (v, w) => boolean(v, w)) ?? true,
    budgetUsd: optional('budget-usd', money),
    agentUser: optional('agent-user', agentUserSetting) ?? 'auto',
    workingDirectory,
    ref: readInput('ref'),
    rerun: optional('rerun', (v, w) => oneOf<RerunMode>(v, RERUN_MODES, w)) ?? 'failed',
    apiProxy: optional('api-proxy', (v, w) => oneOf(v, API_PROXY_SETTINGS, w)) ?? 'auto',
    repositoryConfig: optional('repository-config', repositoryConfigSetting) ?? 'auto',
    workspaceEngine: optional('workspace-engine', (v, w) => oneOf(v, WORKSPACE_ENGINES, w)) ?? 'auto',
  };
  // The matrix is read last, with the defaults it applies; its problems join the others.
  const source = problems.check(() => readMatrix(workspace));
  const matrix = source ? (problems.check(() => parseMatrix(source, defaults)) ?? []) : [];
  // max-agents caps one step's run: a shard's part of the matrix, when the matrix is split over jobs.
  const specs = inputs.shard ? agentsOfShard(matrix, inputs.shard) : matrix;
  if (source && specs.length > inputs.maxAgents) {
    const which = inputs.shard ? `shard ${inputs.shard.index} of ${inputs.shard.count} gets` : 'has';
    problems.add(
      `Input '${source.input}' ${which} ${specs.length} agents, more than input 'max-agents' (${inputs.maxAgents}); raise 'max-agents'${inputs.shard ? ', split it over more shards' : ''} or give fewer agents`,
    );
  }
  problems.check(() => requireCredential(credentials, process.env, matrix));
  problems.throwIfAny();
  return { ...inputs, matrix, specs };
}

/** The credentials, masked in the log as soon as they are read. */
function readCredentials(): Credentials {
  const credentials: Credentials = {
    anthropicApiKey: readInput('anthropic-api-key'),
    oauthToken: readInput('claude-code-oauth-token'),
    githubToken: readInput('github-token'),
  };
  for (const secret of Object.values(credentials)) if (secret) core.setSecret(secret);
  return credentials;
}

/** A fallback model that is the model itself would never be used. */
function checkFallbackModel(defaults: AgentDefaults): void {
  if (defaults.model && defaults.fallbackModel === defaults.model) {
    throw new InputError(
      `Input 'fallback-model' must differ from input 'model' (both are ${JSON.stringify(defaults.model)})`,
    );
  }
}

/**
 * What the job's environment may set instead of the inputs, for the CLI to reach a model: a key or token of its
 * own, or another provider (Bedrock, Vertex AI, Foundry, a gateway taking a bearer token).
 */
const CREDENTIAL_ENV = ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN', 'ANTHROPIC_AUTH_TOKEN'];

/**
 * Without a credential every agent would start and fail on its own, one by one: the common case is a secret
 * that is empty because the event gets none (Dependabot's pull requests, and those from forks). Settings may
 * bring their own (`apiKeyHelper`, `env`), so an agent given any is trusted to have one.
 */
function requireCredential(credentials: Credentials, env: NodeJS.ProcessEnv, matrix: readonly AgentSpec[]): void {
  if (credentials.anthropicApiKey || credentials.oauthToken) return;
  if (CREDENTIAL_ENV.some((k) => env[k]?.trim())) return;
  if (providerSwitchedOn(env)) return;
  if (matrix.some((s) => s.settings)) return;
  throw new InputError(
    `Input 'anthropic-api-key' or input 'claude-code-oauth-token' is required, and both are empty: give one, such as \`anthropic-api-key: \${{ secrets.ANTHROPIC_API_KEY }}\` (or set ${[...CREDENTIAL_ENV, ...PROVIDER_SWITCH_NAMES].join(', ')} in the job's environment). An empty secret is usually one the event does not get: Dependabot's pull requests get no Actions secrets (add the key as a Dependabot secret), nor do pull requests from forks`,
  );
}

function repositoryConfigSetting(value: string, what: string): RepositoryConfigSetting {
  return oneOf(value, REPOSITORY_CONFIG_SETTINGS, what);
}

/** `true` or `false` in the spellings YAML 1.2 allows, as the runner's own boolean inputs do. */
export function boolean(value: string, what: string): boolean {
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new InputError(`${what} must be true or false; got ${JSON.stringify(value)}`);
}

/** The `working-directory` input: a folder, relative to the workspace; the workspace itself when empty. */
function readWorkingDirectory(workspace: string): string {
  const given = readInput('working-directory');
  const full = path.resolve(workspace, given || '.');
  let stat: fs.Stats;
  try {
    stat = fs.statSync(full);
  } catch (err) {
    throw new InputError(
      `Input 'working-directory': ${JSON.stringify(given)} does not exist (${full}: ${(err as NodeJS.ErrnoException).code ?? err}); give the checkout's folder, relative to the workspace ${workspace}`,
    );
  }
  if (!stat.isDirectory()) {
    throw new InputError(`Input 'working-directory': ${JSON.stringify(given)} (${full}) is not a folder`);
  }
  return fs.realpathSync(full);
}

function readMatrix(workspace: string): MatrixSource {
  const inline = readInput('prompts', false);
  const file = readInput('prompts-file');
  if (inline.trim() && file) throw new InputError(`Give either input 'prompts' or input 'prompts-file', not both`);
  if (!inline.trim() && !file) {
    throw new InputError(`Input 'prompts' is required: a YAML or JSON list of prompts (or give 'prompts-file')`);
  }
  if (!file) return { input: 'prompts', text: inline, workspace };
  const full = path.resolve(workspace, file);
  try {
    return { input: 'prompts-file', text: fs.readFileSync(full, 'utf8'), workspace };
  } catch (err) {
    throw new InputError(`Input 'prompts-file': cannot read ${full}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
}

/** `auto`, `none`, or a user name as useradd takes it. */
/** A user name as useradd takes it. */
function isUserName(value: string): boolean {
  return /^[a-z_][a-z0-9_-]{0,30}[$]?$/.test(value);
}

function agentUserSetting(value: string, what: string): string {
  if (value === 'auto' || value === 'none' || isUserName(value)) return value;
  throw new InputError(
    `${what} must be auto, none or a user name (lower-case letters, digits, '_' and '-'), got ${JSON.stringify(value)}`,
  );
}
