import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_CLAUDE, startAction } from '../../stand-ins/run-action.js';
import { tempDir } from '../support/agents.js';
import { useStandIns } from '../support/fixture.js';

// dist/index.js run as a runner runs it, on pull-request, scheduled and comment events, publishing to the
// stand-in GitHub API through the real Octokit. Progress edits are throttled by a test interval
// (CLAUDE_AGENT_MATRIX_PROGRESS_INTERVAL_MS): ten minutes, so that a run makes exactly its first and last
// write, unless a test sets 0.

const standIns = useStandIns({
  model: { latencyMs: 200 },
  github: { permissions: { octo: 'admin', stranger: 'read' } },
});
beforeEach(() => standIns.github.reset());

const TOKEN = 'ghs_publishTestToken0123456789';
const ZWJ = '\u200d';

function prEvent(n: number, head = 'octo/repo') {
  return {
    action: 'opened',
    number: n,
    pull_request: { number: n, head: { repo: { full_name: head } }, base: { repo: { full_name: 'octo/repo' } } },
    repository: { full_name: 'octo/repo', private: false },
  };
}

interface Run {
  inputs: Record<string, string>;
  eventName: string;
  payload: object;
  actor?: string;
  intervalMs?: number;
}

async function runAction({ inputs, eventName, payload, actor = 'octo', intervalMs = 600_000 }: Run) {
  const dir = tempDir('publish-');
  const eventPath = path.join(dir, 'event.json');
  fs.writeFileSync(eventPath, JSON.stringify(payload));
  const run = await startAction({
    dir,
    inputs: {
      'claude-path': LOCAL_CLAUDE,
      upload: 'none',
      'anthropic-api-key': 'sk-ant-publish-test-key',
      'github-token': TOKEN,
      ...inputs,
    },
    env: {
      ...standIns.env(),
      ANTHROPIC_API_KEY: '',
      GITHUB_API_URL: standIns.github.url,
      GITHUB_SERVER_URL: 'http://github.localhost',
      GITHUB_REPOSITORY: 'octo/repo',
      GITHUB_RUN_ID: '99',
      GITHUB_EVENT_NAME: eventName,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_ACTOR: actor,
      CLAUDE_AGENT_MATRIX_PROGRESS_INTERVAL_MS: String(intervalMs),
    },
  }).done;
  return { ...run, dir };
}

const lines = (stdout: string, pattern: RegExp) => stdout.split('\n').filter((l) => pattern.test(l));
const summary = (writes: { method: string; path: string; status: number }[]) =>
  writes.map((w) => `${w.method} ${w.path.replace('/repos/octo/repo', '')} ${w.status}`);

