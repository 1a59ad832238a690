import { describe, expect, it } from 'vitest';
import { leftoverTables, nftRuleset } from '../../../src/isolation/firewall.js';

describe('nftRuleset', () => {
  it('opens the given loopback ports to the uid and refuses every other packet of it', () => {
    expect(nftRuleset('claude_agent_matrix_7_9', 1001, [4000, 4001])).toBe(
      'table inet claude_agent_matrix_7_9 {\n' +
        '  chain output {\n' +
        '    type filter hook output priority filter; policy accept;\n' +
        '    meta skuid 1001 oifname "lo" tcp dport { 4000, 4001 } accept\n' +
        '    meta skuid 1001 reject\n' +
        '  }\n' +
        '}\n',
    );
  });
});

describe('leftoverTables', () => {
  const listing = [
    'table inet claude_agent_matrix_100_5',
    'table inet claude_agent_matrix_200_6',
    'table inet filter',
    'table inet claude_agent_matrix_x',
    'table inet someone_elses_100_5',
    '',
  ].join('\n');

  it('names only our tables whose maker is gone, leaving other tables and running steps alone', () => {
    const alive = (pid: number, start: number) => pid === 200 && start === 6;
    expect(leftoverTables(listing, alive)).toEqual(['claude_agent_matrix_100_5']);
  });

  it('takes a pid reused by a later process as gone', () => {
    expect(leftoverTables(listing, (pid, start) => pid === 100 && start === 99)).toEqual([
      'claude_agent_matrix_100_5',
      'claude_agent_matrix_200_6',
    ]);
  });
});
