import { describe, expect, it } from 'vitest';
import { failureMessage } from '../../../src/report/outcome.js';
import type { AgentResult } from '../../../src/types.js';
import { makeResult } from '../../support/results.js';

function agent(id: string, status: AgentResult['status'], error: string | null = null): AgentResult {
  return makeResult(id, { status, exitCode: status === 'success' ? 0 : 1, error });
}

/** The results with an upload warning on the agents named. */
function uploadFailed(results: AgentResult[], ids: string[]): AgentResult[] {
  return results.map((r) => (ids.includes(r.id) ? { ...r, uploadWarning: 'upload failed' } : r));
}

describe('failureMessage', () => {
  const allGood = [agent('a', 'success'), agent('b', 'success')];
  const someBad = [
    agent('a', 'success'),
    agent('b', 'failure', 'exited 1 without a result'),
    agent('c', 'timeout', 'no result within 5 minutes'),
    agent('d', 'cancelled'),
  ];
  const allBad = [agent('a', 'failure', 'boom'), agent('b', 'timeout', 'slow')];

  it('fail-on any: passes only when every agent succeeded and every upload worked', () => {
    expect(failureMessage('any', allGood)).toBeNull();
    const message = failureMessage('any', someBad);
    expect(message).toBe(
      [
        '3 of 4 agents did not succeed:',
        'b (failure): exited 1 without a result',
        'c (timeout): no result within 5 minutes',
        'd (cancelled): no reason given',
      ].join('\n'),
    );
  });

  it('fail-on any: fails for a failed upload alone, naming the agents', () => {
    const message = failureMessage('any', uploadFailed(allGood, ['a', 'b']));
    expect(message).not.toBeNull();
    expect(message).toContain('uploads failed for: a, b');
  });

  it('fail-on all: fails only when every agent failed', () => {
    expect(failureMessage('all', allGood)).toBeNull();
    expect(failureMessage('all', someBad)).toBeNull();
    expect(failureMessage('all', uploadFailed(someBad, ['a']))).toBeNull();
    const message = failureMessage('all', uploadFailed(allBad, ['a']));
    expect(message).toContain('2 of 2 agents did not succeed');
    expect(message).toContain('a (failure): boom');
    expect(message).toContain('b (timeout): slow');
    expect(message).toContain('uploads failed for: a');
  });

  it('fail-on never: never fails', () => {
    expect(failureMessage('never', allGood)).toBeNull();
    expect(failureMessage('never', uploadFailed(someBad, ['a']))).toBeNull();
    expect(failureMessage('never', uploadFailed(allBad, ['a', 'b']))).toBeNull();
  });

  it('passes an empty shard whatever fail-on says', () => {
    for (const failOn of ['any', 'all', 'never'] as const) expect(failureMessage(failOn, [])).toBeNull();
  });

  describe("a shard's own artifact that was not uploaded", () => {
    const lost = 'Shard artifact matrix-shard-2-of-3 was not uploaded, so the aggregate step will miss shard 2: 503';

    it('fails the step with fail-on any, as a failed upload of an agent does, even in an empty shard', () => {
      expect(failureMessage('any', allGood, lost)).toBe(
        `All 2 agents succeeded, but some artifacts were not uploaded:\n${lost}`,
      );
      expect(failureMessage('any', someBad, lost)?.split('\n').at(-1)).toBe(lost);
      expect(failureMessage('any', [], lost)).toBe(`No agent ran, but the shard artifact was not uploaded:\n${lost}`);
    });

    it('does not fail it with fail-on never or all (unless every agent failed)', () => {
      expect(failureMessage('never', allGood, lost)).toBeNull();
      expect(failureMessage('never', allBad, lost)).toBeNull();
      expect(failureMessage('all', someBad, lost)).toBeNull();
      expect(failureMessage('all', [], lost)).toBeNull();
      expect(failureMessage('all', allBad, lost)?.split('\n').at(-1)).toBe(lost);
    });
  });

  it('leaves successful agents out of the message', () => {
    const message = failureMessage('any', someBad) ?? '';
    expect(message.split('\n').some((l) => l.startsWith('a '))).toBe(false);
  });
});

describe('failureMessage with fail-on findings:<severity>', () => {
  const withFindings = (...severities: string[]) => [
    makeResult('sec', {
      review: 'comments',
      structured: {
        summary: 's',
        findings: severities.map((severity, i) => ({ path: 'a.ts', line: i + 1, severity, title: `T${i}`, body: '' })),
      },
    }),
    makeResult('plain'),
  ];

  it('fails when a finding is at or above the severity, naming it, and not otherwise', () => {
    expect(failureMessage('findings:high', withFindings('medium', 'low'))).toBeNull();
    expect(failureMessage('findings:high', withFindings('medium', 'high', 'critical'))).toBe(
      [
        '2 findings at or above high (fail-on: findings:high):',
        'critical: a.ts:3 T2 (sec)',
        'high: a.ts:2 T1 (sec)',
      ].join('\n'),
    );
    expect(failureMessage('findings:info', withFindings('info'))).toContain('1 findings at or above info');
  });

  it('fails as any does for an agent that did not succeed, and names the findings too', () => {
    const results = [...withFindings('critical'), agent('b', 'failure', 'boom')];
    expect(failureMessage('findings:critical', results)).toBe(
      [
        '1 of 3 agents did not succeed:',
        'b (failure): boom',
        '1 findings at or above critical (fail-on: findings:critical):',
        'critical: a.ts:1 T0 (sec)',
      ].join('\n'),
    );
    expect(failureMessage('findings:low', [agent('b', 'timeout', 'slow')])).toContain('b (timeout): slow');
  });
});
