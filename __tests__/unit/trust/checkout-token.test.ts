import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFiles, credentialEntries, hideCheckoutCredentials } from '../../../src/trust/checkout-token.js';
import { tempDir } from '../../support/agents.js';
import { git, makeRepo } from '../../support/repos.js';

// The job's token as actions/checkout leaves it for git, taken out of the checkout's config and put back: in a
// real repository, read back by real git.

const TOKEN = 'ghs_checkoutTokenForTheTests0123456789';
const BASIC = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');
const HEADER = `AUTHORIZATION: basic ${BASIC}`;
const KEY = 'http.https://github.com/.extraheader';

/** What git itself makes of the checkout's config (includes followed): every extra header it would send. */
const headersGitSees = (dir: string): string => {
  try {
    return git(dir, 'config', '--get-all', KEY).trim();
  } catch {
    return '';
  }
};

/** actions/checkout v4: the header in `.git/config`, and in each submodule's config. */
function checkoutV4(): { repo: string; configs: string[] } {
  const repo = makeRepo({ 'a.txt': 'a\n' });
  git(repo, 'config', '--local', KEY, HEADER);
  const sub = path.join(repo, '.git', 'modules', 'lib');
  fs.mkdirSync(sub, { recursive: true });
  fs.writeFileSync(path.join(sub, 'HEAD'), 'ref: refs/heads/main\n');
  fs.writeFileSync(
    path.join(sub, 'config'),
    `[core]\n\tbare = false\n[http "https://github.com/"]\n\textraheader = ${HEADER}\n`,
  );
  return { repo, configs: [path.join(repo, '.git', 'config'), path.join(sub, 'config')] };
}

/** actions/checkout v6: the header in `$RUNNER_TEMP/git-credentials-<uuid>.config`, included for the checkout and its worktrees. */
function checkoutV6(): { repo: string; credentials: string; temp: string } {
  const repo = makeRepo({ 'a.txt': 'a\n' });
  const temp = tempDir('runner-temp-');
  const credentials = path.join(temp, 'git-credentials-0b8f2a1c-6f0e-4e7a-9d1e-3c2b1a0f9e8d.config');
  fs.writeFileSync(credentials, `[http "https://github.com/"]\n\textraheader = ${HEADER}\n`);
  const gitDir = path.join(repo, '.git');
  git(repo, 'config', '--local', `includeIf.gitdir:${gitDir}.path`, credentials);
  git(repo, 'config', '--local', `includeIf.gitdir:${gitDir}/worktrees/*.path`, credentials);
  git(
    repo,
    'config',
    '--local',
    'includeIf.gitdir:/github/workspace/.git.path',
    `/github/runner_temp/${path.basename(credentials)}`,
  );
  return { repo, credentials, temp };
}