describe('a pull-request run', () => {
  it('shows the agents as they start, retries a 502, and ends with a safe comment that fits', async () => {
    standIns.github.fail({ method: 'POST', path: /\/issues\/7\/comments$/, status: 502, times: 1 });
    const run = await runAction({
      eventName: 'pull_request',
      payload: prEvent(7),
      inputs: {
        prompts: [
          '- id: mentions',
          '  prompt: "Say hello\\n@answer Thanks @octocat and @octo-org/reviewers <!-- hidden --> </details> <!-- claude-agent-matrix:comment:agent -->"',
          '- id: huge',
          '  prompt: "Write a lot\\n@size 100000"',
        ].join('\n'),
      },
    });
    expect(run.code).toBe(0);
    const writes = standIns.github.writes();
    // The 502 is retried; the two agents' ends make no edit within the interval; the final edit comes last.
    expect(summary(writes)).toEqual([
      'POST /issues/7/comments 502',
      'POST /issues/7/comments 201',
      'PATCH /issues/comments/1000 200',
    ]);
    const first = writes[1]!.body.body as string;
    expect(first).toMatch(/^<!-- claude-agent-matrix:comment:agent -->\n/);
    expect(first).toContain('0 of 2 agents finished');
    expect(first).toMatch(/\| `mentions` \| (🕓 waiting|⏳ running) \|/);
    expect(first).toMatch(/\| `huge` \| (🕓 waiting|⏳ running) \|/);

    const final = writes[2]!.body.body as string;
    expect(standIns.github.comments.filter((c) => c.issue === 7)).toHaveLength(1);
    expect(standIns.github.comments[0]!.body).toBe(final);
    expect(final.length).toBeLessThanOrEqual(65_536);
    expect(final).toContain('✅ all 2 agents succeeded');
    expect(final).toContain('| `mentions` | ✅ success |');
    // Mentions reach no one; the answer's HTML, its comment and its forged marker are text, not structure.
    expect(final).toContain(`Thanks @${ZWJ}octocat and @${ZWJ}octo-org/reviewers`);
    expect(final).not.toMatch(/@(octocat|octo-org)/);
    expect(final.match(/<!--/g)).toHaveLength(1);
    expect(final.match(/<details>/g)).toHaveLength(2);
    expect(final.match(/<\/details>/g)).toHaveLength(2);
    // The huge answer is cut, with a link to the whole text.
    expect(final).toContain('line 1 of a long answer');
    expect(final).toContain('_… cut to fit: [the whole answer](http://github.localhost/octo/repo/actions/runs/99)._');
    expect(final).toContain('[Run summary](http://github.localhost/octo/repo/actions/runs/99)');
    expect(run.outputs['comment-url']).toBe('http://github.localhost/octo/repo/issues/7#issuecomment-1000');
    // The token went to GitHub as the token, and nowhere else.
    expect(standIns.github.requests.every((r) => r.auth === `token ${TOKEN}`)).toBe(true);
    expect(run.stdout).not.toContain('::warning::');
  });

  it('edits the same comment on the next run instead of adding one', async () => {
    const run = await runAction({
      eventName: 'pull_request',
      payload: prEvent(7),
      inputs: { prompts: '- id: again\n  prompt: "Second run\\n@answer second answer"' },
    });
    expect(run.code).toBe(0);
    expect(summary(standIns.github.writes())).toEqual([
      'PATCH /issues/comments/1000 200',
      'PATCH /issues/comments/1000 200',
    ]);
    expect(standIns.github.comments.filter((c) => c.issue === 7)).toHaveLength(1);
    expect(standIns.github.comments[0]!.body).toContain('> second answer');
    expect(standIns.github.comments[0]!.body).not.toContain('mentions');
    expect(run.outputs['comment-url']).toBe('http://github.localhost/octo/repo/issues/7#issuecomment-1000');
  });

  it('with comment: new, posts a fresh comment and edits it as agents finish', async () => {
    const run = await runAction({
      eventName: 'pull_request',
      payload: prEvent(7),
      intervalMs: 0,
      inputs: {
        comment: 'new',
        prompts: [
          '- id: quick\n  prompt: "Quick\\n@latency 10"',
          '- id: slow\n  prompt: "Slow\\n@latency 2500"',
          '- id: slowest\n  prompt: "Slowest\\n@latency 5000"',
        ].join('\n'),
      },
    });
    expect(run.code).toBe(0);
    const writes = standIns.github.writes();
    expect(writes[0]).toMatchObject({ method: 'POST', path: '/repos/octo/repo/issues/7/comments', status: 201 });
    expect(
      writes.slice(1).every((w) => w.method === 'PATCH' && w.path === `/repos/octo/repo/issues/comments/${1001}`),
    ).toBe(true);
    // Edits as agents finish: some edit shows one agent done while another still runs.
    const bodies = writes.map((w) => w.body.body as string);
    expect(
      bodies.some((b) => /[12] of 3 agents finished/.test(b) && b.includes('✅ success') && b.includes('⏳ running')),
    ).toBe(true);
    expect(bodies.at(-1)).toContain('✅ all 3 agents succeeded');
    expect(standIns.github.comments.filter((c) => c.issue === 7)).toHaveLength(2);
  });

  it('turns a refusal (403) into one warning naming the permission, and the step still succeeds', async () => {
    for (const method of ['POST', 'PATCH']) {
      standIns.github.fail({
        method,
        path: /\/comments/,
        status: 403,
        message: 'Resource not accessible by integration',
      });
    }
    const run = await runAction({
      eventName: 'pull_request',
      payload: prEvent(8),
      inputs: { prompts: '- id: one\n  prompt: "Hi"\n- id: two\n  prompt: "Hi there"' },
    });
    expect(run.code).toBe(0);
    const warnings = lines(run.stdout, /^::warning::/);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/Could not comment on #8: the token may not \(HTTP 403\)\. Add `pull-requests: write`/);
    // Refused once, tried no more: not on progress, not at the end.
    expect(summary(standIns.github.writes())).toEqual(['POST /issues/8/comments 403']);
    expect(run.outputs['comment-url']).toBeUndefined();
  });

  it('on a pull request from a fork, says the token is read-only there', async () => {
    standIns.github.fail({
      method: 'POST',
      path: /\/comments$/,
      status: 403,
      message: 'Resource not accessible by integration',
    });
    const run = await runAction({
      eventName: 'pull_request',
      payload: prEvent(9, 'someone/fork'),
      inputs: { prompts: '- Hi' },
    });
    expect(run.code).toBe(0);
    const warnings = lines(run.stdout, /^::warning::/);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('Could not comment on #9: this pull request comes from a fork');
    expect(warnings[0]).toContain('read-only token');
  });
});

