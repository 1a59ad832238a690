import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import { errorMessage } from '../util/errors.js';
import { runnerTemp } from '../util/runner.js';

// The job's token that actions/checkout keeps for git, out of the agents' reach while they run. Up to v4 it is an
// `http.<server>/.extraheader` of `AUTHORIZATION: basic <base64 of x-access-token:TOKEN>` in the checkout's
// `.git/config` (and each submodule's), which every worktree reads; from v6 that header is in
// `$RUNNER_TEMP/git-credentials-<uuid>.config`, which `.git/config` includes through `includeIf "gitdir:…"`
// entries (for the checkout, its worktrees, and the same paths inside a container). While agents run, these
// entries are taken out of every config file that has them, and put back as they were when the step ends: at its
// end, after a failure, and on a cancel (the action's own ending runs before it exits). A step killed outright
// cannot put anything back: what was taken is kept in a private stash file, and the next run of this action in the
// job puts it back before anything else. The credentials file itself stays where it is: with an agent user,
// the fence around `$RUNNER_TEMP` makes it private to the runner's user.

/** Stash files live here under `$RUNNER_TEMP`, one per config file, readable by the runner's user alone. */
const STASH_FOLDER = 'claude-agent-matrix-git-credentials';

interface Entry {
  key: string;
  value: string;
}

interface Stash {
  config: string;
  /** The config file's text as it was, and as the action left it. */
  original: string;
  scrubbed: string;
  removed: Entry[];
}

export interface HiddenCredentials {
  /** The config files whose credentials are taken away. */
  configs: string[];
  /** What could not be taken away, each with the reason. */
  problems: string[];
  /** Notes for the log: stashes of a killed run put back. */
  notes: string[];
  /** Puts back what was taken. Never throws: what it could not put back stays in the stash for the next run. */
  restore(): void;
}

