import { describe, expect, it } from 'vitest';
import { resultSections } from '../../../src/report/extras.js';
import { makeResult } from '../../support/results.js';

describe("report.md's Changes section", () => {
  it('says nothing of changes for an agent that changed no file (no "+0 −0 in 0 files")', () => {
    const r = makeResult('reader', { changes: { files: 0, insertions: 0, deletions: 0 } });
    expect(resultSections(r)).toEqual([]);
  });

  it("counts an agent's changes", () => {
    const r = makeResult('editor', { changes: { files: 2, insertions: 3, deletions: 1, patch: '/out/changes.patch' } });
    expect(resultSections(r)).toEqual([{ title: 'Changes', markdown: '+3 −1 in 2 files' }]);
  });

  it('has no Changes section for an agent without a worktree or copy', () => {
    expect(resultSections(makeResult('empty'))).toEqual([]);
  });
});
