import { describe, expect, it } from 'vitest';
import {
  addSpend,
  ANSWER_EXCERPT,
  buildResult,
  failedAfter,
  NOTHING_SPENT,
  notStarted,
  refused,
} from '../../../src/agent/result.js';
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
      report: { turns: 3, costUsd: 0.2, sessionId: 's-1', answer: long, usage: null },
      spent: { costUsd: 0.5, usage: tokens(10, 2, 30, 4) },
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
      costUsd: 0.5,
      sessionId: 's-1',
      outputDir: '/run/a',
      error: null,
      attempts: 2,
      answer: `${'x'.repeat(ANSWER_EXCERPT)}…`,
      usage: tokens(10, 2, 30, 4),
    });
  });
});

const tokens = (inputTokens: number, outputTokens: number, cacheReadTokens: number, cacheCreationTokens: number) => ({
  inputTokens,
  outputTokens,
  cacheReadTokens,
  cacheCreationTokens,
});

describe('addSpend', () => {
  it('adds every attempt’s cost and tokens: a retried agent paid for each try', () => {
    const first = { costUsd: 0.25, usage: tokens(100, 20, 0, 50) };
    const second = { costUsd: 0.5, usage: tokens(200, 40, 50, 0) };
    expect(addSpend(first, second)).toEqual({ costUsd: 0.75, usage: tokens(300, 60, 50, 50) });
  });

  it('counts an attempt that reported nothing as nothing, and stays null when none reported', () => {
    const one = { costUsd: 0.25, usage: tokens(1, 2, 3, 4) };
    expect(addSpend(NOTHING_SPENT, one)).toEqual(one);
    expect(addSpend(one, NOTHING_SPENT)).toEqual(one);
    expect(addSpend(NOTHING_SPENT, NOTHING_SPENT)).toEqual({ costUsd: null, usage: null });
  });
});

describe('notStarted', () => {
  it('is a cancelled agent that took no time and made no attempt', () => {
    const r = notStarted(spec, '/run/a');
    expect(r).toMatchObject({ id: 'a', status: 'cancelled', error: 'cancelled before it started', attempts: 0 });
    expect(r.durationMs).toBe(0);
    expect(r.startedAt).toBe(r.finishedAt);
    expect(r).toMatchObject({ costUsd: null, usage: null });
  });
});

describe('results of agents in a graph', () => {
  const run = {
    verdict: { status: 'success' as const, error: null, transient: false },
    report: { turns: 1, costUsd: 0, sessionId: null, answer: '{"n":1}', structured: { n: 1 }, usage: null },
    spent: NOTHING_SPENT,
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
