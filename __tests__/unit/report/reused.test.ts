import { describe, expect, it } from 'vitest';
import { renderComment } from '../../../src/report/comment-body.js';
import { renderReport } from '../../../src/report/report-file.js';
import { reusedLines } from '../../../src/report/reused.js';
import { computeStats } from '../../../src/report/stats.js';
import { statusCell } from '../../../src/report/status.js';
import { renderSummary } from '../../../src/report/summary.js';
import type { AgentResult } from '../../../src/types.js';
import { makeResult } from '../../support/results.js';

const T0 = Date.parse('2025-01-01T00:00:00.000Z');
const at = (id: string, startS: number, seconds: number, extra: Partial<AgentResult> = {}) =>
  makeResult(id, {
    startedAt: new Date(T0 + startS * 1000).toISOString(),
    finishedAt: new Date(T0 + (startS + seconds) * 1000).toISOString(),
    durationMs: seconds * 1000,
    ...extra,
  });

/** Attempt 1 ran a, b, c an hour before attempt 2 ran d and e, 10 s each, side by side. */
const RERUN = [
  at('a', 0, 30, { reusedFrom: 1 }),
  at('b', 0, 30, { reusedFrom: 1 }),
  at('c', 0, 30, { reusedFrom: 1 }),
  at('d', 3600, 10),
  at('e', 3600, 10),
];
const NOTE =
  '♻️ Re-run: 3 of 5 agents come from attempt 1, where they succeeded; they did not run again. Wall time and ' +
  "speedup are this attempt's, counting only the 2 agents run in it.";

describe('a re-run in the numbers and the words', () => {
  it("counts the wall time and speedup of this attempt's agents only, and every agent's success and cost", () => {
    const stats = computeStats(RERUN, 5);
    expect(stats.wallTimeMs).toBe(10_000);
    expect(stats.sumDurationMs).toBe(20_000);
    expect(stats.speedup).toBeCloseTo(2);
    expect(stats.parallelism).toBe(2);
    expect(stats).toMatchObject({ agents: 5, succeeded: 5, failed: 0 });
    expect(stats.totalCostUsd).toBeCloseTo(0.05);
  });

  it('says how many agents were reused and from which attempts, or nothing in a run that reused none', () => {
    expect(reusedLines(RERUN)).toEqual([NOTE, '']);
    expect(reusedLines(RERUN.map((r) => ({ ...r, reusedFrom: undefined })))).toEqual([]);
    const mixed = [
      at('a', 0, 1, { reusedFrom: 1 }),
      at('b', 0, 1, { reusedFrom: 2 }),
      at('c', 0, 1, { reusedFrom: 2 }),
    ];
    expect(reusedLines(mixed)[0]).toMatch(/^♻️ Re-run: 3 of 3 agents come from attempt 1 \(1\) and attempt 2 \(2\), /);
    expect(reusedLines(mixed)[0]).toContain('counting only the 0 agents run in it');
  });

  it("marks a reused agent's status with its attempt", () => {
    expect(statusCell(RERUN[0]!)).toBe('✅ success (from attempt 1)');
    expect(statusCell(RERUN[3]!)).toBe('✅ success');
  });

  it('puts the note in the summary, report.md and the final comment, and leaves the old agents off the chart', () => {
    const stats = computeStats(RERUN, 5);
    const summary = renderSummary(RERUN, stats);
    expect(summary).toContain(NOTE);
    expect(summary).toContain('| `a` | ✅ success (from attempt 1) |');
    expect(summary).not.toMatch(/^ {2}a :done/m);
    expect(summary).toMatch(/^ {2}d :done/m);
    const answers = new Map<string, string>();
    expect(renderReport({ results: RERUN, stats, answers })).toContain(NOTE);
    const comment = renderComment({
      marker: '<!-- m -->',
      agents: RERUN,
      answers,
      links: {},
    });
    expect(comment).toContain(NOTE);
  });
});
