import { describe, expect, it } from 'vitest';
import { runPool, type JobOutcome, type NotRun, type PoolOptions } from '../../../src/schedule/pool.js';
import type { AgentResult, AgentSpec, AgentStatus } from '../../../src/types.js';

/** Lets every pending promise callback run: no timers involved. */
async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) await Promise.resolve();
}

function spec(id: string, extra: Partial<AgentSpec> = {}): AgentSpec {
  return {
    index: 0,
    id,
    prompt: id,
    allowedTools: [],
    disallowedTools: [],
    claudeArgs: [],
    timeoutMinutes: 1,
    ...extra,
  };
}

function result(id: string, status: AgentStatus, error: string | null = null): AgentResult {
  const at = '2026-01-01T00:00:00.000Z';
  return {
    id,
    status,
    exitCode: null,
    startedAt: at,
    finishedAt: at,
    durationMs: 0,
    startupMs: 0,
    turns: null,
    costUsd: null,
    sessionId: null,
    outputDir: `/run/${id}`,
    error,
    attempts: status === 'skipped' || status === 'cancelled' ? 0 : 1,
    answer: '',
    usage: null,
  };
}

/** A pool whose agents end only when the test says so, and how they end. */
function harness(specs: AgentSpec[], options: Partial<PoolOptions> = {}) {
  const controller = new AbortController();
  const open = new Map<string, (outcome: JobOutcome) => void>();
  const started: string[] = [];
  let inFlight = 0;
  let peak = 0;
  const done = runPool(specs, {
    maxParallel: 10,
    signal: controller.signal,
    run: (s) =>
      new Promise<JobOutcome>((resolve) => {
        started.push(s.id);
        inFlight++;
        peak = Math.max(peak, inFlight);
        open.set(s.id, (outcome) => {
          inFlight--;
          resolve(outcome);
        });
      }),
    notRun: (s, why: NotRun) =>
      'skipped' in why
        ? result(s.id, 'skipped', why.skipped)
        : result(s.id, 'cancelled', 'cancelled before it started'),
    ...options,
  });
  return {
    done,
    started,
    controller,
    get peak() {
      return peak;
    },
    async end(id: string, status: AgentStatus = 'success', added?: AgentSpec[]) {
      const finish = open.get(id);
      if (!finish) throw new Error(`${id} is not running`);
      open.delete(id);
      finish({ result: result(id, status), added });
      await settle();
    },
  };
}

const ids = (results: AgentResult[]) => results.map((r) => [r.id, r.status, r.error]);

describe('runPool: a plain matrix', () => {
  it('runs at most maxParallel at once, the next in matrix order as a slot frees', async () => {
    const h = harness(
      ['a', 'b', 'c', 'd'].map((id) => spec(id)),
      { maxParallel: 2 },
    );
    await settle();
    expect(h.started).toEqual(['a', 'b']);
    await h.end('b');
    expect(h.started).toEqual(['a', 'b', 'c']);
    await h.end('a');
    await h.end('c');
    await h.end('d');
    expect(ids(await h.done)).toEqual([
      ['a', 'success', null],
      ['b', 'success', null],
      ['c', 'success', null],
      ['d', 'success', null],
    ]);
    expect(h.peak).toBe(2);
  });

  it('starts nothing more once cancelled, and reports the rest as cancelled in matrix order', async () => {
    const h = harness(
      ['a', 'b', 'c'].map((id) => spec(id)),
      { maxParallel: 1 },
    );
    await settle();
    h.controller.abort();
    await settle();
    await h.end('a', 'cancelled');
    expect(h.started).toEqual(['a']);
    expect(ids(await h.done)).toEqual([
      ['a', 'cancelled', null],
      ['b', 'cancelled', 'cancelled before it started'],
      ['c', 'cancelled', 'cancelled before it started'],
    ]);
  });

  it('returns at once for a run cancelled before it began', async () => {
    const controller = new AbortController();
    controller.abort();
    const h = harness([spec('a')], { signal: controller.signal });
    expect(ids(await h.done)).toEqual([['a', 'cancelled', 'cancelled before it started']]);
    expect(h.started).toEqual([]);
  });
});

