import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import type { RepositoryConfigSetting } from '../config/action-interface.js';
import type { GitHubClient } from '../publish/client.js';
import type { EventContext } from '../publish/event.js';
import type { AgentSpec, WorkspaceMode } from '../types.js';
import { errorMessage, InputError } from '../util/errors.js';
import type { Checkout } from '../workspace/checkout.js';
import { git } from '../workspace/git.js';
import { isAgentConfig, type ConfigFile, type RepositoryConfig } from '../workspace/repo-config.js';

/** `auto`: the base's configuration on any event of a pull request (its author chose the checkout's), else the checkout's own. */
export function effectiveConfigMode(
  setting: RepositoryConfigSetting,
  event: Pick<EventContext, 'pullRequest'>,
): 'base' | 'head' | 'none' {
  if (setting !== 'auto') return setting;
  return event.pullRequest !== undefined ? 'base' : 'head';
}

/**
 * The agents that would work in the checkout itself (`shared`), whose configuration cannot be replaced without
 * changing the checkout, and whose own CLI arguments do not already keep it from loading: `--setting-sources`
 * without `project` and `local` (no settings, hooks or CLAUDE.md of the repository's) and `--strict-mcp-config`
 * (no `.mcp.json`).
 */
export function unprotectedSharedAgents(
  specs: readonly AgentSpec[],
  modeOf: (spec: AgentSpec) => WorkspaceMode,
): string[] {
  return specs.filter((s) => modeOf(s) === 'shared' && !keepsProjectConfigOut(s.claudeArgs)).map((s) => s.id);
}

function keepsProjectConfigOut(args: readonly string[]): boolean {
  let sources: string | undefined;
  args.forEach((arg, i) => {
    if (arg === '--setting-sources') sources = args[i + 1];
    else if (arg.startsWith('--setting-sources=')) sources = arg.slice('--setting-sources='.length);
  });
  if (sources === undefined || !args.includes('--strict-mcp-config')) return false;
  const named = sources.split(',').map((s) => s.trim());
  return !named.includes('project') && !named.includes('local');
}

export interface ConfigOptions {
  setting: RepositoryConfigSetting;
  event: EventContext;
  github?: GitHubClient;
  checkout?: Checkout;
  specs: readonly AgentSpec[];
  modeOf: (spec: AgentSpec) => WorkspaceMode;
}

/**
 * What the agents' trees get instead of the checkout's agent configuration, read once before any agent starts:
 * undefined for `head`; for `base`, the base commit's files, from the checkout when it has that commit, else
 * through the API with the action's own token. Throws an InputError naming the fix when they cannot be had,
 * or when an agent would work in the checkout itself, with the pull request's configuration.
 */
export async function readRepositoryConfig(o: ConfigOptions): Promise<RepositoryConfig | undefined> {
  const mode = effectiveConfigMode(o.setting, o.event);
  const why = o.setting === 'auto' ? `auto, on ${o.event.eventName || 'this event'}` : 'as set';
  if (mode === 'head') {
    if (o.event.pullRequest !== undefined) {
      core.info(`repository-config is head (${why}): the agents load the pull request's own agent configuration`);
    }
    return undefined;
  }
  const shared = unprotectedSharedAgents(o.specs, o.modeOf);
  if (shared.length) {
    throw new InputError(
      `Input 'repository-config' is ${mode} (${why}), but ${shared.join(', ')} work${shared.length > 1 ? '' : 's'} ` +
        `in the checkout itself (workspace: shared), whose agent configuration cannot be replaced: use workspace: ` +
        `worktree or copy, give those agents claude-args "--setting-sources user --strict-mcp-config" (none of the ` +
        `repository's configuration), or set repository-config: head to let the checkout's configure them`,
    );
  }
  // Only trees of an agent's own get replaced files: without any (nor a planner that may add some), none are read.
  const ownTrees = o.specs.some((s) => s.spawn || !['shared', 'empty'].includes(o.modeOf(s)));
  if (!o.checkout || !ownTrees) return undefined;
  if (mode === 'none') {
    core.info(`repository-config is none (${why}): the agents load none of the repository's agent configuration`);
    return { mode, files: [] };
  }
  const sha = await baseCommit(o);
  const files = await readBaseFiles(o, sha).catch((err: unknown) => {
    throw new InputError(
      `Input 'repository-config' is base (${why}), but the agent configuration of the base commit ${sha} could ` +
        `not be read: ${errorMessage(err)}. Give the job \`contents: read\` and the action its github-token, ` +
        `fetch the base commit in the checkout (actions/checkout fetch-depth: 0), or set repository-config: head`,
    );
  });
  core.info(
    `repository-config is base (${why}): each agent's tree gets the agent configuration of the base commit ` +
      `${sha.slice(0, 12)} (${files.length} file${files.length === 1 ? '' : 's'}), not the pull request's`,
  );
  return { mode, files };
}

