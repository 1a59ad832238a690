import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyChanges, type ChangesPlan, type ItemChanges } from '../../src/changes/apply-changes.js';
import type { EventContext } from '../../src/publish/event.js';
import type { AgentResult } from '../../src/types.js';
import { tempDir } from '../support/agents.js';
import { useStandIns } from '../support/fixture.js';
import { git, makeRepo, writeFiles } from '../support/repos.js';

// The changes stage on real git: a bare repository the test makes is `origin` of a clone (the checkout), agents'
// patches are made the way workspace/patch.ts makes them, and pull requests go through the real Octokit to the
// stand-in GitHub API, which records every request.
const standIns = useStandIns({ github: {} });
const REPO = { owner: 'octo', repo: 'fixes' };
const EVENT: EventContext = { eventName: 'push', repo: REPO, actor: 'octo', fromFork: false, privateRepo: false };
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x01]);

let apiBefore: string | undefined;
let createClient: typeof import('../../src/publish/client.js').createClient;
beforeAll(async () => {
  apiBefore = process.env.GITHUB_API_URL;
  // @actions/github reads the API's address once, as it loads: set it first, then load the client.
  process.env.GITHUB_API_URL = standIns.github.url;
  ({ createClient } = await import('../../src/publish/client.js'));
});
afterAll(() => {
  if (apiBefore === undefined) delete process.env.GITHUB_API_URL;
  else process.env.GITHUB_API_URL = apiBefore;
});

/** A bare `origin` with `main`, and a clone of it: the checkout the agents started from. */
function makeRemote(files: Record<string, string | Buffer> = { 'a.txt': 'one\ntwo\nthree\n', 'b.txt': 'b\n' }) {
  const seed = makeRepo(files, 'changes-seed-');
  const origin = path.join(tempDir('changes-origin-'), 'origin.git');
  git(seed, 'clone', '-q', '--bare', seed, origin);
  const checkout = path.join(tempDir('changes-checkout-'), 'checkout');
  git(seed, 'clone', '-q', `file://${origin}`, checkout);
  return { origin, checkout, base: git(checkout, 'rev-parse', 'HEAD').trim() };
}

/**
 * An agent's result whose patch changes `files` (null deletes) on `base`, made with the flags of
 * workspace/patch.ts in a worktree of the checkout, which is then removed.
 */
function agent(
  checkout: string,
  base: string,
  id: string,
  files: Record<string, string | Buffer | null>,
  answer: string,
) {
  const dir = tempDir(`changes-agent-${id}-`);
  const tree = path.join(dir, 'tree');
  git(checkout, 'worktree', 'add', '-q', '--detach', tree, base);
  for (const [file, content] of Object.entries(files)) {
    if (content === null) fs.rmSync(path.join(tree, file));
    else writeFiles(tree, { [file]: content });
  }
  git(tree, 'add', '-A');
  const patch = path.join(dir, 'changes.patch');
  const diff = ['diff', '--cached', '--no-renames', '--binary', '--full-index', '--src-prefix=a/', '--dst-prefix=b/'];
  fs.writeFileSync(patch, git(tree, ...diff, base, '--'));
  git(checkout, 'worktree', 'remove', '--force', tree);
  const n = Object.keys(files).length;
  const result: AgentResult = {
    id,
    status: 'success',
    exitCode: 0,
    startedAt: new Date().toISOString(),
    finishedAt: new Date().toISOString(),
    durationMs: 1000,
    startupMs: 100,
    turns: 2,
    costUsd: 0.01,
    sessionId: null,
    outputDir: dir,
    error: null,
    attempts: 1,
    answer,
    usage: null,
    changes: { files: n, insertions: n, deletions: 0, patch, base },
  };
  return result;
}

function plan(checkout: string, items: Record<string, ItemChanges>, over: Partial<ChangesPlan> = {}): ChangesPlan {
  return {
    dir: checkout,
    scratch: tempDir('changes-scratch-'),
    branchPrefix: 'agent',
    token: 'ghs_changes_test_token',
    github: createClient('ghs_changes_test_token'),
    event: EVENT,
    branch: 'main',
    runUrl: 'https://github.localhost/octo/fixes/actions/runs/7',
    items: new Map(Object.entries(items)),
    ...over,
  };
}

const remoteBranch = (origin: string, branch: string) =>
  git(origin, 'rev-parse', '--verify', '-q', `refs/heads/${branch}`).trim();
