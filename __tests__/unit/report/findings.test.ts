import { describe, expect, it } from 'vitest';
import {
  countFindings,
  describeCounts,
  findingsOf,
  mergeFindings,
  reviewAnswers,
  similarTitles,
  type Finding,
} from '../../../src/report/findings.js';
import type { AgentResult } from '../../../src/types.js';
import { makeResult } from '../../support/results.js';

function reviewer(id: string, findings: object[], overrides: Partial<AgentResult> = {}): AgentResult {
  return makeResult(id, { review: 'comments', structured: { summary: `${id} looked`, findings }, ...overrides });
}

const f = (reviewer: string, over: Partial<Finding> = {}): Finding => ({
  reviewer,
  path: 'src/a.ts',
  line: 10,
  severity: 'medium',
  title: 'SQL injection in query',
  body: `${reviewer} says so`,
  ...over,
});

describe('findingsOf', () => {
  it("reads each successful reviewer's findings in order, paths made relative, start-line kept only before line", () => {
    const results = [
      reviewer('sec', [
        { path: './src/a.ts', line: 3, 'start-line': 1, severity: 'high', title: ' T ', body: 'b', suggestion: 'x' },
        { path: '/b.md', line: 2, 'start-line': 5, severity: 'low', title: 'U', body: '' },
      ]),
      reviewer('failed', [{ path: 'c', line: 1, severity: 'info', title: 'V', body: '' }], { status: 'failure' }),
      makeResult('plain', {
        structured: { findings: [{ path: 'd', line: 1, severity: 'info', title: 'W', body: '' }] },
      }),
    ];
    expect(findingsOf(results)).toEqual([
      {
        reviewer: 'sec',
        path: 'src/a.ts',
        line: 3,
        startLine: 1,
        severity: 'high',
        title: 'T',
        body: 'b',
        suggestion: 'x',
      },
      { reviewer: 'sec', path: 'b.md', line: 2, severity: 'low', title: 'U', body: '' },
    ]);
  });

  it("gives a reviewer's summary as its answer, and leaves other agents' answers as they are", () => {
    const results = [reviewer('sec', []), makeResult('plain')];
    const answers = reviewAnswers(
      results,
      new Map([
        ['sec', '{"json": true}'],
        ['plain', 'hello'],
      ]),
    );
    expect([...answers]).toEqual([
      ['sec', 'sec looked'],
      ['plain', 'hello'],
    ]);
  });
});

describe('mergeFindings', () => {
  it('merges what two reviewers found on overlapping lines with similar titles, naming both, worst first', () => {
    const merged = mergeFindings([
      f('tests', { severity: 'low', title: 'Possible SQL injection', suggestion: 'fix()' }),
      f('sec', { line: 12, startLine: 9, severity: 'high', title: 'SQL injection in the query' }),
      f('docs', { path: 'README.md', line: 1, severity: 'info', title: 'Typo' }),
    ]);
    expect(merged).toEqual([
      {
        path: 'src/a.ts',
        line: 10,
        severity: 'high',
        title: 'SQL injection in the query',
        suggestion: 'fix()',
        notes: [
          { reviewer: 'tests', severity: 'low', title: 'Possible SQL injection', body: 'tests says so' },
          { reviewer: 'sec', severity: 'high', title: 'SQL injection in the query', body: 'sec says so' },
        ],
      },
      {
        path: 'README.md',
        line: 1,
        severity: 'info',
        title: 'Typo',
        notes: [{ reviewer: 'docs', severity: 'info', title: 'Typo', body: 'docs says so' }],
      },
    ]);
  });

  it('keeps apart other files, lines that do not overlap, other titles, and one reviewer’s own findings', () => {
    const merged = mergeFindings([
      f('a'),
      f('b', { path: 'src/b.ts' }),
      f('c', { line: 11 }),
      f('d', { title: 'Missing test for the parser' }),
      f('a', { title: 'SQL injection in query!' }),
    ]);
    expect(merged).toHaveLength(5);
    expect(merged.every((m) => m.notes.length === 1)).toBe(true);
  });

  it('tells similar titles from different ones', () => {
    expect(similarTitles('SQL injection', 'Possible SQL injection in query')).toBe(true);
    expect(similarTitles('Unchecked error from write', 'Error from write is unchecked')).toBe(true);
    expect(similarTitles('Unchecked error', 'Missing docs')).toBe(false);
    expect(similarTitles('!!!', '???')).toBe(false);
    expect(similarTitles('T1', 'T10')).toBe(false);
  });
});

describe('countFindings', () => {
  it('counts by severity and in all, and says so worst first', () => {
    const counts = countFindings([{ severity: 'low' }, { severity: 'critical' }, { severity: 'low' }]);
    expect(counts).toEqual({ critical: 1, high: 0, medium: 0, low: 2, info: 0, total: 3 });
    expect(describeCounts(counts)).toBe('1 critical, 2 low');
    expect(describeCounts(countFindings([]))).toBe('no findings');
  });
});