/** The pull request's base commit: from the event's payload, else (a comment on it) from the API. */
async function baseCommit(o: ConfigOptions): Promise<string> {
  if (o.event.baseSha) return o.event.baseSha;
  const fix = "give the action its github-token (the job's token with `pull-requests: read`), or set repository-config";
  if (o.event.pullRequest === undefined || !o.github || !o.event.repo) {
    throw new InputError(
      `Input 'repository-config' is base, but there is no pull request whose base to read (event ` +
        `${o.event.eventName || 'unknown'}${o.github ? '' : ', no github-token'}): ${fix}: head or none`,
    );
  }
  try {
    const { data } = await o.github.rest.pulls.get({ ...o.event.repo, pull_number: o.event.pullRequest });
    return data.base.sha;
  } catch (err) {
    throw new InputError(
      `Input 'repository-config' is base, but pull request #${o.event.pullRequest} could not be read: ` +
        `${errorMessage(err)}; ${fix}: head or none`,
    );
  }
}

async function readBaseFiles(o: ConfigOptions, sha: string): Promise<ConfigFile[]> {
  if (o.checkout && (await hasCommit(o.checkout.top, sha))) return readLocalFiles(o.checkout.top, sha);
  if (!o.github || !o.event.repo) throw new Error('the checkout does not have it, and there is no github-token');
  return readApiFiles(o.github, o.event.repo, sha);
}

async function hasCommit(top: string, sha: string): Promise<boolean> {
  if (!/^[0-9a-f]{40,64}$/.test(sha)) return false;
  return git(['cat-file', '-e', `${sha}^{commit}`], { cwd: top }).then(
    () => true,
    () => false,
  );
}

/** A git tree entry's mode as a file kind; undefined for what is not a file (a submodule). */
function kindOf(mode: string): ConfigFile['kind'] | undefined {
  if (mode === '120000') return 'link';
  if (mode === '100755') return 'exec';
  if (mode.startsWith('100')) return 'file';
  return undefined;
}

async function readLocalFiles(top: string, sha: string): Promise<ConfigFile[]> {
  const listing = await git(['ls-tree', '-r', '-z', '--full-tree', sha], { cwd: top });
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'repository-config-'));
  try {
    const files: ConfigFile[] = [];
    for (const record of listing.split('\0')) {
      const m = /^(\d+) blob ([0-9a-f]+)\t(.+)$/s.exec(record);
      const kind = m && kindOf(m[1]!);
      if (!m || !kind || !isAgentConfig(m[3]!)) continue;
      // Through a file: git's output as a string would mangle a binary file.
      const out = path.join(temp, 'blob');
      await git(['cat-file', 'blob', m[2]!], { cwd: top, stdoutFile: out });
      files.push({ path: m[3]!, kind, content: fs.readFileSync(out) });
    }
    return files;
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

async function readApiFiles(
  github: GitHubClient,
  repo: { owner: string; repo: string },
  sha: string,
): Promise<ConfigFile[]> {
  const { data } = await github.rest.git.getTree({ ...repo, tree_sha: sha, recursive: 'true' });
  if (data.truncated) {
    throw new Error('its tree has more entries than the API lists at once, so it must be read from the checkout');
  }
  const files: ConfigFile[] = [];
  for (const entry of data.tree) {
    const kind = entry.type === 'blob' && entry.mode ? kindOf(entry.mode) : undefined;
    if (!kind || !entry.path || !entry.sha || !isAgentConfig(entry.path)) continue;
    const blob = await github.rest.git.getBlob({ ...repo, file_sha: entry.sha });
    const content = Buffer.from(blob.data.content, blob.data.encoding === 'base64' ? 'base64' : 'utf8');
    files.push({ path: entry.path, kind, content });
  }
  return files;
}
