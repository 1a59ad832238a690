import { describe, expect, it } from 'vitest';
import { limiter } from '../../../src/util/limit.js';

describe('limiter', () => {
  it.each([0, -1, 1.5, Number.NaN])('refuses a size of %s, naming it', (n) => {
    expect(() => limiter(n)).toThrow(new RegExp(`got ${n}`));
  });

  it('runs at most n tasks at once and all of them in the end', async () => {
    const limit = limiter(2);
    let active = 0;
    let peak = 0;
    const release: (() => void)[] = [];
    const tasks = Array.from({ length: 5 }, (_, i) =>
      limit(async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise<void>((resolve) => release.push(resolve));
        active--;
        return i;
      }),
    );
    // Let the queue settle, then let the tasks end one at a time.
    for (let done = 0; done < 5; done++) {
      await new Promise((r) => setImmediate(r));
      release.shift()?.();
    }
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
  });

  it('hands the slot on when a task throws', async () => {
    const limit = limiter(1);
    await expect(limit(() => Promise.reject(new Error('no')))).rejects.toThrow('no');
    await expect(limit(() => Promise.resolve('next'))).resolves.toBe('next');
  });
});
