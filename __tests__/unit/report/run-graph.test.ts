import { describe, expect, it } from 'vitest';
import { criticalPath, FLOWCHART_MAX, flowchart, hasGraph, sinks, waitedFor } from '../../../src/report/run-graph.js';
import { computeStats } from '../../../src/report/stats.js';
import { renderSummary } from '../../../src/report/summary.js';
import type { AgentResult } from '../../../src/types.js';
import { makeResult } from '../../support/results.js';

const T0 = Date.parse('2025-01-01T00:00:00.000Z');

/** An agent that ran from `start` s to `end` s. */
function r(id: string, start: number, end: number, extra: Partial<AgentResult> = {}): AgentResult {
  return makeResult(id, {
    startedAt: new Date(T0 + start * 1000).toISOString(),
    finishedAt: new Date(T0 + end * 1000).toISOString(),
    durationMs: (end - start) * 1000,
    answer: `${id} says`,
    ...extra,
  });
}

// A map-reduce run: a planner adds three workers; a synthesis needs the planner; a lone agent runs beside.
const mapReduce = [
  r('plan', 0, 10, {}),
  r('synth', 40, 50, { needs: ['plan'] }),
  r('lone', 0, 5),
  r('plan.a', 10, 20, { addedBy: 'plan' }),
  r('plan.b', 10, 40, { addedBy: 'plan' }),
  r('plan.c', 10, 15, { addedBy: 'plan', needs: ['plan.a'] }),
];

describe('the graph of a run', () => {
  it('is there only when an agent needed another or was added', () => {
    expect(hasGraph([r('a', 0, 1), r('b', 0, 1)])).toBe(false);
    expect(hasGraph(mapReduce)).toBe(true);
  });

  it('counts a need on a planner as a need on all it added, and an added agent as waiting for its planner', () => {
    const waits = waitedFor(mapReduce);
    expect(waits.get('synth')).toEqual(['plan', 'plan.a', 'plan.b', 'plan.c']);
    expect(waits.get('plan.c')).toEqual(['plan', 'plan.a']);
    expect(waits.get('lone')).toEqual([]);
  });

  it('finds the agents nothing waited for', () => {
    expect(sinks(mapReduce).map((x) => x.id)).toEqual(['synth', 'lone']);
    expect(sinks([r('a', 0, 1), r('b', 0, 1, { needs: ['a'] })]).map((x) => x.id)).toEqual(['b']);
  });

  it('finds the longest chain of durations', () => {
    expect(criticalPath(mapReduce)).toEqual({ ms: 50_000, ids: ['plan', 'plan.b', 'synth'] });
    expect(criticalPath([r('a', 0, 3), r('b', 0, 7)])).toEqual({ ms: 7000, ids: ['b'] });
    expect(criticalPath([])).toEqual({ ms: 0, ids: [] });
  });

  it('draws a flowchart: each agent with its status, arrows for waits, dotted ones for additions', () => {
    const results = [...mapReduce];
    results[5] = { ...results[5]!, status: 'failure' };
    results[1] = { ...results[1]!, status: 'skipped', durationMs: 0 };
    const chart = flowchart(results, ['plan', 'plan.b', 'synth']);
    expect(chart[0]).toBe('```mermaid');
    expect(chart).toContain('  n0["✅ plan<br/>10.0 s"]:::success');
    expect(chart).toContain('  n1["⏭️ synth<br/>0 ms"]:::skipped');
    expect(chart).toContain('  n5["❌ plan.c<br/>5.0 s"]:::failure');
    expect(chart).toContain('  n0 -.-> n3');
    expect(chart).toContain('  n3 --> n5');
    expect(chart.filter((l) => l.endsWith('--> n1'))).toEqual([
      '  n0 --> n1',
      '  n3 --> n1',
      '  n4 --> n1',
      '  n5 --> n1',
    ]);
    expect(chart).toContain('  class n0,n4,n1 critical');
    expect(chart.at(-1)).toBe('```');
  });

  it('says the graph is too large rather than draw one past FLOWCHART_MAX', () => {
    const many = Array.from({ length: FLOWCHART_MAX + 1 }, (_, i) =>
      r(`a${i}`, 0, 1, { needs: i ? ['a0'] : undefined }),
    );
    expect(flowchart(many)).toEqual([
      `_The graph of ${FLOWCHART_MAX + 1} agents is too large to draw here (at most ${FLOWCHART_MAX})._`,
    ]);
  });
});

describe('renderSummary with a graph', () => {
  it('shows the critical path beside the wall time, the bound it sets, the flowchart and the Gantt chart', () => {
    const summary = renderSummary(mapReduce, computeStats(mapReduce, 10));
    expect(summary).toContain(
      'wall time 50.0 s · critical path 50.0 s (`plan` → `plan.b` → `synth`) · sum of durations 1m 10s',
    );
    // One after another is still the sum (70 s); the graph allows at most 70 / 50.
    expect(summary).toContain('one after another ≈ 1m 10s · speedup 1.40×');
    expect(summary).toContain('it allows a speedup of at most 1.40× (one after another ÷ critical path)');
    expect(summary).toContain('```mermaid\nflowchart LR');
    expect(summary).toContain('```mermaid\ngantt');
  });

  it('leaves all of it out of a run without needs', () => {
    const plain = [r('a', 0, 1), r('b', 0, 2)];
    const summary = renderSummary(plain, computeStats(plain, 2));
    expect(summary).not.toContain('critical path');
    expect(summary).not.toContain('flowchart');
  });

  it('shortens a long critical path', () => {
    const chain = Array.from({ length: 12 }, (_, i) => r(`s${i}`, i, i + 1, { needs: i ? [`s${i - 1}`] : undefined }));
    const summary = renderSummary(chain, computeStats(chain, 1));
    expect(summary).toContain('critical path 12.0 s (`s0` → `s1` → `s2` → `s3` → `s4` → `s5` → `s6` → … → `s11`)');
  });
});
