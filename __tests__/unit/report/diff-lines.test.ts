import { describe, expect, it } from 'vitest';
import { commentableLines } from '../../../src/report/diff-lines.js';

describe('commentableLines', () => {
  it("gives the new version's added and context lines of every hunk, never the removed ones", () => {
    const patch = [
      '@@ -1,3 +1,4 @@',
      ' first',
      '-old second',
      '+new second',
      '+added third',
      ' fourth',
      '@@ -20,2 +21,2 @@ function f() {',
      ' context',
      '-gone',
      '+came',
      '\\ No newline at end of file',
    ].join('\n');
    expect([...commentableLines(patch)]).toEqual([
      [1, 'first'],
      [2, 'new second'],
      [3, 'added third'],
      [4, 'fourth'],
      [21, 'context'],
      [22, 'came'],
    ]);
  });

  it('reads a hunk header without counts, and gives nothing for a file without a patch', () => {
    expect([...commentableLines('@@ -0,0 +1 @@\n+only')]).toEqual([[1, 'only']]);
    expect(commentableLines(undefined).size).toBe(0);
    expect(commentableLines('').size).toBe(0);
  });
});
