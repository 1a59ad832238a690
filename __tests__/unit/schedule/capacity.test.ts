import { describe, expect, it } from 'vitest';
import { AGENT_PEAK_BYTES, defaultMaxParallel } from '../../../src/schedule/capacity.js';

const GIB = 1024 ** 3;

describe('the default max-parallel', () => {
  it('is every agent when the memory holds them', () => {
    expect(defaultMaxParallel(20, 16 * GIB)).toBe(20);
  });

  it('is as many as three quarters of the memory holds, at one CLI peak each', () => {
    expect(defaultMaxParallel(500, 16 * GIB)).toBe(Math.floor((12 * GIB) / AGENT_PEAK_BYTES));
    expect(defaultMaxParallel(500, 7 * GIB)).toBe(26);
  });

  it('is at least one', () => {
    expect(defaultMaxParallel(3, 0)).toBe(1);
  });
});
