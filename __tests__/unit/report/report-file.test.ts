import { describe, expect, it } from 'vitest';
import { renderReport } from '../../../src/report/report-file.js';
import { computeStats } from '../../../src/report/stats.js';
import { outcomeLine } from '../../../src/report/status.js';
import type { AgentResult, ReportInput } from '../../../src/types.js';
import { makeResult } from '../../support/results.js';

const ZWJ = '\u200d';

function input(results: AgentResult[], answers: Record<string, string> = {}): ReportInput {
  return {
    results,
    stats: computeStats(results, results.length),
    answers: new Map(Object.entries(answers)),
    runUrl: 'https://github.com/o/r/actions/runs/1',
  };
}

const mixed = [
  makeResult('security', {
    artifactName: 'agent-security',
    artifactUrl: 'https://github.com/o/r/actions/runs/1/artifacts/5',
  }),
  makeResult('tests', { status: 'failure', exitCode: 1, error: 'API Error: 400 bad | request', answer: '' }),
  makeResult('docs', {
    status: 'timeout',
    exitCode: null,
    error: 'no result within 30 minutes',
    answer: '',
    turns: null,
  }),
];

describe('renderReport', () => {
  it('heads with the outcome, then the totals and the table, then each agent in matrix order', () => {
    const report = renderReport(input(mixed, { security: 'Found **two** issues.\n\n1. one\n2. two' }));
    const lines = report.split('\n');
    expect(lines[0]).toBe('# Claude Agent Matrix: ❌ 1 of 3 agents succeeded (1 failure, 1 timeout)');
    expect(lines[2]).toMatch(/^\*\*3 agents\*\*: 1 succeeded, 2 did not · wall time .* · \[the run\]\(https:/);
    expect(report).toContain(
      '| [`security`](https://github.com/o/r/actions/runs/1/artifacts/5) | ✅ success | 5.0 s | 2 | $0.0100 |',
    );
    expect(report).toContain('| `tests` | ❌ failure | 5.0 s | 2 | $0.0100 |');
    expect(report).toContain('| `docs` | ⏱️ timeout | 5.0 s | – | $0.0100 |');
    expect([...report.matchAll(/^## (.*)$/gm)].map((m) => m[1])).toEqual([
      '`security`: ✅ success',
      '`tests`: ❌ failure',
      '`docs`: ⏱️ timeout',
    ]);
    expect(report).toContain('**Artifact:** [`agent-security`](https://github.com/o/r/actions/runs/1/artifacts/5)');
    // The whole answer, not the excerpt in the result.
    expect(report).toContain('> Found **two** issues.\n>\n> 1. one\n> 2. two');
    expect(report).toContain('## `tests`: ❌ failure\n\n**Why:** API Error: 400 bad \\| request\n\n_No answer._');
    expect(report).toContain('## `docs`: ⏱️ timeout\n\n**Why:** no result within 30 minutes');
    expect(report.endsWith('\n')).toBe(true);
  });

  it('leads with the agents nothing else needed when agents waited for others', () => {
    const graph = [
      makeResult('plan'),
      makeResult('synthesis', { needs: ['plan'] }),
      makeResult('plan.a', { addedBy: 'plan' }),
      makeResult('lone'),
    ];
    const headings = [...renderReport(input(graph)).matchAll(/^## `([^`]+)`/gm)].map((m) => m[1]);
    expect(headings).toEqual(['synthesis', 'lone', 'plan', 'plan.a']);
  });

  it('falls back to the answer excerpt where no whole answer was read', () => {
    expect(renderReport(input([makeResult('a')]))).toContain('> Answer of a');
  });

  it('does not repeat as the answer an error that the CLI gave as its result', () => {
    const failed = makeResult('a', { status: 'failure', error: 'API Error: 500', answer: 'API Error: 500' });
    const report = renderReport(input([failed], { a: 'API Error: 500\n' }));
    expect(report).toContain('**Why:** API Error: 500\n\n_No answer._');
  });

  it('neutralises what agents wrote', () => {
    const report = renderReport(input([makeResult('a')], { a: 'cc @octocat </details> <!-- x' }));
    expect(report).toContain(`> cc @${ZWJ}octocat <${ZWJ}/details> <${ZWJ}!-- x`);
  });

  it('shows changes and a structured result where results carry them', () => {
    const withExtras = {
      ...makeResult('fixer'),
      changes: { files: 2, insertions: 12, deletions: 3, patch: '/tmp/changes.patch' },
      structured: { verdict: 'ok', note: '``` @someone' },
    } as AgentResult;
    const report = renderReport(input([withExtras, makeResult('plain')]));
    expect(report).toContain('| Agent | Status | Duration | Turns | Cost | Changes |');
    expect(report).toContain('| `fixer` | ✅ success | 5.0 s | 2 | $0.0100 | +12 −3 in 2 files |');
    expect(report).toContain('| `plain` | ✅ success | 5.0 s | 2 | $0.0100 | – |');
    expect(report).toContain('### Changes\n\n+12 −3 in 2 files');
    expect(report).toContain(
      `### Structured result\n\n> \`\`\`\`json\n> {\n>   "verdict": "ok",\n>   "note": "\`\`\` @${ZWJ}someone"\n> }\n> \`\`\`\``,
    );
    expect(report).toContain('## `plain`: ✅ success\n\n> Answer of plain\n');
    expect(report).not.toContain('## `plain`: ✅ success\n\n> Answer of plain\n\n###');
    expect(report).not.toContain('### Structured result\n\n> ```json\n> null');
  });

  it('says nothing of changes for an agent that changed no file', () => {
    const readOnly = {
      ...makeResult('reader'),
      changes: { files: 0, insertions: 0, deletions: 0, patch: '/tmp/changes.patch' },
    } as AgentResult;
    const report = renderReport(input([readOnly, makeResult('plain')]));
    expect(report).toContain('| Agent | Status | Duration | Turns | Cost |\n');
    expect(report).not.toContain('Changes');
    expect(report).not.toContain('in 0 files');
    const mixed = renderReport(
      input([readOnly, { ...makeResult('fixer'), changes: { ...readOnly.changes!, files: 1 } }]),
    );
    expect(mixed).toContain('| `reader` | ✅ success | 5.0 s | 2 | $0.0100 | – |');
    expect(mixed.match(/### Changes/g)).toHaveLength(1);
  });

  it('with a limit, cuts the longest answers to fit and says where the whole report is', () => {
    const results = [makeResult('short'), makeResult('long'), makeResult('longer')];
    const answers = { short: 'brief', long: 'l'.repeat(40_000), longer: 'L'.repeat(80_000) };
    const whole = renderReport(input(results, answers));
    expect(whole.length).toBeGreaterThan(120_000);
    const cut = renderReport(input(results, answers), { maxChars: 60_000, whole: 'the `agent-report` artifact' });
    expect(cut.length).toBeLessThanOrEqual(60_000);
    expect(cut).toContain(
      '> [!NOTE]\n> This report was cut to fit; the whole report is in the `agent-report` artifact.',
    );
    expect(cut).toContain('> brief\n');
    expect(cut.match(/_… cut to fit: the whole answer is in the `agent-report` artifact\._/g)).toHaveLength(2);
    // Both long answers were cut to the same share.
    const kept = (c: string) => (cut.match(new RegExp(`${c}{100,}`)) ?? [''])[0].length;
    expect(kept('l')).toBeGreaterThan(20_000);
    expect(Math.abs(kept('l') - kept('L'))).toBeLessThan(100);
    expect(renderReport(input(results, answers), { maxChars: 200_000, whole: 'x' })).toBe(whole);
  });

  it('with a limit smaller than the table, cuts the text itself', () => {
    const results = Array.from({ length: 600 }, (_, i) => makeResult(`agent-${i}`));
    const cut = renderReport(input(results), { maxChars: 20_000, whole: 'report.md' });
    expect(cut.length).toBeLessThanOrEqual(20_000);
    expect(cut.endsWith('_… cut to fit: the whole report is in report.md._\n')).toBe(true);
  });
});

describe('outcomeLine', () => {
  it('says how the run went', () => {
    expect(outcomeLine([makeResult('a')])).toBe('✅ the agent succeeded');
    expect(outcomeLine([makeResult('a'), makeResult('b')])).toBe('✅ all 2 agents succeeded');
    expect(outcomeLine([makeResult('a'), makeResult('b', { status: 'cancelled' })])).toBe(
      '⏹️ 1 of 2 agents succeeded (1 cancelled)',
    );
    expect(outcomeLine([makeResult('a', { status: 'skipped' })])).toBe('❌ 0 of 1 agents succeeded (1 skipped)');
    expect(outcomeLine([])).toBe('❌ 0 of 0 agents succeeded');
  });
});
