import { describe, expect, it } from 'vitest';
import { renderReport } from '../../../src/report/report-file.js';
import { refusedHostsSection } from '../../../src/report/refused-hosts.js';
import { renderSummary } from '../../../src/report/summary.js';
import { computeStats } from '../../../src/report/stats.js';
import { makeResult } from '../../support/results.js';

describe('refusedHostsSection', () => {
  it('is nothing when no host was refused', () => {
    expect(refusedHostsSection([makeResult('a'), makeResult('b', { refusedHosts: [] })])).toEqual([]);
  });

  it('lists each agent’s refused hosts and the names that would let them all through', () => {
    const lines = refusedHostsSection([
      makeResult('reviewer', { refusedHosts: ['pkgs.example.org', 'files.example.net'] }),
      makeResult('quiet'),
      makeResult('builder', { refusedHosts: ['pkgs.example.org', '(a malformed host name)'] }),
    ]);
    expect(lines.join('\n')).toBe(
      [
        '',
        '### Hosts refused by `allowed-hosts`',
        '',
        '- `reviewer`: `pkgs.example.org`, `files.example.net`',
        '- `builder`: `pkgs.example.org`, a malformed host name',
        '',
        'Agents that need them get them with these added to `allowed-hosts`: `pkgs.example.org files.example.net`',
        '',
      ].join('\n'),
    );
  });

  it('shows no text it did not check: what is not a host name is never put in the Markdown', () => {
    const text = refusedHostsSection([makeResult('a', { refusedHosts: ['x`<b>@team', 'ok.example'] })]).join('\n');
    expect(text).not.toMatch(/<b>|@team/);
    expect(text).toContain('- `a`: a malformed host name, `ok.example`');
  });

  it('lists at most maxAgents agents and says how many more there are', () => {
    const results = ['a', 'b', 'c'].map((id) => makeResult(id, { refusedHosts: [`${id}.example`] }));
    const text = refusedHostsSection(results, 2).join('\n');
    expect(text).toContain('- `b`: `b.example`');
    expect(text).not.toContain('- `c`');
    expect(text).toContain("- and 1 more agents: see each one's `refusedHosts` in the `results` output");
  });
});

describe('the summary and report.md', () => {
  const results = [makeResult('probe', { refusedHosts: ['evil.example'] }), makeResult('other')];
  const stats = computeStats(results, 2);

  it('both carry the section', () => {
    const report = renderReport({ results, stats, answers: new Map() });
    for (const text of [renderSummary(results, stats), report]) {
      expect(text).toContain('### Hosts refused by `allowed-hosts`\n\n- `probe`: `evil.example`');
    }
  });
});
