import { describe, expect, it } from 'vitest';
import { runPool } from '../../../src/schedule/pool.js';

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (err: Error) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise callback run: no timers involved. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/** A worker whose items finish only when the test says so, counting how many are in flight. */
function controlledWorker(count: number) {
  const gates = Array.from({ length: count }, () => deferred<void>());
  const started: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const worker = async (item: number): Promise<string> => {
    started.push(item);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await gates[item]?.promise;
    } finally {
      inFlight--;
    }
    return `done-${item}`;
  };
  return {
    worker,
    started,
    finish: (item: number) => gates[item]?.resolve(),
    fail: (item: number, err: Error) => gates[item]?.reject(err),
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
  };
}

const items = (n: number) => Array.from({ length: n }, (_, i) => i);
const skipped = (item: number) => `skipped-${item}`;

describe('runPool', () => {
  it('never runs more than limit at once, and starts the next item when a slot frees', async () => {
    const w = controlledWorker(6);
    const run = runPool(items(6), 2, w.worker, skipped, new AbortController().signal);
    await settle();
    expect(w.started).toEqual([0, 1]);
    expect(w.inFlight).toBe(2);

    w.finish(1);
    await settle();
    expect(w.started).toEqual([0, 1, 2]);
    expect(w.inFlight).toBe(2);

    w.finish(0);
    await settle();
    expect(w.started).toEqual([0, 1, 2, 3]);

    w.finish(3);
    w.finish(2);
    await settle();
    expect(w.started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(w.inFlight).toBe(2);

    w.finish(5);
    w.finish(4);
    await expect(run).resolves.toEqual(items(6).map((i) => `done-${i}`));
    expect(w.maxInFlight).toBe(2);
    expect(w.inFlight).toBe(0);
  });

  it('keeps the items order whatever order they finish in', async () => {
    const w = controlledWorker(5);
    const run = runPool(items(5), 5, w.worker, skipped, new AbortController().signal);
    await settle();
    expect(w.started).toEqual([0, 1, 2, 3, 4]);
    for (const i of [4, 2, 0, 3, 1]) {
      w.finish(i);
      await settle();
    }
    expect(await run).toEqual(['done-0', 'done-1', 'done-2', 'done-3', 'done-4']);
    expect(w.maxInFlight).toBe(5);
  });

  it('runs one at a time with limit 1', async () => {
    const w = controlledWorker(3);
    const run = runPool(items(3), 1, w.worker, skipped, new AbortController().signal);
    for (let i = 0; i < 3; i++) {
      await settle();
      expect(w.started).toEqual(items(i + 1));
      expect(w.inFlight).toBe(1);
      w.finish(i);
    }
    expect(await run).toEqual(['done-0', 'done-1', 'done-2']);
    expect(w.maxInFlight).toBe(1);
  });

  it('starts all items at once when the limit is above their number', async () => {
    const w = controlledWorker(3);
    const run = runPool(items(3), 100, w.worker, skipped, new AbortController().signal);
    await settle();
    expect(w.inFlight).toBe(3);
    items(3).forEach(w.finish);
    expect(await run).toEqual(['done-0', 'done-1', 'done-2']);
  });

  it('still makes progress with a limit below 1', async () => {
    const w = controlledWorker(2);
    const run = runPool(items(2), 0, w.worker, skipped, new AbortController().signal);
    await settle();
    expect(w.inFlight).toBe(1);
    w.finish(0);
    w.finish(1);
    expect(await run).toEqual(['done-0', 'done-1']);
  });

  it('returns nothing for no items, without calling the worker', async () => {
    let calls = 0;
    const out = await runPool<number, string>(
      [],
      3,
      async () => {
        calls++;
        return 'x';
      },
      skipped,
      new AbortController().signal,
    );
    expect(out).toEqual([]);
    expect(calls).toBe(0);
  });

  it('after an abort, lets running items finish and skips the rest', async () => {
    const w = controlledWorker(6);
    const controller = new AbortController();
    const skippedItems: number[] = [];
    const run = runPool(
      items(6),
      2,
      w.worker,
      (item) => {
        skippedItems.push(item);
        return skipped(item);
      },
      controller.signal,
    );
    await settle();
    w.finish(0);
    await settle();
    expect(w.started).toEqual([0, 1, 2]);

    controller.abort();
    // Every gate opens, so a wrongly started item would finish and show in the results.
    for (const i of [2, 1, 3, 4, 5]) w.finish(i);
    const results = await run;
    expect(results).toEqual(['done-0', 'done-1', 'done-2', 'skipped-3', 'skipped-4', 'skipped-5']);
    expect(w.started).toEqual([0, 1, 2]);
    expect(skippedItems.sort()).toEqual([3, 4, 5]);
  });

  it('skips every item when aborted before it starts', async () => {
    const controller = new AbortController();
    controller.abort();
    let calls = 0;
    const results = await runPool(
      items(4),
      2,
      async (i) => {
        calls++;
        return `done-${i}`;
      },
      skipped,
      controller.signal,
    );
    expect(results).toEqual(['skipped-0', 'skipped-1', 'skipped-2', 'skipped-3']);
    expect(calls).toBe(0);
  });

  it('passes on a worker failure', async () => {
    const w = controlledWorker(2);
    const run = runPool(items(2), 2, w.worker, skipped, new AbortController().signal);
    await settle();
    w.fail(0, new Error('worker broke'));
    w.finish(1);
    await expect(run).rejects.toThrow('worker broke');
  });
});
