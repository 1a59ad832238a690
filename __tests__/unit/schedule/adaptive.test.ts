import { describe, expect, it } from 'vitest';
import { AdaptiveConcurrency, QUIET_MS } from '../../../src/schedule/adaptive.js';

const at = (s: number) => s * 1000;
const adaptive = (max = 8, quietMs = 10_000) => new AdaptiveConcurrency({ max, adapt: true, quietMs, now: 0 });

describe('AdaptiveConcurrency: lowering', () => {
  it('starts at the maximum', () => {
    const c = adaptive(8);
    expect(c).toMatchObject({ limit: 8, lowest: 8, events: 0 });
  });

  it('halves what was in flight when the API pushes back', () => {
    const c = adaptive(8);
    expect(c.rateLimited(at(1), c.started(), 8)).toEqual({ from: 8, to: 4, why: 'rate-limited' });
    expect(c).toMatchObject({ limit: 4, lowest: 4, events: 1 });
  });

  it('halves what ran, not a maximum that was never reached', () => {
    const c = adaptive(50);
    expect(c.rateLimited(at(1), c.started(), 6)).toEqual({ from: 6, to: 3, why: 'rate-limited' });
  });

  it('counts, but does not act on, pushback from agents that were running when the limit last fell', () => {
    const c = adaptive(8);
    const early = c.started();
    expect(c.rateLimited(at(1), early, 8)?.to).toBe(4);
    // The other seven early agents keep meeting 429s as the CLI retries them: the decrease answered for them.
    for (let i = 0; i < 7; i++) expect(c.rateLimited(at(2 + i), early, 8)).toBeUndefined();
    expect(c).toMatchObject({ limit: 4, events: 8 });
  });

  it('lowers again when an agent started under the new limit meets pushback', () => {
    const c = adaptive(8);
    c.rateLimited(at(1), c.started(), 8);
    const later = c.started();
    expect(c.rateLimited(at(5), later, 4)).toEqual({ from: 4, to: 2, why: 'rate-limited' });
    expect(c.rateLimited(at(9), c.started(), 2)).toEqual({ from: 2, to: 1, why: 'rate-limited' });
    expect(c).toMatchObject({ limit: 1, lowest: 1 });
  });

  it('never goes below one', () => {
    const c = adaptive(1);
    expect(c.rateLimited(at(1), c.started(), 1)).toBeUndefined();
    expect(c.rateLimited(at(2), c.started(), 0)).toBeUndefined();
    expect(c).toMatchObject({ limit: 1, lowest: 1, events: 2 });
  });

  it('says the change from the limit when fewer than two ran', () => {
    const c = adaptive(3);
    expect(c.rateLimited(at(1), c.started(), 1)).toEqual({ from: 3, to: 1, why: 'rate-limited' });
  });
});

describe('AdaptiveConcurrency: raising', () => {
  it('raises the limit by one after each quiet period while it holds agents back', () => {
    const c = adaptive(8, 10_000);
    c.rateLimited(at(1), c.started(), 8);
    expect(c.nextRiseAt()).toBe(at(11));
    expect(c.poll(at(10.9), 4, 5)).toBeUndefined();
    expect(c.poll(at(11), 4, 5)).toEqual({ from: 4, to: 5, why: 'quiet' });
    expect(c.nextRiseAt()).toBe(at(21));
    expect(c.poll(at(15), 5, 5)).toBeUndefined();
    expect(c.poll(at(21), 5, 5)).toEqual({ from: 5, to: 6, why: 'quiet' });
    expect(c.lowest).toBe(4);
  });

  it('starts the quiet period again at each pushback, even one it does not act on', () => {
    const c = adaptive(8, 10_000);
    const early = c.started();
    c.rateLimited(at(1), early, 8);
    c.rateLimited(at(8), early, 8);
    expect(c.poll(at(11), 4, 5)).toBeUndefined();
    expect(c.nextRiseAt()).toBe(at(18));
    expect(c.poll(at(18), 4, 5)?.to).toBe(5);
  });

  it('does not rise while the limit holds nothing back, and waits a whole quiet period after', () => {
    const c = adaptive(8, 10_000);
    c.rateLimited(at(1), c.started(), 8);
    expect(c.poll(at(11), 3, 5)).toBeUndefined(); // fewer running than allowed
    expect(c.poll(at(11), 4, 0)).toBeUndefined(); // nothing waiting
    expect(c.nextRiseAt()).toBe(at(21));
    expect(c.poll(at(20), 4, 5)).toBeUndefined();
    expect(c.poll(at(21), 4, 5)?.to).toBe(5);
  });

  it('stops at the maximum', () => {
    const c = adaptive(2, 10_000);
    c.rateLimited(at(0), c.started(), 2);
    expect(c.poll(at(10), 1, 3)).toEqual({ from: 1, to: 2, why: 'quiet' });
    expect(c.nextRiseAt()).toBeUndefined();
    expect(c.poll(at(100), 2, 3)).toBeUndefined();
    expect(c.limit).toBe(2);
  });

  it('has a default quiet period', () => {
    const c = new AdaptiveConcurrency({ max: 4, adapt: true, now: 0 });
    c.rateLimited(0, c.started(), 4);
    expect(c.nextRiseAt()).toBe(QUIET_MS);
  });
});

describe('AdaptiveConcurrency: a whole run, additive increase and multiplicative decrease', () => {
  it('goes down fast and up slowly, and lands on what the API takes', () => {
    // An API that takes 3 at once: more in flight gets pushback from an agent started at the new limit.
    const c = adaptive(8, 10_000);
    const limits: number[] = [];
    let now = 0;
    let epoch = c.started();
    for (let step = 0; step < 20; step++) {
      now += 5_000;
      if (c.limit > 3) {
        c.rateLimited(now, epoch, c.limit);
        epoch = c.started();
      } else {
        c.poll(now, c.limit, 10);
      }
      limits.push(c.limit);
    }
    expect(limits.slice(0, 3)).toEqual([4, 2, 2]);
    expect(Math.max(...limits.slice(3))).toBe(4);
    expect(Math.min(...limits)).toBe(2);
    expect(c.lowest).toBe(2);
  });
});

describe('AdaptiveConcurrency: off', () => {
  it('only counts: the limit stays at the maximum and never asks for a timer', () => {
    const c = new AdaptiveConcurrency({ max: 8, adapt: false, now: 0 });
    expect(c.rateLimited(at(1), c.started(), 8)).toBeUndefined();
    expect(c.rateLimited(at(2), c.started(), 8)).toBeUndefined();
    expect(c.poll(at(100), 8, 4)).toBeUndefined();
    expect(c.nextRiseAt()).toBeUndefined();
    expect(c).toMatchObject({ limit: 8, lowest: 8, events: 2 });
  });
});
