import { describe, expect, it } from 'vitest';
import { ITEM_KEYS } from '../../../src/config/matrix.js';
import { nearest } from '../../../src/util/suggest.js';

describe('nearest', () => {
  it('suggests the closest candidate for a likely typo', () => {
    expect(nearest('promt', ITEM_KEYS)).toBe('prompt');
    expect(nearest('PROMPT', ITEM_KEYS)).toBe('prompt');
    expect(nearest('prompt_file', ITEM_KEYS)).toBe('prompt-file');
    expect(nearest('apend-system-promt', ITEM_KEYS)).toBe('append-system-prompt');
    expect(nearest('disalowed_tools', ITEM_KEYS)).toBe('disallowed-tools');
  });

  it('suggests nothing when no candidate is close', () => {
    expect(nearest('completely-unrelated', ITEM_KEYS)).toBeUndefined();
    expect(nearest('foo', ['id-long-name'])).toBeUndefined();
    expect(nearest('anything', [])).toBeUndefined();
  });

  it('prefers the first of equally close candidates', () => {
    expect(nearest('ab', ['ac', 'ad'])).toBe('ac');
  });
});
