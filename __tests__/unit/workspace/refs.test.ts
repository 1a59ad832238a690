import { describe, expect, it } from 'vitest';
import { parseRefs, restoreCommands } from '../../../src/workspace/refs.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

describe('parseRefs', () => {
  it('reads each ref and its object, leaving out symbolic refs', () => {
    const out = `${A} refs/heads/main \n${B} refs/remotes/origin/HEAD refs/remotes/origin/main\n${A} refs/tags/v1 \n`;
    expect([...parseRefs(out)]).toEqual([
      ['refs/heads/main', A],
      ['refs/tags/v1', A],
    ]);
  });
});

describe('restoreCommands', () => {
  it('deletes refs that agents made, moves back those they moved and makes again those they deleted', () => {
    const before = new Map([
      ['refs/heads/main', A],
      ['refs/heads/release', B],
      ['refs/tags/v1', A],
    ]);
    const after = new Map([
      ['refs/heads/main', C],
      ['refs/heads/agent-fix', C],
      ['refs/stash', C],
      ['refs/tags/v1', A],
    ]);
    expect(restoreCommands(before, after)).toEqual([
      'delete refs/heads/agent-fix',
      'delete refs/stash',
      `update refs/heads/main ${A}`,
      `create refs/heads/release ${B}`,
    ]);
  });

  it('does nothing when nothing changed', () => {
    const refs = new Map([['refs/heads/main', A]]);
    expect(restoreCommands(refs, new Map(refs))).toEqual([]);
  });
});