const gitConfig = (args: string[]): string =>
  execFileSync('git', ['config', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Every `key value` of a config file matching `pattern`, as `git config -z --get-regexp` lists them. */
function entries(config: string, pattern: string): Entry[] {
  let out: string;
  try {
    out = gitConfig(['--file', config, '-z', '--get-regexp', pattern]);
  } catch {
    return []; // exit 1: none
  }
  return out
    .split('\0')
    .filter(Boolean)
    .map((record) => {
      const at = record.indexOf('\n');
      return at < 0 ? { key: record, value: '' } : { key: record.slice(0, at), value: record.slice(at + 1) };
    });
}

const AUTHORIZATION = /^\s*authorization:/i;

/** Whether an include points at a credentials file: one holding an authorization header, or named as checkout names it. */
function includesCredentials(config: string, target: string): boolean {
  if (/^git-credentials-[^/]*\.config$/.test(path.basename(target))) return true;
  const file = path.resolve(path.dirname(config), target);
  if (!fs.existsSync(file)) return false;
  return entries(file, '^http\\..*\\.extraheader$').some((e) => AUTHORIZATION.test(e.value));
}

/** The entries of a config file that hand git the job's token. */
export function credentialEntries(config: string): Entry[] {
  const headers = entries(config, '^http\\..*\\.extraheader$').filter((e) => AUTHORIZATION.test(e.value));
  const includes = entries(config, '^include(if\\..*)?\\.path$').filter((e) => includesCredentials(config, e.value));
  return [...headers, ...includes];
}

/** The config files of a git folder: its own, and its submodules' (`modules/**\/config`). */
export function configFiles(gitDir: string): string[] {
  const own = path.join(gitDir, 'config');
  const found = fs.existsSync(own) ? [own] : [];
  const modules = path.join(gitDir, 'modules');
  if (fs.existsSync(modules)) {
    for (const entry of fs.readdirSync(modules, { recursive: true, withFileTypes: true })) {
      const dir = entry.parentPath;
      if (entry.name === 'config' && entry.isFile() && fs.existsSync(path.join(dir, 'HEAD'))) {
        found.push(path.join(dir, entry.name));
      }
    }
  }
  return found;
}

function stashPath(stashDir: string, config: string): string {
  return path.join(stashDir, `${createHash('sha256').update(config).digest('hex').slice(0, 16)}.json`);
}

/** Puts a stash back; true when it is put back (or there was nothing left to put back). */
function putBack(stash: Stash): boolean {
  const now = fs.readFileSync(stash.config, 'utf8');
  if (now === stash.scrubbed) {
    fs.writeFileSync(stash.config, stash.original);
    return true;
  }
  // Something changed the file meanwhile: add back only what is missing, keeping that change.
  const present = entries(stash.config, '.*');
  for (const e of stash.removed) {
    if (present.some((p) => p.key === e.key && p.value === e.value)) continue;
    gitConfig(['--file', stash.config, '--add', e.key, e.value]);
  }
  return true;
}

/** Stashes of a run that was killed before it put them back, put back now. */
function putBackLeftovers(stashDir: string, notes: string[], problems: string[]): void {
  if (!fs.existsSync(stashDir)) return;
  for (const name of fs.readdirSync(stashDir)) {
    const file = path.join(stashDir, name);
    try {
      const stash = JSON.parse(fs.readFileSync(file, 'utf8')) as Stash;
      if (fs.existsSync(stash.config)) putBack(stash);
      fs.rmSync(file);
      notes.push(`put back the git credentials of ${stash.config} that a killed run of this action had taken away`);
    } catch (err) {
      problems.push(`the stash ${file} of a killed run could not be put back: ${errorMessage(err)}`);
    }
  }
}

/**
 * Takes the checkout's git credentials out of the config files of `gitDirs` (and their submodules) until
 * `restore`; first puts back what a killed run of this action left taken away.
 */
export function hideCheckoutCredentials(gitDirs: readonly string[], tempDir: string): HiddenCredentials {
  const stashDir = path.join(tempDir, STASH_FOLDER);
  const notes: string[] = [];
  const problems: string[] = [];
  putBackLeftovers(stashDir, notes, problems);
  const stashes: { file: string; stash: Stash }[] = [];
  const configs = [...new Set(gitDirs.flatMap((d) => configFiles(d)))];
  for (const config of configs) {
    const removed = credentialEntries(config);
    if (removed.length === 0) continue;
    try {
      const original = fs.readFileSync(config, 'utf8');
      fs.mkdirSync(stashDir, { recursive: true, mode: 0o700 });
      fs.chmodSync(stashDir, 0o700);
      const file = stashPath(stashDir, config);
      const stash: Stash = { config, original, scrubbed: original, removed };
      // Stashed before anything is taken: a kill from here on leaves what the next run needs to put it back.
      fs.writeFileSync(file, JSON.stringify(stash), { mode: 0o600 });
      for (const e of removed) gitConfig(['--file', config, '--fixed-value', '--unset-all', e.key, e.value]);
      stash.scrubbed = fs.readFileSync(config, 'utf8');
      fs.writeFileSync(file, JSON.stringify(stash), { mode: 0o600 });
      stashes.push({ file, stash });
    } catch (err) {
      problems.push(`the credentials in ${config} could not be taken away: ${errorMessage(err)}`);
    }
  }
  return {
    configs: stashes.map((s) => s.stash.config),
    problems,
    notes,
    restore() {
      for (const { file, stash } of stashes.splice(0)) {
        try {
          if (putBack(stash)) fs.rmSync(file, { force: true });
        } catch {
          // Left in the stash: the next run of this action in the job puts it back.
        }
      }
      try {
        fs.rmdirSync(stashDir);
      } catch {
        // Not there, or holding what could not be put back.
      }
    },
  };
}

/**
 * `hideCheckoutCredentials` for the checkout agents work on and the job's workspace, saying in the log what it
 * did, and in one warning naming `persist-credentials: false` when the token is not out of the agents' reach:
 * when something could not be taken away, or when agents run as the runner's own user, who can read it elsewhere
 * (the stash, v6's credentials file, this step's own environment).
 */
export function keepTokenFromAgents(gitDirs: readonly (string | undefined)[], agentUser: boolean): () => void {
  const dirs = [...new Set(gitDirs.filter((d): d is string => !!d && fs.existsSync(d)).map((d) => fs.realpathSync(d)))];
  const hidden = hideCheckoutCredentials(dirs, runnerTemp());
  for (const note of hidden.notes) core.info(note);
  if (hidden.configs.length) {
    core.info(`The job's git token is out of ${hidden.configs.join(', ')} while agents run, and put back after`);
  }
  const unprotected = [...hidden.problems];
  if (hidden.configs.length && !agentUser) {
    unprotected.push(
      "the agents run as the runner's own user (agent-user), who can read it where it is kept meanwhile",
    );
  }
  if (unprotected.length) {
    core.warning(
      `Agents may reach the job's token that actions/checkout keeps for git: ${unprotected.join('; ')}. ` +
        'Give actions/checkout `persist-credentials: false` when agents have Bash or Read.',
    );
  }
  return () => hidden.restore();
}