describe('runPool: needs', () => {
  it('starts an agent once everything it needs has succeeded, not before', async () => {
    const h = harness([spec('c', { needs: ['a', 'b'] }), spec('a'), spec('b')]);
    await settle();
    expect(h.started).toEqual(['a', 'b']);
    await h.end('a');
    expect(h.started).toEqual(['a', 'b']);
    await h.end('b');
    expect(h.started).toEqual(['a', 'b', 'c']);
    await h.end('c');
    expect((await h.done).map((r) => r.id)).toEqual(['c', 'a', 'b']);
  });

  it('skips an agent whose need failed, naming it, and what needs that agent in turn', async () => {
    const h = harness([spec('a'), spec('b', { needs: ['a'] }), spec('c', { needs: ['b'] })]);
    await settle();
    await h.end('a', 'failure');
    expect(ids(await h.done)).toEqual([
      ['a', 'failure', null],
      ['b', 'skipped', 'needs a, which ended failure'],
      ['c', 'skipped', 'needs b, which ended skipped'],
    ]);
    expect(h.started).toEqual(['a']);
  });

  it('starts a run-if: always agent once its needs ended, whatever they ended with', async () => {
    const h = harness([spec('a'), spec('b'), spec('report', { needs: ['a', 'b'], runIf: 'always' })]);
    await settle();
    await h.end('a', 'timeout');
    expect(h.started).toEqual(['a', 'b']);
    await h.end('b', 'failure');
    expect(h.started).toEqual(['a', 'b', 'report']);
    await h.end('report');
    expect((await h.done).map((r) => r.status)).toEqual(['timeout', 'failure', 'success']);
  });

  it('among agents ready at once, starts the earlier in the matrix first', async () => {
    const h = harness([spec('a'), spec('x', { needs: ['a'] }), spec('y'), spec('z', { needs: ['a'] })], {
      maxParallel: 2,
    });
    await settle();
    expect(h.started).toEqual(['a', 'y']);
    await h.end('a');
    expect(h.started).toEqual(['a', 'y', 'x']);
    await h.end('y');
    expect(h.started).toEqual(['a', 'y', 'x', 'z']);
    await h.end('x');
    await h.end('z');
    await h.done;
  });

  it('waits for a planner and every agent it added before starting what needs the planner', async () => {
    const h = harness([spec('plan'), spec('synth', { needs: ['plan'] })]);
    await settle();
    await h.end('plan', 'success', [spec('plan.w1'), spec('plan.w2')]);
    expect(h.started).toEqual(['plan', 'plan.w1', 'plan.w2']);
    await h.end('plan.w1');
    expect(h.started).not.toContain('synth');
    await h.end('plan.w2');
    expect(h.started).toContain('synth');
    await h.end('synth');
    expect((await h.done).map((r) => r.id)).toEqual(['plan', 'synth', 'plan.w1', 'plan.w2']);
  });

  it('skips what needs a planner when one of its added agents failed, naming that agent', async () => {
    const h = harness([spec('plan'), spec('synth', { needs: ['plan'] })]);
    await settle();
    await h.end('plan', 'success', [spec('plan.w1')]);
    await h.end('plan.w1', 'failure');
    const byId = Object.fromEntries((await h.done).map((r) => [r.id, r]));
    expect(byId.synth?.error).toBe('needs plan.w1 (added by plan), which ended failure');
  });

  it('skips agents whose needs can never be met instead of hanging', async () => {
    const h = harness([spec('a', { needs: ['nobody'] })]);
    expect(ids(await h.done)).toEqual([['a', 'skipped', 'its needs can never be met']]);
  });
});

describe('runPool: limits and stops', () => {
  it('keeps in flight no more than limit() says, and starts more when it rises and wakes the schedule', async () => {
    let limit = 1;
    let wake: () => void = () => undefined;
    const h = harness(
      ['a', 'b', 'c'].map((id) => spec(id)),
      {
        maxParallel: 3,
        limit: () => limit,
        onWake: (w) => (wake = w),
      },
    );
    await settle();
    expect(h.started).toEqual(['a']);
    limit = 3;
    wake();
    await settle();
    expect(h.started).toEqual(['a', 'b', 'c']);
    for (const id of ['a', 'b', 'c']) await h.end(id);
    await h.done;
  });

  it('never goes above maxParallel nor below one, whatever limit() says', async () => {
    const low = harness(
      ['a', 'b'].map((id) => spec(id)),
      { maxParallel: 2, limit: () => 0 },
    );
    await settle();
    expect(low.started).toEqual(['a']);
    await low.end('a');
    await low.end('b');
    await low.done;
    const high = harness(
      ['a', 'b', 'c'].map((id) => spec(id)),
      { maxParallel: 2, limit: () => 50 },
    );
    await settle();
    expect(high.started).toEqual(['a', 'b']);
    for (const id of ['a', 'b']) await high.end(id);
    await high.end('c');
    await high.done;
  });

  it('skips every waiting agent with the stop reason, and lets the running ones finish', async () => {
    let stop: string | undefined = undefined;
    const h = harness(
      ['a', 'b', 'c'].map((id) => spec(id)),
      { maxParallel: 1, stopReason: () => stop },
    );
    await settle();
    stop = 'the run budget of $1.00 was reached';
    await h.end('a');
    expect(ids(await h.done)).toEqual([
      ['a', 'success', null],
      ['b', 'skipped', 'the run budget of $1.00 was reached'],
      ['c', 'skipped', 'the run budget of $1.00 was reached'],
    ]);
  });

  it('tells onEvent of every start and finish', async () => {
    const events: string[] = [];
    const h = harness([spec('a'), spec('b', { needs: ['a'] })], {
      onEvent: (e) => events.push(`${e.kind} ${e.spec.id}`),
    });
    await settle();
    await h.end('a');
    await h.end('b');
    await h.done;
    expect(events).toEqual(['started a', 'finished a', 'started b', 'finished b']);
  });
});

describe('runPool: what an agent is handed', () => {
  it("hands run the results it waited for: each need in order, a planner's added agents after it", async () => {
    const seen = new Map<string, string[]>();
    const added: Record<string, AgentSpec[]> = { plan: [spec('plan.w1'), spec('plan.w2')] };
    await runPool([spec('plan'), spec('solo'), spec('synth', { needs: ['solo', 'plan'], runIf: 'always' })], {
      maxParallel: 10,
      signal: new AbortController().signal,
      run: async (s, needed) => {
        seen.set(
          s.id,
          needed.map((r) => `${r.id}:${r.status}`),
        );
        return { result: result(s.id, s.id === 'plan.w2' ? 'failure' : 'success'), added: added[s.id] };
      },
      notRun: (s) => result(s.id, 'skipped'),
    });
    expect(seen.get('plan')).toEqual([]);
    expect(seen.get('synth')).toEqual(['solo:success', 'plan:success', 'plan.w1:success', 'plan.w2:failure']);
  });
});