const show = (origin: string, rev: string) => git(origin, 'show', rev);

describe('changes: pull-request', () => {
  const remote = { origin: '', checkout: '', base: '' };
  let first: Awaited<ReturnType<typeof applyChanges>>;
  let results: AgentResult[];
  const items = { lint: { mode: 'pull-request' }, docs: { mode: 'pull-request', prTitle: 'Docs, fixed' } } as const;

  beforeAll(async () => {
    Object.assign(remote, makeRemote());
    results = [
      agent(
        remote.checkout,
        remote.base,
        'lint',
        { 'a.txt': 'one\nTWO\nthree\n' },
        '# Fixed the lint in a.txt\n\nDetails @octo',
      ),
      agent(remote.checkout, remote.base, 'docs', { 'docs/guide.md': '# Guide\n', 'logo.png': PNG }, 'Wrote the guide'),
      {
        ...agent(remote.checkout, remote.base, 'idle', {}, 'Nothing to do'),
        changes: { files: 0, insertions: 0, deletions: 0 },
      },
    ];
    standIns.github.reset();
    first = await applyChanges(results, new Map(), plan(remote.checkout, { ...items, idle: { mode: 'pull-request' } }));
  });

  it('pushes one branch per agent, each one commit on the base by the bot', () => {
    expect(first.problems).toEqual([]);
    for (const [id, subject] of [
      ['lint', 'Fixed the lint in a.txt'],
      ['docs', 'Wrote the guide'],
    ] as const) {
      const head = remoteBranch(remote.origin, `agent/${id}`);
      expect(git(remote.origin, 'rev-parse', `${head}^`).trim()).toBe(remote.base);
      expect(git(remote.origin, 'log', '-1', '--format=%an <%ae>|%s', head).trim()).toBe(
        `github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>|${subject}`,
      );
    }
    expect(show(remote.origin, 'agent/lint:a.txt')).toBe('one\nTWO\nthree\n');
    expect(git(remote.origin, 'branch', '--list', 'agent/idle').trim()).toBe('');
  });

  it('carries a binary file whole', () => {
    const blob = git(remote.origin, 'rev-parse', 'agent/docs:logo.png').trim();
    const out = Buffer.from(execFileSync('git', ['cat-file', 'blob', blob], { cwd: remote.origin }));
    expect(out.equals(PNG)).toBe(true);
  });

  it('opens a pull request per agent, with its answer, neutralised, as the body', () => {
    const pulls = standIns.github.pulls().filter((p) => p.repo === 'octo/fixes');
    expect(pulls.map((p) => [p.title, (p as { head?: string }).head, (p as { base?: string }).base])).toEqual([
      ['Fixed the lint in a.txt', 'agent/lint', 'main'],
      ['Docs, fixed', 'agent/docs', 'main'],
    ]);
    expect(pulls[0]!.body).toContain('> Details @\u200docto');
    expect(pulls[0]!.body).toContain('[this run](https://github.localhost/octo/fixes/actions/runs/7)');
    expect(first.results.map((r) => r.pullRequest?.number)).toEqual([pulls[0]!.number, pulls[1]!.number, undefined]);
    expect(first.results[1]!.pullRequest).toMatchObject({ branch: 'agent/docs', files: 2 });
  });

  it('updates the same pull requests on a re-run and opens none', async () => {
    const before = standIns.github.pulls().length;
    standIns.github.reset();
    const again = [
      agent(remote.checkout, remote.base, 'lint', { 'a.txt': 'one\nTwo\nthree\n' }, 'Fixed it again'),
      agent(remote.checkout, remote.base, 'docs', { 'docs/guide.md': '# Guide v2\n' }, 'Guide v2'),
    ];
    const second = await applyChanges(again, new Map(), plan(remote.checkout, items));
    expect(second.problems).toEqual([]);
    expect(standIns.github.pulls().length).toBe(before);
    expect(standIns.github.writes().map((w) => w.method)).toEqual(['PATCH', 'PATCH']);
    expect(show(remote.origin, 'agent/lint:a.txt')).toBe('one\nTwo\nthree\n');
    expect(standIns.github.pulls()[0]!.body).toContain('Fixed it again');
    expect(second.results.map((r) => r.pullRequest?.number)).toEqual(
      first.results.slice(0, 2).map((r) => r.pullRequest?.number),
    );
  });

  it('leaves an open pull request alone when its agent changed nothing, and says so', async () => {
    const idle = { ...results[0]!, changes: { files: 0, insertions: 0, deletions: 0 } };
    const head = remoteBranch(remote.origin, 'agent/lint');
    standIns.github.reset();
    const out = await applyChanges([idle], new Map(), plan(remote.checkout, items));
    expect(remoteBranch(remote.origin, 'agent/lint')).toBe(head);
    expect(standIns.github.writes()).toEqual([]);
    expect(out.notes.join('\n')).toMatch(/lint changed nothing: its open pull request #\d+ is left as it is/);
  });
});

describe('the checks before anything is pushed', () => {
  it('refuses a patch touching .github/workflows/ unless allowed, and one over max-changed-files', async () => {
    const { origin, checkout, base } = makeRemote();
    const wf = agent(checkout, base, 'wf', { '.github/workflows/ci.yml': 'on: push\n' }, 'CI');
    const many = agent(checkout, base, 'many', { 'x1.txt': '1', 'x2.txt': '2', 'x3.txt': '3' }, 'Many');
    const allowed = agent(checkout, base, 'allowed', { '.github/workflows/ok.yml': 'on: push\n' }, 'Allowed CI');
    const out = await applyChanges(
      [wf, many, allowed],
      new Map(),
      plan(checkout, {
        wf: { mode: 'pull-request' },
        many: { mode: 'pull-request', maxChangedFiles: 2 },
        allowed: { mode: 'pull-request', allowWorkflowChanges: true },
      }),
    );
    expect(git(origin, 'branch', '--list', 'agent/wf', 'agent/many').trim()).toBe('');
    const notes = out.notes.join('\n');
    expect(notes).toContain('wf left out: agent wf\'s patch changes 1 workflow file(s) (".github/workflows/ci.yml")');
    expect(notes).toContain('`workflows` permission');
    expect(notes).toContain("many left out: agent many's patch changes 3 files, more than 'max-changed-files' (2)");
    // Allowed: pushed (a file:// remote has no workflows permission to refuse it).
    expect(show(origin, 'agent/allowed:.github/workflows/ok.yml')).toBe('on: push\n');
  });

  it('never pushes a patch that does not apply to its base', async () => {
    const { origin, checkout, base } = makeRemote();
    const r = agent(checkout, base, 'stale', { 'a.txt': 'x\n' }, 'Stale');
    // The patch now claims a base whose a.txt differs: it must not apply.
    writeFiles(checkout, { 'a.txt': 'changed upstream\n' });
    git(checkout, 'commit', '-qam', 'upstream');
    const other = git(checkout, 'rev-parse', 'HEAD').trim();
    const out = await applyChanges(
      [{ ...r, changes: { ...r.changes!, base: other } }],
      new Map(),
      plan(checkout, { stale: { mode: 'pull-request' } }),
    );
    expect(git(origin, 'branch', '--list', 'agent/stale').trim()).toBe('');
    expect(out.notes.join('\n')).toMatch(/stale left out: does not apply.*\(conflicts in "a.txt"\)/);
  });
});

describe('changes: one-pull-request', () => {
  it('applies the patches in matrix order onto one branch and names the one that conflicts', async () => {
    const { origin, checkout, base } = makeRemote();
    const results = [
      agent(checkout, base, 'first', { 'a.txt': 'one\nFIRST\nthree\n' }, 'First fix'),
      agent(checkout, base, 'second', { 'a.txt': 'one\nSECOND\nthree\n' }, 'Second fix'),
      agent(checkout, base, 'third', { 'b.txt': 'B\n' }, 'Third fix'),
    ];
    const one = { mode: 'one-pull-request' } as const;
    standIns.github.reset();
    const out = await applyChanges(results, new Map(), plan(checkout, { first: one, second: one, third: one }));
    expect(out.problems).toEqual([]);
    expect(git(origin, 'log', '--format=%s', `${base}..agent/_all`).trim().split('\n')).toEqual([
      'Third fix',
      'First fix',
    ]);
    expect(show(origin, 'agent/_all:a.txt')).toBe('one\nFIRST\nthree\n');
    const created = standIns.github.writes().filter((w) => w.method === 'POST');
    expect(created).toHaveLength(1);
    expect(created[0]!.body.body).toMatch(/second left out: does not apply.*\(conflicts in "a.txt"\)/);
    expect(out.notes.join('\n')).toContain('second left out');
    expect(out.results.map((r) => r.pullRequest?.branch)).toEqual(['agent/_all', undefined, 'agent/_all']);
  });
});

describe('changes: push', () => {
  it('commits onto the checked-out branch', async () => {
    const { origin, checkout, base } = makeRemote();
    const r = agent(checkout, base, 'fix', { 'b.txt': 'fixed\n' }, 'Fixed b');
    const out = await applyChanges([r], new Map(), plan(checkout, { fix: { mode: 'push' } }));
    expect(out.problems).toEqual([]);
    expect(show(origin, 'main:b.txt')).toBe('fixed\n');
    expect(git(origin, 'rev-parse', 'main^').trim()).toBe(base);
  });

  it("refuses a fork's pull request and a detached head, and pushes nothing", async () => {
    const { origin, checkout, base } = makeRemote();
    const r = agent(checkout, base, 'fix', { 'b.txt': 'fixed\n' }, 'Fixed b');
    const fork = { ...EVENT, eventName: 'pull_request', pullRequest: 4, fromFork: true };
    const onFork = await applyChanges([r], new Map(), plan(checkout, { fix: { mode: 'push' } }, { event: fork }));
    expect(onFork.problems.join('\n')).toContain('pull request #4 comes from a fork');
    const detached = await applyChanges(
      [r],
      new Map(),
      plan(checkout, { fix: { mode: 'push' } }, { branch: undefined }),
    );
    expect(detached.problems.join('\n')).toContain('the job checked out no branch');
    expect(git(origin, 'rev-parse', 'main').trim()).toBe(base);
  });
});

describe('a missing permission is named', () => {
  it('names pull-requests: write on a 403, and the repository setting when Actions may not open pull requests', async () => {
    const { checkout, base } = makeRemote();
    const r = agent(checkout, base, 'p', { 'b.txt': 'p\n' }, 'P');
    standIns.github.reset();
    standIns.github.fail({
      method: 'POST',
      path: /\/pulls$/,
      status: 403,
      times: 1,
      message: 'Resource not accessible by integration',
    });
    const denied = await applyChanges([r], new Map(), plan(checkout, { p: { mode: 'pull-request' } }));
    expect(denied.problems.join('\n')).toContain("the job's token needs `pull-requests: write`");
    standIns.github.reset();
    standIns.github.fail({
      method: 'POST',
      path: /\/pulls$/,
      status: 403,
      times: 1,
      message: 'GitHub Actions is not permitted to create or approve pull requests.',
    });
    const setting = await applyChanges([r], new Map(), plan(checkout, { p: { mode: 'pull-request' } }));
    expect(setting.problems.join('\n')).toContain('Allow GitHub Actions to create and approve pull requests');
    expect(setting.results[0]!.pullRequest).toBeUndefined();
  });

  it('names contents: write when the remote refuses the push', async () => {
    const { origin, checkout, base } = makeRemote();
    // The refusal GitHub gives a read-only token, played by the bare repository's hook.
    const hook = path.join(origin, 'hooks', 'pre-receive');
    fs.writeFileSync(
      hook,
      '#!/bin/sh\necho "Permission to octo/fixes.git denied to github-actions[bot]." >&2\nexit 1\n',
    );
    fs.chmodSync(hook, 0o755);
    const r = agent(checkout, base, 'p', { 'b.txt': 'p\n' }, 'P');
    const out = await applyChanges([r], new Map(), plan(checkout, { p: { mode: 'pull-request' } }));
    expect(out.problems.join('\n')).toContain('needs `contents: write`');
  });
});

describe('the token', () => {
  it('is never written into the checkout’s configuration or a remote URL', async () => {
    const { checkout, base } = makeRemote();
    const r = agent(checkout, base, 't', { 'b.txt': 't\n' }, 'T');
    await applyChanges([r], new Map(), plan(checkout, { t: { mode: 'pull-request' } }));
    const config = fs.readFileSync(path.join(checkout, '.git', 'config'), 'utf8');
    expect(config).not.toContain('ghs_changes_test_token');
    expect(config).not.toContain(Buffer.from('x-access-token:ghs_changes_test_token').toString('base64'));
    expect(config).not.toMatch(/extraheader/i);
  });
});
