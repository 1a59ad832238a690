import { afterEach, describe, expect, it, vi } from 'vitest';
import { Cancellation } from '../../../src/util/cancel.js';

describe('Cancellation', () => {
  const open: Cancellation[] = [];
  const make = () => {
    const c = new Cancellation();
    open.push(c);
    return c;
  };
  afterEach(() => {
    for (const c of open.splice(0)) c.dispose();
    vi.useRealTimers();
  });

  it('waits for work as long as it takes while the step is not cancelled', async () => {
    const c = make();
    expect(await c.within(Promise.resolve('done'), 'uploads')).toBe('done');
    expect(c.cancelled).toBe(false);
  });

  it('aborts on the runner’s signal, and gives up on work at its deadline after it', async () => {
    vi.useFakeTimers();
    const c = make();
    const never = new Promise<string>(() => undefined);
    const uploads = c.within(never, 'uploads');
    const publish = c.within(never, 'publish');
    process.emit('SIGINT');
    expect(c.signal.aborted).toBe(true);
    const gaveUp: string[] = [];
    void uploads.then((v) => gaveUp.push(`uploads ${v}`));
    void publish.then((v) => gaveUp.push(`publish ${v}`));
    await vi.advanceTimersByTimeAsync(5499);
    expect(gaveUp).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(gaveUp).toEqual(['uploads undefined']);
    await vi.advanceTimersByTimeAsync(500);
    expect(gaveUp).toEqual(['uploads undefined', 'publish undefined']);
  });

  it('stops listening once disposed', () => {
    const before = process.listenerCount('SIGTERM');
    const c = new Cancellation();
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    c.dispose();
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});