describe('a scheduled run with issue-title', () => {
  let issueUrl: string;

  it('writes report.md (failed and timed-out agents) and the report to a new issue', async () => {
    // An issue with the same title that someone else opened is not this token's.
    const theirs = standIns.github.addIssue({
      repo: 'octo/repo',
      title: 'Nightly report',
      body: 'mine',
      login: 'someone',
    });
    const run = await runAction({
      eventName: 'schedule',
      payload: { schedule: '0 3 * * *', repository: { full_name: 'octo/repo', private: false } },
      inputs: {
        'issue-title': 'Nightly report',
        'issue-labels': 'report, nightly',
        'fail-on': 'never',
        upload: 'per-agent',
        prompts: [
          '- id: fine\n  prompt: "Area one\\n@answer Area one is fine. cc @octocat"',
          '- id: broken\n  prompt: "Area two\\n@fail 400"',
          '- id: stuck\n  prompt: "Area three\\n@hang"\n  timeout-minutes: 0.05',
        ].join('\n'),
      },
    });
    expect(run.code).toBe(0);

    const report = fs.readFileSync(run.outputs['report-file']!, 'utf8');
    expect(path.basename(run.outputs['report-file']!)).toBe('report.md');
    expect(report.split('\n')[0]).toBe('# Claude Agent Matrix: ❌ 1 of 3 agents succeeded (1 failure, 1 timeout)');
    expect(report).toContain('| `broken` | ❌ failure |');
    const sections = [...report.matchAll(/^## `([^`]+)`: (.*)$/gm)].map((m) => `${m[1]}: ${m[2]}`);
    expect(sections).toEqual(['fine: ✅ success', 'broken: ❌ failure', 'stuck: ⏱️ timeout']);
    expect(report).toContain(`> Area one is fine. cc @${ZWJ}octocat`);
    expect(report).toMatch(/## `broken`: ❌ failure\n\n\*\*Why:\*\* .*400/);
    expect(report).toMatch(/## `stuck`: ⏱️ timeout\n\n\*\*Why:\*\* no result within 0.05 minutes/);
    // Uploaded beside the agents' artifacts (a zip here, outside GitHub Actions).
    expect(fs.existsSync(path.join(run.dir, 'agent-artifacts', 'agent-report.zip'))).toBe(true);

    const created = standIns.github.writes();
    expect(summary(created)).toEqual(['POST /issues 201']);
    expect(created[0]!.body).toMatchObject({ title: 'Nightly report', labels: ['report', 'nightly'] });
    const body = created[0]!.body.body as string;
    expect(body).toBe(`<!-- claude-agent-matrix:issue:agent -->\n${report}`);
    // Looked for among the open issues changed last, before it was created.
    const search = standIns.github.requests.find((r) => r.method === 'GET' && r.path.endsWith('/issues'));
    expect(search?.query).toMatchObject({ state: 'open', sort: 'updated', direction: 'desc' });
    issueUrl = run.outputs['issue-url']!;
    expect(issueUrl).toMatch(/^http:\/\/github\.localhost\/octo\/repo\/issues\/\d+$/);
    expect(theirs.body).toBe('mine');
  });

  it('finds that issue on the next run and replaces its body; comment-on comments where the event has no pull request', async () => {
    // Issues changed since put ours on the second page.
    for (let i = 0; i < 150; i++) standIns.github.addIssue({ repo: 'octo/repo', title: `Bug ${i}`, login: 'someone' });
    const run = await runAction({
      eventName: 'workflow_dispatch',
      payload: { repository: { full_name: 'octo/repo', private: false } },
      inputs: {
        'issue-title': 'Nightly report',
        'comment-on': '12',
        prompts: '- id: fine\n  prompt: "Again\\n@answer all good"',
      },
    });
    expect(run.code).toBe(0);
    const number = Number(issueUrl.split('/').at(-1));
    expect(summary(standIns.github.writes()).sort()).toEqual(
      [`PATCH /issues/${number} 200`, 'POST /issues/12/comments 201', 'PATCH /issues/comments/1002 200'].sort(),
    );
    expect(run.outputs['issue-url']).toBe(issueUrl);
    expect(
      standIns.github.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/issues')).map((r) => r.query.page),
    ).toEqual([undefined, '2']);
    const ours = standIns.github.issues.filter((i) => i.title === 'Nightly report');
    expect(ours).toHaveLength(2);
    expect(ours.find((i) => i.number === number)!.body).toContain('> all good');
    expect(run.outputs['comment-url']).toBe('http://github.localhost/octo/repo/issues/12#issuecomment-1002');
  });
});

describe('on events anyone can trigger', () => {
  const commentEvent = {
    action: 'created',
    issue: { number: 10, pull_request: { url: 'x' } },
    comment: { body: '/review', user: { login: 'stranger' } },
    repository: { full_name: 'octo/repo', private: false },
  };

  it('starts no agent for an actor without write access, says why, and succeeds', async () => {
    const before = standIns.model.stats.requests;
    const run = await runAction({
      eventName: 'issue_comment',
      payload: commentEvent,
      actor: 'stranger',
      inputs: { prompts: '- Review this pull request' },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/::notice::No agent started: stranger has read access to the repository, not write\./);
    expect(standIns.model.stats.requests).toBe(before);
    expect(summary(standIns.github.requests)).toEqual(['GET /collaborators/stranger/permission 200']);
    expect(run.outputs.results).toBeUndefined();
  });

  it('starts for an actor listed in allowed-actors, and comments on the pull request', async () => {
    const before = standIns.model.stats.requests;
    const run = await runAction({
      eventName: 'issue_comment',
      payload: commentEvent,
      actor: 'stranger',
      inputs: { 'allowed-actors': 'dependabot[bot], stranger', prompts: '- Review this pull request' },
    });
    expect(run.code).toBe(0);
    expect(standIns.model.stats.requests).toBeGreaterThan(before);
    expect(standIns.github.requests.some((r) => r.path.includes('/collaborators/'))).toBe(false);
    expect(standIns.github.comments.filter((c) => c.issue === 10)).toHaveLength(1);
  });
});

describe('a pull-request run cancelled by the runner', () => {
  /** Starts a run with a quick and a slow agent and sends SIGINT when the quick one has finished. */
  async function cancelled(pr: number) {
    const dir = tempDir('publish-cancel-');
    const eventPath = path.join(dir, 'event.json');
    fs.writeFileSync(eventPath, JSON.stringify(prEvent(pr)));
    let cancelledAt = 0;
    let exitMs = 0;
    const action = startAction({
      dir,
      inputs: {
        'claude-path': LOCAL_CLAUDE,
        upload: 'none',
        'anthropic-api-key': 'sk-ant-publish-test-key',
        'github-token': TOKEN,
        prompts: '- id: quick\n  prompt: "Quick\\n@answer done"\n- id: slow\n  prompt: "Slow\\n@latency 60000"',
      },
      env: {
        ...standIns.env(),
        GITHUB_API_URL: standIns.github.url,
        GITHUB_REPOSITORY: 'octo/repo',
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_ACTOR: 'octo',
        CLAUDE_AGENT_MATRIX_PROGRESS_INTERVAL_MS: '600000',
      },
      onLine(line) {
        if (cancelledAt || !line.includes('■ quick success')) return;
        cancelledAt = Date.now();
        action.child.kill('SIGINT');
      },
    });
    action.child.once('exit', () => (exitMs = Date.now() - cancelledAt));
    const run = await action.done;
    expect(cancelledAt, 'the quick agent finished and the run was cancelled').toBeGreaterThan(0);
    console.info(`exited ${exitMs} ms after SIGINT`);
    return { ...run, exitMs };
  }

  it('writes the final comment with the cancelled agent before it exits', async () => {
    const run = await cancelled(20);
    expect(run.code).toBe(1);
    expect(run.exitMs).toBeLessThan(7000);
    const final = standIns.github.comments.find((c) => c.issue === 20)!.body;
    expect(final).toContain('| `slow` | ⏹️ cancelled |');
    expect(final).toContain('| `quick` | ✅ success |');
  });

  it('does not wait past the deadline for a GitHub API that does not answer', async () => {
    standIns.github.fail({ method: 'PATCH', path: /\/comments\//, hang: true });
    const run = await cancelled(21);
    expect(run.code).toBe(1);
    expect(run.exitMs).toBeLessThan(7000);
    // The final edit was sent and never answered (status 0).
    const id = standIns.github.comments.find((c) => c.issue === 21)!.id;
    expect(summary(standIns.github.writes())).toEqual([
      'POST /issues/21/comments 201',
      `PATCH /issues/comments/${id} 0`,
    ]);
  });
});
