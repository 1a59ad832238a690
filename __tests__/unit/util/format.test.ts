import { describe, expect, it } from 'vitest';
import { formatCost, formatTokens, formatUsd } from '../../../src/util/format.js';

describe('formatUsd', () => {
  it.each([
    [0.5, '$0.50'],
    [0.05, '$0.05'],
    [5, '$5.00'],
    [12.345, '$12.35'],
    [0, '$0.00'],
    [0.004, '$0.004'],
    [0.00123, '$0.0012'],
  ])('writes %f as %j', (usd, text) => {
    expect(formatUsd(usd)).toBe(text);
  });
});

describe('formatTokens', () => {
  it.each([
    [0, '0'],
    [999, '999'],
    [1000, '1.0k'],
    [12_345, '12.3k'],
    [999_949, '999.9k'],
    [999_950, '1.00M'],
    [4_560_000, '4.56M'],
  ])('writes %i as %j', (n, text) => {
    expect(formatTokens(n)).toBe(text);
  });
});

describe('formatCost', () => {
  it('keeps four decimals, and a dash for an unknown cost', () => {
    expect(formatCost(0.0123)).toBe('$0.0123');
    expect(formatCost(null)).toBe('–');
  });
});
