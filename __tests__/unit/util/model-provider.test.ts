import { describe, expect, it } from 'vitest';
import { PROVIDER_SWITCH_NAMES, providerSwitchedOn } from '../../../src/util/model-provider.js';

describe('providerSwitchedOn', () => {
  it('names the first switch that is set to something other than off', () => {
    expect(providerSwitchedOn({ CLAUDE_CODE_USE_VERTEX: '1' })).toBe('CLAUDE_CODE_USE_VERTEX');
    expect(providerSwitchedOn({ CLAUDE_CODE_USE_BEDROCK: 'false', CLAUDE_CODE_USE_FOUNDRY: 'true' })).toBe(
      'CLAUDE_CODE_USE_FOUNDRY',
    );
  });

  it('takes 0, false, no, off and blanks as off', () => {
    for (const value of ['0', 'false', 'NO', ' off ', '', '  ']) {
      expect(providerSwitchedOn({ CLAUDE_CODE_USE_BEDROCK: value }), JSON.stringify(value)).toBeUndefined();
    }
    expect(providerSwitchedOn({})).toBeUndefined();
  });

  it('lists every switch for messages', () => {
    expect(PROVIDER_SWITCH_NAMES).toEqual([
      'CLAUDE_CODE_USE_BEDROCK',
      'CLAUDE_CODE_USE_VERTEX',
      'CLAUDE_CODE_USE_FOUNDRY',
    ]);
  });
});
