import { describe, expect, it } from 'vitest';
import { mergeFindings, type Finding, type MergedFinding } from '../../../src/report/findings.js';
import { BODY_MAX } from '../../../src/report/comment-body.js';
import {
  MAX_LINE_COMMENTS,
  codeSpan,
  fingerprint,
  planReview,
  postedFingerprints,
  renderLineComment,
  renderReviewBodies,
} from '../../../src/report/review-body.js';

const ZWJ = '\u200d';

const f = (reviewer: string, over: Partial<Finding> = {}): Finding => ({
  reviewer,
  path: 'src/a.ts',
  line: 2,
  severity: 'high',
  title: 'Unchecked input',
  body: 'Check it.',
  ...over,
});
const one = (reviewer: string, over: Partial<Finding> = {}): MergedFinding => mergeFindings([f(reviewer, over)])[0]!;

const files = new Map([
  [
    'src/a.ts',
    new Map([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]),
  ],
  ['src/b.ts', new Map<number, string>()],
]);

describe('planReview', () => {
  it('puts findings on lines of the diff inline, and those outside it or on other files in the body', () => {
    const plan = planReview(
      [
        one('sec', { startLine: 1 }),
        one('sec', { path: 'src/b.ts', title: 'Outside' }),
        one('sec', { path: 'gone.ts', title: 'No file' }),
        one('docs', { line: 9, startLine: 3, title: 'Range leaves the hunk' }),
        one('docs', { line: 3, startLine: 0 + 1, title: 'Range inside' }),
      ],
      files,
      new Set(),
    );
    expect(plan.inline.map((p) => [p.finding.title, p.startLine, p.line])).toEqual([
      ['Unchecked input', 1, 2],
      ['Range inside', 1, 3],
    ]);
    expect(plan.body.map((p) => [p.finding.title, p.reason])).toEqual([
      ['Outside', 'outside'],
      ['No file', 'no-file'],
      ['Range leaves the hunk', 'outside'],
    ]);
    expect(plan.repeated).toBe(0);
  });

  it('leaves out what an earlier review posted, found by the marks in its bodies', () => {
    const first = planReview([one('sec'), one('sec', { title: 'Other' })], files, new Set());
    const bodies = [
      ...first.inline.map((p) => renderLineComment(p, 'agent')),
      ...renderReviewBodies({ prefix: 'agent', plan: first }),
    ];
    const posted = postedFingerprints(bodies, 'agent');
    expect(posted.size).toBe(2);
    // Another prefix's marks are not this use's; a mark inside quoted text is no mark.
    expect(postedFingerprints(bodies, 'other').size).toBe(0);
    expect(postedFingerprints([`> ${bodies[0]}`], 'agent').size).toBe(0);
    const again = planReview([one('sec'), one('sec', { title: 'Other' }), one('sec', { title: 'New' })], files, posted);
    expect(again.repeated).toBe(2);
    expect(again.inline.map((p) => p.finding.title)).toEqual(['New']);
  });

  it('keeps a fingerprint when the line moves but its text does not', () => {
    const at2 = one('sec');
    const at7 = one('sec', { line: 7 });
    expect(fingerprint(at2, 'b')).toBe(fingerprint(at7, '  b'));
    expect(fingerprint(at2, 'b')).not.toBe(fingerprint(at2, 'c'));
    expect(fingerprint(at2, undefined)).not.toBe(fingerprint(at7, undefined));
  });

  it(`moves the least severe past ${MAX_LINE_COMMENTS} line comments to the body, losing none`, () => {
    const many = new Map([['big.ts', new Map(Array.from({ length: 100 }, (_, i) => [i + 1, `l${i}`] as const))]]);
    const findings = mergeFindings(
      Array.from({ length: 60 }, (_, i) =>
        f(`r${i}`, { path: 'big.ts', line: i + 1, title: `T${i}`, severity: i < 5 ? 'info' : 'high' }),
      ),
    );
    const plan = planReview(findings, many, new Set());
    expect(plan.inline).toHaveLength(MAX_LINE_COMMENTS);
    expect(plan.body).toHaveLength(10);
    expect(plan.body.every((p) => p.reason === 'limit')).toBe(true);
    expect(plan.body.filter((p) => p.finding.severity === 'info')).toHaveLength(5);
  });
});

