import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttle } from '../../../src/publish/throttle.js';

// The clock is vitest's fake one: the test moves it and counts runs; nothing waits in real time.

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** A task that records when it starts and finishes after `ms`. */
function recorder(ms = 0) {
  const starts: number[] = [];
  const task = async () => {
    starts.push(Date.now());
    await new Promise((r) => setTimeout(r, ms));
  };
  return { starts, task };
}

describe('throttle', () => {
  it('runs at once on the first poke, then at most once per interval however many pokes come', async () => {
    const { starts, task } = recorder();
    const t = throttle(15_000, task);
    const t0 = Date.now();
    t.poke();
    await vi.advanceTimersByTimeAsync(1);
    for (let i = 0; i < 10; i++) {
      t.poke();
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(starts.map((s) => s - t0)).toEqual([0]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(starts.map((s) => s - t0)).toEqual([0, 15_000]);
    // No poke since: no run.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(starts).toHaveLength(2);
    await t.close();
  });

  it('never runs twice at once: a poke during a run makes one more run after it', async () => {
    const { starts, task } = recorder(20_000);
    const t = throttle(5000, task);
    const t0 = Date.now();
    t.poke();
    await vi.advanceTimersByTimeAsync(6000);
    t.poke();
    t.poke();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(starts.map((s) => s - t0)).toEqual([0, 20_000]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(starts).toHaveLength(2);
    await t.close();
  });

  it('close stops a run that waits for the interval and waits for the one in flight', async () => {
    const { starts, task } = recorder(3000);
    const t = throttle(15_000, task);
    t.poke();
    await vi.advanceTimersByTimeAsync(4000);
    t.poke(); // due at 15 s
    let closed = false;
    void t.close().then(() => (closed = true));
    await vi.advanceTimersByTimeAsync(1);
    expect(closed).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(starts).toHaveLength(1);
    t.poke();
    expect(starts).toHaveLength(1);
  });

  it('close waits for a run in flight', async () => {
    const { task } = recorder(3000);
    const t = throttle(0, task);
    t.poke();
    let closed = false;
    void t.close().then(() => (closed = true));
    await vi.advanceTimersByTimeAsync(2000);
    expect(closed).toBe(false);
    await vi.advanceTimersByTimeAsync(1001);
    expect(closed).toBe(true);
  });

  it('carries on after a task that fails', async () => {
    let runs = 0;
    const t = throttle(0, async () => {
      runs++;
      throw new Error('boom');
    });
    t.poke();
    await vi.advanceTimersByTimeAsync(1);
    t.poke();
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toBe(2);
    await t.close();
  });
});
