import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CLAUDE, startAction } from '../../stand-ins/run-action.js';
import { tempDir } from '../support/agents.js';
import { useStandIns } from '../support/fixture.js';
import { sarifValidator } from '../support/sarif.js';

// dist/index.js run as a runner runs it, with reviewers (review: comments): the review, the findings outputs,
// findings.sarif and fail-on findings:<severity>, through the real Octokit against the stand-in GitHub API.

const standIns = useStandIns({ model: { latencyMs: 100 }, github: {} });
const PR = 9;
const TOKEN = 'ghs_e2eReviewToken0123456789';

const finding = (line: number, severity: string, title: string) => ({
  path: 'src/app.ts',
  line,
  severity,
  title,
  body: `${title}.`,
});
const reviewer = (id: string, findings: object[]) =>
  `- id: ${id}\n  prompt: ${JSON.stringify(`Review\n@structured ${JSON.stringify({ summary: `${id} summary`, findings })}`)}`;
const PROMPTS = [
  reviewer('sec', [finding(1, 'high', 'Unchecked input'), finding(30, 'low', 'Old code')]),
  reviewer('style', [finding(2, 'medium', 'Long line')]),
].join('\n');

async function runAction(inputs: Record<string, string>, event?: { name: string; payload: object }) {
  const dir = tempDir('e2e-review-');
  const eventPath = path.join(dir, 'event.json');
  fs.writeFileSync(eventPath, JSON.stringify(event?.payload ?? {}));
  const run = await startAction({
    dir,
    inputs: {
      'claude-path': LOCAL_CLAUDE,
      upload: 'none',
      'anthropic-api-key': 'sk-ant-e2e-review-key',
      'github-token': TOKEN,
      review: 'comments',
      prompts: PROMPTS,
      ...inputs,
    },
    env: {
      ...standIns.env(),
      ANTHROPIC_API_KEY: '',
      GITHUB_API_URL: standIns.github.url,
      GITHUB_SERVER_URL: 'http://github.localhost',
      GITHUB_REPOSITORY: 'octo/repo',
      GITHUB_RUN_ID: '77',
      GITHUB_EVENT_NAME: event?.name ?? 'workflow_dispatch',
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_ACTOR: 'octo',
      CLAUDE_AGENT_MATRIX_PROGRESS_INTERVAL_MS: '600000',
    },
  }).done;
  return run;
}

const pullRequest = {
  name: 'pull_request',
  payload: {
    action: 'synchronize',
    number: PR,
    pull_request: {
      number: PR,
      head: { repo: { full_name: 'octo/repo' } },
      base: { repo: { full_name: 'octo/repo' } },
    },
    repository: { full_name: 'octo/repo', private: false },
  },
};

describe('node dist/index.js with review: comments', () => {
  let first: Awaited<ReturnType<typeof runAction>>;

  beforeAll(async () => {
    standIns.github.setPullFiles('octo/repo', PR, [
      { filename: 'src/app.ts', patch: '@@ -1,1 +1,3 @@\n+const a = input;\n+const b = 1;\n context' },
    ]);
    first = await runAction({ 'fail-on': 'findings:high' }, pullRequest);
  }, 240_000);

  it('posts one review and fails the step by fail-on findings:high, naming the finding', () => {
    expect(first.code).toBe(1);
    expect(first.stdout).toContain(
      '1 findings at or above high (fail-on: findings:high):%0Ahigh: src/app.ts:1 Unchecked input (sec)',
    );
    const reviews = standIns.github.reviews.filter((r) => r.pull === PR);
    expect(reviews).toHaveLength(1);
    expect(reviews[0]!.state).toBe('COMMENTED');
    expect(reviews[0]!.comments.map((c: { line: number }) => c.line)).toEqual([1, 2]);
    expect(reviews[0]!.body).toContain('**🔵 low** · line 30 · `sec`: Old code');
    expect(first.outputs['review-url']).toBe(reviews[0]!.html_url);
    expect(JSON.parse(first.outputs.findings!)).toEqual({ critical: 0, high: 1, medium: 1, low: 1, info: 0, total: 3 });
    const sticky = standIns.github.comments.find((c) => c.issue === PR)!;
    expect(sticky.body).toContain(`Review: [1 high, 1 medium, 1 low](${reviews[0]!.html_url})`);
    expect(sticky.body).toContain('> sec summary');
  });

  it('writes findings.sarif, valid SARIF 2.1.0', () => {
    const file = first.outputs['findings-file']!;
    expect(path.basename(file)).toBe('findings.sarif');
    const validate = sarifValidator();
    const log = JSON.parse(fs.readFileSync(file, 'utf8')) as { runs: { results: unknown[] }[] };
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(log.runs[0]!.results).toHaveLength(3);
  });

  it('on the next push posts nothing already posted, and passes fail-on findings:critical', async () => {
    const again = await runAction({ 'fail-on': 'findings:critical' }, pullRequest);
    expect(again.code).toBe(0);
    expect(standIns.github.reviews.filter((r) => r.pull === PR)).toHaveLength(1);
    expect(again.outputs['review-url']).toBeUndefined();
    expect(JSON.parse(again.outputs.findings!)).toMatchObject({ total: 3 });
  }, 240_000);

  it('outside a pull request writes findings.sarif and the counts, and posts no review', async () => {
    const before = standIns.github.reviews.length;
    const run = await runAction({ 'fail-on': 'never', comment: 'off' });
    expect(run.code).toBe(0);
    expect(standIns.github.reviews).toHaveLength(before);
    expect(fs.existsSync(run.outputs['findings-file']!)).toBe(true);
    expect(JSON.parse(run.outputs.findings!)).toMatchObject({ high: 1, total: 3 });
  }, 240_000);
});
