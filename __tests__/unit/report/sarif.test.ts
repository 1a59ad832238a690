import { describe, expect, it } from 'vitest';
import { mergeFindings } from '../../../src/report/findings.js';
import { renderSarif } from '../../../src/report/sarif.js';
import { sarifValidator } from '../../support/sarif.js';

interface SarifResult {
  ruleId: string;
  level: string;
  message: { text: string };
  locations: { physicalLocation: object }[];
  properties: { reviewers: string[] };
}

describe('renderSarif', () => {
  const findings = mergeFindings([
    {
      reviewer: 'sec',
      path: 'src/a.ts',
      line: 12,
      startLine: 10,
      severity: 'critical',
      title: 'Injection',
      body: 'Bad.',
    },
    { reviewer: 'tests', path: 'src/a.ts', line: 11, severity: 'low', title: 'Injection risk', body: 'Test it.' },
    { reviewer: 'docs', path: 'README.md', line: 3, severity: 'info', title: 'Typo', body: '' },
  ]);

  it('validates against the SARIF 2.1.0 schema', () => {
    const validate = sarifValidator();
    const log = renderSarif(findings);
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(renderSarif([]))).toBe(true);
    // The schema does check: a log of another version is refused.
    expect(validate({ ...log, version: '2.0.0' })).toBe(false);
  });

  it('gives each merged finding once, its level by severity, its reviewers and a stable fingerprint', () => {
    const log = renderSarif(findings) as {
      runs: { tool: { driver: { rules: { id: string }[] } }; results: SarifResult[] }[];
    };
    const [run] = log.runs;
    expect(run!.tool.driver.rules.map((r) => r.id)).toEqual(['sec', 'tests', 'docs']);
    expect(run!.results.map((r) => [r.ruleId, r.level, r.properties.reviewers])).toEqual([
      ['sec', 'error', ['sec', 'tests']],
      ['docs', 'note', ['docs']],
    ]);
    expect(run!.results[0]!.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: 'src/a.ts' },
      region: { startLine: 10, endLine: 12 },
    });
    expect(run!.results[0]!.message.text).toBe('Injection\n\nsec: Bad.\n\ntests: Test it.');
    expect(renderSarif(findings)).toEqual(log);
  });
});
