import { describe, expect, it } from 'vitest';
import { findPlaceholders, replacePlaceholders } from '../../../src/util/placeholders.js';

describe('placeholders', () => {
  it('finds answer and structured placeholders, with or without spaces, and ids with dots', () => {
    expect(
      findPlaceholders('{{ needs.a.answer }} {{needs.plan.w-1.structured}} {{ needs.x.other }} {{ steps.a.answer }}'),
    ).toEqual([
      { text: '{{ needs.a.answer }}', id: 'a', field: 'answer' },
      { text: '{{needs.plan.w-1.structured}}', id: 'plan.w-1', field: 'structured' },
    ]);
  });

  it('replaces each in one pass, never inside what it inserted', () => {
    const out = replacePlaceholders('A={{ needs.a.answer }} B={{ needs.b.answer }}', (p) =>
      p.id === 'a' ? '{{ needs.b.answer }}' : 'bee',
    );
    expect(out).toBe('A={{ needs.b.answer }} B=bee');
  });
});
