import { beforeAll, describe, expect, it } from 'vitest';
import { FINDINGS_SCHEMA_TEXT } from '../../src/config/review-schema.js';
import { computeStats } from '../../src/report/stats.js';
import { failureMessage } from '../../src/report/outcome.js';
import { runAgents } from '../../src/schedule/run-agents.js';
import type { AgentResult, ReportInput } from '../../src/types.js';
import { context, spec } from '../support/agents.js';
import { useStandIns } from '../support/fixture.js';

// Reviewers run as real CLIs against the stand-in model, answer with findings through the findings schema, and
// their findings go through the real Octokit to the stand-in GitHub API as one pull-request review.

const standIns = useStandIns({ model: { latencyMs: 100 }, github: {} });
const REPO = 'octo/repo';
const PR = 7;
const ZWJ = '\u200d';

const DB_PATCH = [
  '@@ -1,4 +1,5 @@',
  ' import db',
  '-old query',
  '+const q = `SELECT ${id}`',
  '+db.run(q)',
  ' export {}',
  ' // end',
].join('\n');
const README_PATCH = ['@@ -1,2 +1,5 @@', ' # Title', '+Teh intro', '+@someone see', '+more', '+last'].join('\n');

interface F {
  path: string;
  line: number;
  severity: string;
  title: string;
  body: string;
  'start-line'?: number;
  suggestion?: string;
}
const reviewer = (id: string, findings: F[], summary = `${id} reviewed the change`) =>
  spec(id, `Review the pull request\n@structured ${JSON.stringify({ summary, findings })}`, {
    jsonSchema: FINDINGS_SCHEMA_TEXT,
    review: 'comments',
  });

const SEC: F[] = [
  {
    path: 'src/db.ts',
    line: 3,
    severity: 'high',
    title: 'SQL injection in query',
    body: 'The id goes into the SQL text. Ping @octocat <b>now</b>',
    suggestion: 'const q = sql`SELECT ${id}`',
  },
  { path: 'src/db.ts', line: 40, severity: 'critical', title: 'Secret written to the log', body: 'Outside the diff.' },
];
const TESTS: F[] = [
  { path: 'src/db.ts', line: 3, severity: 'low', title: 'Possible SQL injection', body: 'No test covers it.' },
  { path: 'src/missing.ts', line: 1, severity: 'medium', title: 'Untested helper', body: 'No such file here.' },
];
const DOCS: F[] = [
  { path: 'README.md', line: 2, severity: 'info', title: 'Typo: Teh', body: 'Write "The".' },
  { path: 'README.md', line: 4, severity: 'low', title: 'Unfinished sentence', body: 'GitHub refuses this line.' },
];

async function publish(results: AgentResult[], pullRequest = PR) {
  const { createClient } = await import('../../src/publish/client.js');
  const { openPublisher, planPublishing } = await import('../../src/publish/publisher.js');
  const event = {
    eventName: 'pull_request',
    repo: { owner: 'octo', repo: 'repo' },
    actor: 'octo',
    pullRequest,
    fromFork: false,
    privateRepo: false,
  };
  const inputs = {
    comment: 'auto' as const,
    issueTitle: '',
    issueLabels: [],
    matrix: results.map((r) => ({ review: r.review })),
  };
  const publisher = openPublisher(createClient('ghs_reviewTestToken'), event, planPublishing(event, inputs), {
    prefix: 'agent',
    secrets: [],
    intervalMs: 600_000,
  })!;
  publisher.begin(
    results.map((r) => r.id),
    {},
  );
  const report: ReportInput = { results, stats: computeStats(results, 4), answers: new Map() };
  return publisher.finish(report, { run: 'http://github.localhost/octo/repo/actions/runs/1' });
}