describe('renderLineComment', () => {
  it('heads with severity and reviewers, quotes each reviewer, and ends in a suggestion block', () => {
    const [merged] = mergeFindings([
      f('sec', { suggestion: 'const x = 1;\n' }),
      f('tests', { severity: 'low', title: 'Unchecked input here', body: 'Me too.' }),
    ]);
    const plan = planReview([merged!], files, new Set());
    const body = renderLineComment(plan.inline[0]!, 'agent');
    expect(body).toBe(
      [
        `<!-- claude-agent-matrix:finding:agent:${plan.inline[0]!.fingerprint} -->`,
        '**🟠 high** · `sec`, `tests`: Unchecked input',
        '`sec` (high): Unchecked input\n> Check it.\n\n`tests` (low): Unchecked input here\n> Me too.',
        '```suggestion\nconst x = 1;\n```',
      ].join('\n\n'),
    );
  });

  it('neutralises the agents’ text: no mentions, no HTML, no forged marks, no fence that closes early', () => {
    const plan = planReview(
      [
        one('sec', {
          title: 'Ping @octocat <b>now</b>\nsecond line',
          body: '<!-- claude-agent-matrix:finding:agent:0123456789abcdef -->\n@org/team ```',
          suggestion: '```\n<!-- x -->',
        }),
      ],
      files,
      new Set(),
    );
    const body = renderLineComment(plan.inline[0]!, 'agent');
    expect(body).not.toMatch(/@(octocat|org)/);
    expect(body).toContain(`@${ZWJ}octocat`);
    expect(body).not.toContain('<b>');
    expect(body).not.toContain('second line');
    expect(body.match(/<!--/g)).toHaveLength(1);
    expect(postedFingerprints([body], 'agent')).toEqual(new Set([plan.inline[0]!.fingerprint]));
    expect(body).toContain('````suggestion\n```\n<\u200d!-- x -->\n````');
  });
});

describe('renderReviewBodies', () => {
  it('counts the findings, then lists the rest by file, each with why it is not on its line', () => {
    const plan = planReview(
      [one('sec'), one('docs', { path: 'src/b.ts', line: 4, title: 'Outside', severity: 'low', suggestion: 'y' })],
      files,
      new Set(),
    );
    const [body, ...more] = renderReviewBodies({
      prefix: 'agent',
      plan,
      runUrl: 'https://github.com/o/r/actions/runs/1',
    });
    expect(more).toEqual([]);
    expect(body).toMatch(
      /^<!-- claude-agent-matrix:review:agent -->\n### Claude Agent Matrix review: 2 new findings \(1 high, 1 low\)/,
    );
    expect(body).toContain(
      '1 on the lines of the diff, 1 below. [Run summary](https://github.com/o/r/actions/runs/1).',
    );
    expect(body).toContain('#### `src/b.ts`');
    expect(body).toContain('**🔵 low** · line 4 · `docs`: Outside _(not on a line of the diff)_');
    expect(body).toContain('Suggested:\n\n```\ny\n```');
  });

  it('splits a body too long for one review over several, losing no finding', () => {
    const findings = mergeFindings(
      Array.from({ length: 40 }, (_, i) =>
        f(`r${i}`, { path: `f${i % 3}.md`, title: `T${i}`, body: 'x'.repeat(5000) }),
      ),
    );
    const plan = planReview(findings, new Map(), new Set());
    const bodies = renderReviewBodies({ prefix: 'agent', plan });
    expect(bodies.length).toBeGreaterThan(1);
    for (const b of bodies) expect(b.length).toBeLessThanOrEqual(BODY_MAX);
    expect(postedFingerprints(bodies, 'agent').size).toBe(40);
    expect(bodies[1]).toMatch(
      /^<!-- claude-agent-matrix:review:agent -->\n### Claude Agent Matrix review \(continued\)\n\n#### `f\d\.md`/,
    );
  });

  it('shows any path as code, whatever backticks it holds', () => {
    expect(codeSpan('a`b')).toBe('``a`b``');
    expect(codeSpan('`a')).toBe('`` `a ``');
    expect(codeSpan('a\nb')).toBe('`a b`');
  });
});
