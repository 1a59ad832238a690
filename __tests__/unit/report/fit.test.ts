import { describe, expect, it } from 'vitest';
import { capFor, fitBlocks } from '../../../src/report/fit.js';

describe('capFor', () => {
  it('is Infinity when everything fits', () => {
    expect(capFor([10, 20], 30)).toBe(Infinity);
    expect(capFor([], 0)).toBe(Infinity);
  });

  it('cuts only the longest: short texts keep their size, long ones share the rest', () => {
    // 10 stays; 100 and 200 share the 90 left.
    expect(capFor([100, 10, 200], 100)).toBe(45);
    expect(capFor([100, 100], 100)).toBe(50);
  });
});

describe('fitBlocks', () => {
  const note = (id: string) => `_cut ${id}_`;

  it('keeps blocks that fit whole', () => {
    const out = fitBlocks([{ id: 'a', text: 'short' }], 100, note);
    expect(out.get('a')).toEqual({ text: 'short', cut: false });
  });

  it('cuts the longest first, each cut block ending with its note, all within the budget', () => {
    const blocks = [
      { id: 'small', text: 's'.repeat(50) },
      { id: 'big', text: 'b'.repeat(5000) },
      { id: 'bigger', text: 'B'.repeat(9000) },
    ];
    const out = fitBlocks(blocks, 2000, note);
    expect(out.get('small')).toEqual({ text: 's'.repeat(50), cut: false });
    for (const id of ['big', 'bigger']) {
      expect(out.get(id)!.cut).toBe(true);
      expect(out.get(id)!.text.endsWith(`\n\n_cut ${id}_`)).toBe(true);
    }
    const total = [...out.values()].reduce((n, b) => n + b.text.length, 0);
    expect(total).toBeLessThanOrEqual(2000);
    expect(out.get('big')!.text.length).toBe(out.get('bigger')!.text.length);
  });

  it('keeps only the note when the share is too small for any text, and still keeps to the budget', () => {
    const blocks = Array.from({ length: 10 }, (_, i) => ({ id: `a${i}`, text: 'x'.repeat(1000) }));
    const out = fitBlocks(blocks, 100, note);
    for (const [id, b] of out) expect(b).toEqual({ text: `_cut ${id}_`, cut: true });
    expect([...out.values()].reduce((n, b) => n + b.text.length, 0)).toBeLessThanOrEqual(100);
  });
});
