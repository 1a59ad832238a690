import { describe, expect, it } from 'vitest';
import { ANSWER_EXCERPT, buildResult, failedAfter, notStarted, refused } from '../../../src/agent/result.js';
import type { AgentSpec } from '../../../src/types.js';

const spec: AgentSpec = {
  index: 0,
  id: 'a',
  prompt: 'p',
  allowedTools: [],
  disallowedTools: [],
  claudeArgs: [],
  timeoutMinutes: 1,
};

describe('buildResult', () => {
  it('turns a run into the reported result, with its duration and a bounded answer', () => {
    const long = 'x'.repeat(ANSWER_EXCERPT + 10);
    const r = buildResult(spec, '/run/a', {
      verdict: { status: 'success', error: null, transient: false },
      report: { turns: 3, costUsd: 0.2, sessionId: 's-1', answer: long },
      exitCode: 0,
      startedAt: new Date('2026-01-01T00:00:00.000Z'),
      finishedAt: new Date('2026-01-01T00:00:02.500Z'),
      startupMs: 400,
      attempts: 2,
    });
    expect(r).toEqual({
      id: 'a',
      status: 'success',
      exitCode: 0,
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:02.500Z',
      durationMs: 2500,
      startupMs: 400,
      turns: 3,
      costUsd: 0.2,
      sessionId: 's-1',
      outputDir: '/run/a',
      error: null,
      attempts: 2,
      answer: `${'x'.repeat(ANSWER_EXCERPT)}…`,
    });
  });
});

describe('notStarted', () => {
  it('is a cancelled agent that took no time and made no attempt', () => {
    const r = notStarted(spec, '/run/a');
    expect(r).toMatchObject({ id: 'a', status: 'cancelled', error: 'cancelled before it started', attempts: 0 });
    expect(r.durationMs).toBe(0);
    expect(r.startedAt).toBe(r.finishedAt);
  });
});

describe('results of agents in a graph', () => {
  const run = {
    verdict: { status: 'success' as const, error: null, transient: false },
    report: { turns: 1, costUsd: 0, sessionId: null, answer: '{"n":1}', structured: { n: 1 } },
    exitCode: 0,
    startedAt: new Date('2026-01-01T00:00:00.000Z'),
    finishedAt: new Date('2026-01-01T00:00:01.000Z'),
    startupMs: 0,
    attempts: 1,
  };

  it('carries the structured output, the needs and the planner that added the agent', () => {
    const r = buildResult({ ...spec, needs: ['x'], addedBy: 'plan' }, '/run/a', run);
    expect(r).toMatchObject({ structured: { n: 1 }, needs: ['x'], addedBy: 'plan' });
    expect(
      Object.keys(buildResult(spec, '/run/a', { ...run, report: { ...run.report, structured: undefined } })),
    ).not.toContain('structured');
  });

  it('fails an agent refused before its start, and a planner whose plan was not used', () => {
    expect(refused(spec, '/run/a', 'too big')).toMatchObject({ status: 'failure', error: 'too big', attempts: 0 });
    const done = buildResult(spec, '/run/a', run);
    expect(failedAfter(done, 'no agents.yml')).toEqual({ ...done, status: 'failure', error: 'no agents.yml' });
  });
});
