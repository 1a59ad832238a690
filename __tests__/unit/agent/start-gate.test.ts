import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  admitting,
  openStartGate,
  type Admission,
  type Release,
  type StartGate,
} from '../../../src/agent/start-gate.js';

// Fake timers: the guard on a slot held too long runs on the test's clock, never a real one.
beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Lets every pending promise callback run. */
async function flush(): Promise<void> {
  for (let i = 0; i < 50; i++) await Promise.resolve();
}

/** Takes `n` slots at `gate` without waiting; `released` holds each release as its slot is given. */
function takeMany(gate: StartGate, n: number) {
  const released: Release[] = [];
  for (let i = 0; i < n; i++) void gate.take().then((release) => released.push(release));
  return released;
}

describe('openStartGate', () => {
  it('gives out as many slots as it has, and the next as one is given back', async () => {
    const slots = takeMany(openStartGate(2), 3);
    await flush();
    expect(slots).toHaveLength(2);
    slots[0]!();
    await flush();
    expect(slots).toHaveLength(3);
  });

  it('counts only the first release of a slot, so every way an attempt ends may call it', async () => {
    const slots = takeMany(openStartGate(1), 3);
    await flush();
    slots[0]!();
    slots[0]!();
    await flush();
    expect(slots).toHaveLength(2);
  });

  it('frees a slot held 20 s without a release, so one stuck start-up cannot stop the others', async () => {
    const slots = takeMany(openStartGate(1), 2);
    await flush();
    vi.advanceTimersByTime(19_999);
    await flush();
    expect(slots).toHaveLength(1);
    vi.advanceTimersByTime(1);
    await flush();
    expect(slots).toHaveLength(2);
    slots[1]!();
    expect(vi.getTimerCount()).toBe(0);
  });
});

/** An admission that is open while `places` is above zero; each admitted agent takes a place. */
function places(initial: number) {
  let left = initial;
  let waiting: (() => void)[] = [];
  const admission: Admission = {
    open: () => left > 0,
    changed: () => new Promise<void>((resolve) => waiting.push(resolve)),
    admit: () => void left--,
  };
  return {
    admission,
    set(n: number) {
      left = n;
      const woken = waiting;
      waiting = [];
      for (const wake of woken) wake();
    },
    get left() {
      return left;
    },
  };
}

describe('admitting', () => {
  it('holds a first spawn back, holding no slot, until admitted; later spawns go straight on', async () => {
    const gate = openStartGate(1);
    const room = places(0);
    const held = takeMany(admitting(gate, room.admission), 1);
    await flush();
    expect(held).toHaveLength(0);
    // The gate's one slot is free while the agent waits for admission.
    const other = takeMany(gate, 1);
    await flush();
    expect(other).toHaveLength(1);
    other[0]!();

    room.set(1);
    await flush();
    expect(held).toHaveLength(1);
    expect(room.left).toBe(0);
    held[0]!();
  });

  it('lets an admitted agent start its retry whatever the admission says', async () => {
    const room = places(1);
    const agent = admitting(openStartGate(1), room.admission);
    (await agent.take())();
    expect(room.left).toBe(0);
    const retry = takeMany(agent, 1);
    await flush();
    expect(retry).toHaveLength(1);
    retry[0]!();
  });

  it('checks again once it holds a slot, and gives the slot back when the last place went meanwhile', async () => {
    const gate = openStartGate(1);
    const room = places(1);
    const blocker = takeMany(gate, 1);
    await flush();
    const held = takeMany(admitting(gate, room.admission), 1);
    await flush();
    // Open when it asked, but the place is gone by the time the gate's slot is free.
    room.set(0);
    blocker[0]!();
    await flush();
    expect(held).toHaveLength(0);
    const other = takeMany(gate, 1);
    await flush();
    expect(other).toHaveLength(1);
    other[0]!();
    room.set(1);
    await flush();
    expect(held).toHaveLength(1);
  });

  it('applies the admission without a gate: no start-up limit', async () => {
    const room = places(1);
    const [a, b] = [admitting(undefined, room.admission), admitting(undefined, room.admission)];
    const first = takeMany(a, 1);
    const second = takeMany(b, 1);
    await flush();
    expect([first.length, second.length]).toEqual([1, 0]);
  });
});
