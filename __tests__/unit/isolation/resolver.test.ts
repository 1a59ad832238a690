import { describe, expect, it } from 'vitest';
import { parseHostsFile } from '../../../src/isolation/resolver.js';

describe('parseHostsFile', () => {
  it('reads /etc/hosts lines, comments and blank lines aside, the first address of a name winning', () => {
    const hosts = parseHostsFile(
      '# test names\n127.0.0.1 a.test B.test # two\n\n::1 c.test\n10.0.0.1 a.test\nnot-an-ip x.test\n',
    );
    expect([...hosts]).toEqual([
      ['a.test', '127.0.0.1'],
      ['b.test', '127.0.0.1'],
      ['c.test', '::1'],
    ]);
  });
});