describe('reviewers on a pull request', () => {
  let results: AgentResult[];
  let published: Awaited<ReturnType<typeof publish>>;

  beforeAll(async () => {
    // The client reads GITHUB_API_URL once, as @actions/github loads: publishing is imported after this.
    process.env.GITHUB_API_URL = standIns.github.url;
    standIns.github.setPullFiles(REPO, PR, [
      { filename: 'src/db.ts', patch: DB_PATCH },
      { filename: 'README.md', patch: README_PATCH },
      ...Array.from({ length: 120 }, (_, i) => ({ filename: `gen/f${i}.txt`, patch: '@@ -0,0 +1 @@\n+x' })),
    ]);
    standIns.github.refuseLine('README.md', 4);
    results = await runAgents(
      [
        reviewer('sec', SEC),
        reviewer('tests', TESTS),
        reviewer('docs', DOCS),
        spec(
          'broken',
          `Review it\n@structured ${JSON.stringify({ summary: 'x', findings: [{ path: 'a', line: 0 }] })}`,
          {
            jsonSchema: FINDINGS_SCHEMA_TEXT,
            review: 'comments',
          },
        ),
      ].map((s, index) => ({ ...s, index })),
      { maxParallel: 4, ctx: context(standIns.model.url) },
    );
    published = await publish(results);
  }, 240_000);

  it('fails a reviewer whose answer does not match the findings schema, saying why', () => {
    const byId = Object.fromEntries(results.map((r) => [r.id, r]));
    for (const id of ['sec', 'tests', 'docs']) expect(byId[id]?.status, id).toBe('success');
    expect(byId.broken?.status).toBe('failure');
    expect(byId.broken?.error).toMatch(/json-schema.*(required property|must be >= 1)/);
  });

  it('posts one COMMENT review with the line comments, after paging through the files', () => {
    const files = standIns.github.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/pulls/${PR}/files`));
    expect(files.map((r) => r.query.page ?? '1')).toEqual(['1', '2']);
    const submitted = standIns.github.reviews.filter((r) => r.state !== 'PENDING');
    expect(standIns.github.reviews).toHaveLength(1);
    expect(submitted).toHaveLength(1);
    const [review] = submitted;
    expect(published.reviewUrl).toBe(review!.html_url);
    const comments = standIns.github.reviewComments;
    expect(comments.map((c) => [c.path, c.line])).toEqual([
      ['src/db.ts', 3],
      ['README.md', 2],
    ]);
    // The duplicate is one comment naming both reviewers, with the suggestion as a suggestion block.
    const dup = comments[0]!.body;
    expect(dup).toContain('**🟠 high** · `sec`, `tests`: SQL injection in query');
    expect(dup).toContain('```suggestion\nconst q = sql`SELECT ${id}`\n```');
    expect(dup).toContain(`Ping @${ZWJ}octocat <${ZWJ}b>now`);
    expect(comments[1]!.body).toContain('**⚪ info** · `docs`: Typo: Teh');
  });

  it('puts the rest in the body by file: outside the diff, no such file, and the line GitHub refused', () => {
    const body = standIns.github.reviews[0]!.body;
    expect(body).toMatch(/^<!-- claude-agent-matrix:review:agent -->\n### Claude Agent Matrix review: 5 new findings/);
    expect(body).toContain('2 on the lines of the diff, 3 below.');
    expect(body).toMatch(
      /#### `src\/db.ts`\n\n<!-- [^\n]+ -->\n\n\*\*🔴 critical\*\* · line 40 · `sec`: Secret written/,
    );
    expect(body).toContain('_(not on a line of the diff)_');
    expect(body).toMatch(/#### `src\/missing.ts`[\s\S]*_\(the file is not in this pull request\)_/);
    expect(body).toMatch(
      /#### `README.md`[\s\S]*Unfinished sentence _\(GitHub would not take a comment on this line\)_/,
    );
    // The refused comment was found with pending reviews, each deleted again.
    const deletes = standIns.github.requests.filter((r) => r.method === 'DELETE');
    expect(deletes.length).toBeGreaterThan(0);
    expect(deletes.every((d) => d.status === 200)).toBe(true);
  });

  it('links the review from the sticky comment', () => {
    const sticky = standIns.github.comments.filter((c) => c.issue === PR);
    expect(sticky).toHaveLength(1);
    expect(sticky[0]!.body).toContain('Review: [1 critical, 1 high, 1 medium, 1 low, 1 info](');
    expect(sticky[0]!.body).toContain(`](${published.reviewUrl})`);
  });

  it('fails the step by fail-on findings:high, as there is a high finding', () => {
    expect(failureMessage('findings:high', results)).toContain('2 findings at or above high');
  });

  it('on the next push posts only the findings not posted before', async () => {
    standIns.github.reset();
    const before = standIns.github.reviews.length;
    const again = results.map((r) =>
      r.id === 'docs'
        ? {
            ...r,
            structured: {
              summary: 's',
              findings: [...DOCS, { path: 'README.md', line: 3, severity: 'medium', title: 'Stray mention', body: '' }],
            },
          }
        : r,
    );
    const second = await publish(again);
    expect(standIns.github.reviews).toHaveLength(before + 1);
    const review = standIns.github.reviews.at(-1)!;
    expect(second.reviewUrl).toBe(review.html_url);
    expect(review.comments.map((c: { path: string; line: number }) => [c.path, c.line])).toEqual([['README.md', 3]]);
    expect(review.body).toContain('1 new finding (1 medium)');
    expect(review.body).toContain('5 found again are not repeated.');
  });

  it('posts the review still when GitHub refuses it once for no line of its own', async () => {
    standIns.github.reset();
    standIns.github.setPullFiles(REPO, 8, [{ filename: 'src/db.ts', patch: DB_PATCH }]);
    standIns.github.fail({ method: 'POST', path: /\/pulls\/8\/reviews$/, status: 422, times: 1 });
    const third = await publish(results, 8);
    const review = standIns.github.reviews.filter((r) => r.pull === 8);
    expect(review).toHaveLength(1);
    expect(third.reviewUrl).toBe(review[0]!.html_url);
    // The probe found every comment fine: they stay on their lines.
    expect(review[0]!.comments.map((c: { line: number }) => c.line)).toEqual([3]);
    expect(review[0]!.body).not.toContain('GitHub would not take');
  });
});
