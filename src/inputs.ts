import fs from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import { parse as parseShell } from 'shell-quote';
import { InputError } from './errors.js';
import type { UploadMode } from './upload.js';
import { positiveInteger, positiveMinutes, splitTools, type AgentDefaults, type MatrixSource } from './matrix.js';

export type FailOn = 'any' | 'all' | 'never';

export interface Credentials {
  anthropicApiKey: string;
  oauthToken: string;
  githubToken: string;
}

export interface Inputs {
  matrix: MatrixSource;
  /** Undefined: all agents at once. */
  maxParallel?: number;
  defaults: AgentDefaults;
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
}

export const PERMISSION_MODES = ['default', 'manual', 'acceptEdits', 'auto', 'bypassPermissions', 'dontAsk', 'plan'];

function oneOf<T extends string>(name: string, allowed: readonly T[]): T {
  const value = core.getInput(name).trim();
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError(`Input '${name}' must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`);
}

function optional<T>(name: string, parse: (value: string, what: string) => T): T | undefined {
  const value = core.getInput(name).trim();
  return value ? parse(value, `Input '${name}'`) : undefined;
}

/** Reads and validates every input; throws InputError naming the input before anything starts. */
export function getInputs(env: NodeJS.ProcessEnv = process.env): Inputs {
  // Masked first, so no later error message can print them.
  const credentials: Credentials = {
    anthropicApiKey: core.getInput('anthropic-api-key').trim(),
    oauthToken: core.getInput('claude-code-oauth-token').trim(),
    githubToken: core.getInput('github-token').trim(),
  };
  for (const secret of Object.values(credentials)) if (secret) core.setSecret(secret);

  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const matrix = readMatrix(workspace);

  let claudeArgs: string[];
  try {
    claudeArgs = splitArgs(core.getInput('claude-args'));
  } catch (err) {
    throw new InputError(`Input 'claude-args' ${(err as Error).message}`);
  }

  const permissionMode = core.getInput('permission-mode').trim() || undefined;
  if (permissionMode && !PERMISSION_MODES.includes(permissionMode)) {
    throw new InputError(
      `Input 'permission-mode' must be one of ${PERMISSION_MODES.join(', ')}; got "${permissionMode}"`,
    );
  }

  const timeout = core.getInput('timeout-minutes').trim() || '30';
  const defaults: AgentDefaults = {
    model: core.getInput('model').trim() || undefined,
    allowedTools: splitTools(core.getInput('allowed-tools')),
    disallowedTools: splitTools(core.getInput('disallowed-tools')),
    permissionMode,
    maxTurns: optional('max-turns', positiveInteger),
    appendSystemPrompt: core.getInput('append-system-prompt') || undefined,
    claudeArgs,
    timeoutMinutes: positiveMinutes(timeout, `Input 'timeout-minutes'`),
  };

  const retries = Number(core.getInput('retries').trim() || '2');
  if (!Number.isInteger(retries) || retries < 0 || retries > 10) {
    throw new InputError(`Input 'retries' must be a whole number from 0 to 10, got "${core.getInput('retries')}"`);
  }

  const retentionDays = optional('retention-days', (value, what) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 90) {
      throw new InputError(`${what} must be a whole number of days from 1 to 90, or empty; got "${value}"`);
    }
    return n;
  });

  const artifactPrefix = core.getInput('artifact-prefix').trim() || 'agent';

  return {
    matrix,
    maxParallel: optional('max-parallel', positiveInteger),
    defaults,
    retries,
    credentials,
    claudePath: core.getInput('claude-path').trim(),
    claudeVersion: core.getInput('claude-version').trim() || 'latest',
    failOn: oneOf('fail-on', ['any', 'all', 'never']),
    summary: core.getInput('summary').trim() === '' || core.getBooleanInput('summary'),
    upload: oneOf('upload', ['per-agent', 'combined', 'none']),
    artifactPrefix,
    retentionDays,
    artifactsDir: path.resolve(workspace, core.getInput('artifacts-dir').trim() || 'agent-artifacts'),
  };
}

function readMatrix(workspace: string): MatrixSource {
  const inline = core.getInput('prompts');
  const file = core.getInput('prompts-file').trim();
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

/** Splits CLI arguments as a shell would, refusing what a shell would do more with (pipes, redirects, globs). */
export function splitArgs(text: string): string[] {
  const open = unclosed(text);
  if (open) throw new Error(`has ${open}; close it or escape it with a backslash`);
  const args: string[] = [];
  // The action expands no variables: each `$` is hidden from the parser and put back as written.
  const DOLLAR = '\uE000';
  for (const token of parseShell(text.replaceAll('$', DOLLAR))) {
    if (typeof token !== 'string') {
      throw new Error(`must be plain arguments; found ${JSON.stringify('op' in token ? token.op : token)}`);
    }
    args.push(token.replaceAll(DOLLAR, '$'));
  }
  return args;
}

/** What a shell would refuse to end on: an open quote or a trailing backslash. */
function unclosed(text: string): string | undefined {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote === "'") {
      if (ch === "'") quote = undefined;
    } else if (ch === '\\') {
      if (i === text.length - 1) return 'a trailing backslash';
      i++;
    } else if (quote === '"') {
      if (ch === '"') quote = undefined;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    }
  }
  return quote ? `an unterminated ${quote} quote` : undefined;
}