describe('the checkout credentials of actions/checkout v4', () => {
  it('finds the header in the config and in the submodules', () => {
    const { repo, configs } = checkoutV4();
    expect(configFiles(path.join(repo, '.git')).sort()).toEqual([...configs].sort());
    expect(credentialEntries(configs[0]!)).toEqual([{ key: KEY, value: HEADER }]);
  });

  it('takes the header out of every config, worktrees included, and puts each file back as it was', () => {
    const { repo, configs } = checkoutV4();
    const before = configs.map((c) => fs.readFileSync(c, 'utf8'));
    const hidden = hideCheckoutCredentials([path.join(repo, '.git')], tempDir('runner-temp-'));
    expect(hidden.configs.sort()).toEqual([...configs].sort());
    expect(hidden.problems).toEqual([]);
    for (const c of configs) expect(fs.readFileSync(c, 'utf8')).not.toContain(BASIC);
    expect(headersGitSees(repo)).toBe('');
    const worktree = path.join(tempDir('worktree-'), 'wt');
    git(repo, 'worktree', 'add', '-q', '--detach', worktree);
    expect(headersGitSees(worktree)).toBe('');
    hidden.restore();
    expect(configs.map((c) => fs.readFileSync(c, 'utf8'))).toEqual(before);
    expect(headersGitSees(repo)).toBe(HEADER);
    expect(headersGitSees(worktree)).toBe(HEADER);
  });

  it('keeps a change made to the config meanwhile, and puts back the header beside it', () => {
    const { repo, configs } = checkoutV4();
    const hidden = hideCheckoutCredentials([path.join(repo, '.git')], tempDir('runner-temp-'));
    git(repo, 'config', '--local', 'remote.origin.pushurl', 'https://example.invalid/x.git');
    hidden.restore();
    expect(headersGitSees(repo)).toBe(HEADER);
    expect(git(repo, 'config', 'remote.origin.pushurl').trim()).toBe('https://example.invalid/x.git');
    expect(fs.readFileSync(configs[1]!, 'utf8')).toContain(BASIC);
  });

  it('after a step killed outright, puts the header back at the next start, then takes it away again', () => {
    const { repo, configs } = checkoutV4();
    const before = fs.readFileSync(configs[0]!, 'utf8');
    const temp = tempDir('runner-temp-');
    hideCheckoutCredentials([path.join(repo, '.git')], temp); // never restored: the step was killed
    const stash = path.join(temp, 'claude-agent-matrix-git-credentials');
    expect(fs.statSync(stash).mode & 0o777).toBe(0o700);
    for (const f of fs.readdirSync(stash)) expect(fs.statSync(path.join(stash, f)).mode & 0o777).toBe(0o600);
    const next = hideCheckoutCredentials([path.join(repo, '.git')], temp);
    expect(next.notes.join('\n')).toContain(`put back the git credentials of ${configs[0]}`);
    expect(headersGitSees(repo)).toBe('');
    next.restore();
    expect(fs.readFileSync(configs[0]!, 'utf8')).toBe(before);
    expect(fs.existsSync(stash)).toBe(false);
  });
});

describe('the checkout credentials of actions/checkout v6', () => {
  it('takes out the includes of the credentials file, container paths too, and puts them back', () => {
    const { repo, credentials } = checkoutV6();
    const config = path.join(repo, '.git', 'config');
    const before = fs.readFileSync(config, 'utf8');
    expect(headersGitSees(repo)).toBe(HEADER);
    const worktree = path.join(tempDir('worktree-'), 'wt');
    git(repo, 'worktree', 'add', '-q', '--detach', worktree);
    expect(headersGitSees(worktree)).toBe(HEADER);

    const hidden = hideCheckoutCredentials([path.join(repo, '.git')], tempDir('runner-temp-'));
    expect(credentialEntries(config)).toEqual([]);
    expect(fs.readFileSync(config, 'utf8')).not.toContain('git-credentials-');
    expect(headersGitSees(repo)).toBe('');
    expect(headersGitSees(worktree)).toBe('');
    // The file itself stays for the steps after: with an agent user, the fence around $RUNNER_TEMP keeps it private.
    expect(fs.readFileSync(credentials, 'utf8')).toContain(BASIC);

    hidden.restore();
    expect(fs.readFileSync(config, 'utf8')).toBe(before);
    expect(headersGitSees(repo)).toBe(HEADER);
    expect(headersGitSees(worktree)).toBe(HEADER);
  });

  it('leaves a config without credentials untouched (persist-credentials: false)', () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const config = path.join(repo, '.git', 'config');
    const before = fs.readFileSync(config, 'utf8');
    const temp = tempDir('runner-temp-');
    const hidden = hideCheckoutCredentials([path.join(repo, '.git')], temp);
    expect(hidden.configs).toEqual([]);
    expect(fs.readFileSync(config, 'utf8')).toBe(before);
    expect(fs.existsSync(path.join(temp, 'claude-agent-matrix-git-credentials'))).toBe(false);
    hidden.restore();
    expect(fs.readFileSync(config, 'utf8')).toBe(before);
  });
});
