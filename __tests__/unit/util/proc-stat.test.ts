import { describe, expect, it } from 'vitest';
import { childrenCpuMs, parseStat } from '../../../src/util/proc-stat.js';

describe('parseStat', () => {
  it('reads the fields after a command name that holds spaces and parentheses', () => {
    // Fields 1-24 of proc(5): pid (comm) state ppid ... utime(14) stime(15) cutime(16) cstime(17) ... starttime(22)
    // ... rss(24).
    const line = '42 (node (x) y) S 7 42 42 0 -1 4194560 1 2 3 4 150 30 1200 340 20 0 11 0 5 123456 2048 rest';
    expect(parseStat(line)).toEqual({
      comm: 'node (x) y',
      ppid: 7,
      utime: 150,
      stime: 30,
      cutime: 1200,
      cstime: 340,
      rssPages: 2048,
      startTicks: 5,
    });
  });
});

describe('childrenCpuMs', () => {
  it('is a number of milliseconds on Linux', () => {
    const ms = childrenCpuMs();
    if (process.platform === 'linux') expect(ms).toBeGreaterThanOrEqual(0);
    else expect(ms).toBeUndefined();
  });
});
