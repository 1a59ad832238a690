import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AgentContext } from '../../../src/agent/context.js';
import { openStartGate } from '../../../src/agent/start-gate.js';
import { AdaptiveConcurrency } from '../../../src/schedule/adaptive.js';
import { adaptiveLimit } from '../../../src/schedule/adaptive-limit.js';

// Fake timers: the rise after a quiet period is driven by the test's clock, never a real one.
beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Lets every pending promise callback run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) await Promise.resolve();
}

const baseCtx = (overrides: Partial<AgentContext> = {}): AgentContext => ({
  claude: 'claude',
  runDir: '/run',
  credentials: { anthropicApiKey: '', oauthToken: '', githubToken: '' },
  baseEnv: {},
  retries: 0,
  signal: new AbortController().signal,
  ...overrides,
});

function setup(max: number, ctxOverrides: Partial<AgentContext> = {}, agents = 10) {
  const concurrency = new AdaptiveConcurrency({ max, adapt: true, quietMs: 10_000, now: 0 });
  const lines: string[] = [];
  let finished = 0;
  const ctx = baseCtx(ctxOverrides);
  const t = adaptiveLimit(
    concurrency,
    () => agents - finished,
    ctx.signal,
    (line) => lines.push(line),
  );
  /**
   * An agent whose CLI spawns as soon as its start gate lets it, and prints at once; `spawned` says how often it
   * did.
   */
  const agent = () => {
    const a = t.agent(ctx);
    const state = { spawned: 0 };
    const spawn = () =>
      void a.ctx.startGate!.take().then((release) => {
        state.spawned++;
        release();
      });
    return {
      ...a,
      state,
      spawn,
      end() {
        a.finished();
        finished++;
      },
    };
  };
  return { concurrency, t, lines, agent };
}

describe('adaptiveLimit: the limit applied at the spawn', () => {
  it('lets agents spawn up to the limit, and holds the rest until enough have finished', async () => {
    const { t, lines, agent } = setup(4);
    const first = [agent(), agent(), agent(), agent()];
    for (const a of first) a.spawn();
    await settle();
    expect(first.map((a) => a.state.spawned)).toEqual([1, 1, 1, 1]);

    first[0]!.ctx.onPushback!({ status: 429, final: false });
    expect(lines).toEqual(['rate limited: 4 → 2 agents at once']);
    expect(t.limit()).toBe(2);

    // Started by the schedule before the pushback, these two have not spawned yet: they wait.
    const late = [agent(), agent()];
    for (const a of late) a.spawn();
    await settle();
    expect(late.map((a) => a.state.spawned)).toEqual([0, 0]);

    first[0]!.end();
    first[1]!.end();
    await settle();
    expect(late.map((a) => a.state.spawned)).toEqual([0, 0]);
    first[2]!.end();
    await settle();
    expect(late.map((a) => a.state.spawned)).toEqual([1, 0]);
    t.close();
  });

  it('lets an agent already in flight start its next attempt whatever the limit', async () => {
    const { t, agent } = setup(2);
    const [a, b] = [agent(), agent()];
    a.spawn();
    b.spawn();
    await settle();
    a.ctx.onPushback!({ status: 529, final: true });
    expect(t.limit()).toBe(1);
    a.spawn(); // its retry
    await settle();
    expect(a.state.spawned).toBe(2);
    t.close();
  });

  it('holds no start slot while it waits, so an agent in flight can still start its retry', async () => {
    const { t, agent } = setup(1, { startGate: openStartGate(1) });
    const inFlight = agent();
    inFlight.spawn();
    await settle();
    expect(inFlight.state.spawned).toBe(1);
    const waiting = [agent(), agent()];
    for (const w of waiting) w.spawn();
    await settle();
    inFlight.spawn();
    await settle();
    expect(inFlight.state.spawned).toBe(2);
    expect(waiting.map((w) => w.state.spawned)).toEqual([0, 0]);
    t.close();
  });

  it('lets every waiting agent through when the run is cancelled, to end at once', async () => {
    const controller = new AbortController();
    const { t, agent } = setup(1, { signal: controller.signal });
    const a = agent();
    a.spawn();
    await settle();
    a.ctx.onPushback!({ status: 429, final: false });
    const waiting = [agent(), agent()];
    for (const w of waiting) w.spawn();
    await settle();
    expect(waiting.map((w) => w.state.spawned)).toEqual([0, 0]);
    controller.abort();
    await settle();
    expect(waiting.map((w) => w.state.spawned)).toEqual([1, 1]);
    t.close();
  });

  it('counts pushback from agents spawned before the limit fell, without lowering it again', async () => {
    const { concurrency, lines, agent, t } = setup(8);
    const early = Array.from({ length: 8 }, agent);
    for (const a of early) a.spawn();
    await settle();
    for (const a of early) a.ctx.onPushback!({ status: 429, final: false });
    expect(lines).toEqual(['rate limited: 8 → 4 agents at once']);
    expect(concurrency).toMatchObject({ events: 8, limit: 4 });
    t.close();
  });
});

describe('adaptiveLimit: rising after a quiet period', () => {
  it('wakes the engine when the quiet period is over, then raises the limit and lets a waiting agent spawn', async () => {
    const { t, lines, agent } = setup(4);
    const wake = vi.fn();
    t.onWake(wake);
    const first = [agent(), agent(), agent(), agent()];
    for (const a of first) a.spawn();
    await settle();
    first[0]!.ctx.onPushback!({ status: 429, final: false });
    first[0]!.end();
    first[1]!.end();
    const waiting = agent();
    waiting.spawn();
    await settle();
    expect(waiting.state.spawned).toBe(0);

    vi.advanceTimersByTime(9_999);
    expect(wake).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(wake).toHaveBeenCalledTimes(1);
    expect(t.limit()).toBe(3);
    await settle();
    expect(waiting.state.spawned).toBe(1);
    expect(lines).toEqual(['rate limited: 4 → 2 agents at once', 'no rate limits for 10.0 s: 2 → 3 agents at once']);
    t.close();
  });

  it('leaves no timer behind once closed', () => {
    const { t, agent } = setup(4);
    const a = agent();
    a.spawn();
    a.ctx.onPushback!({ status: 429, final: false });
    t.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});
