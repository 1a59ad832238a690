import { describe, expect, it } from 'vitest';
import { computeStats } from '../../../src/report/stats.js';
import type { RateLimits } from '../../../src/types.js';
import { escapeCell } from '../../../src/report/markdown.js';
import { GANTT_MAX, SUMMARY_BUDGET, renderSummary } from '../../../src/report/summary.js';
import { formatDuration } from '../../../src/util/format.js';
import { makeResult } from '../../support/results.js';
import type { AgentResult, AgentStatus } from '../../../src/types.js';

const T0 = Date.parse('2025-01-01T00:00:00.000Z');
const MIB = 1024 * 1024;
/** | Agent | Status | Duration | Turns | Cost | Answer | */
const SEPARATORS = 7;

function result(i: number, overrides: Partial<AgentResult> = {}): AgentResult {
  const start = T0 + i * 1000;
  const durationMs = overrides.durationMs ?? 5000;
  return makeResult(`agent-${i + 1}`, {
    startedAt: new Date(start).toISOString(),
    finishedAt: new Date(start + durationMs).toISOString(),
    costUsd: 0.5,
    sessionId: `s-${i}`,
    answer: `Answer ${i + 1}`,
    ...overrides,
  });
}

function render(results: AgentResult[], maxParallel = results.length): string {
  return renderSummary(results, computeStats(results, maxParallel));
}

/** Pipes that Markdown would read as column separators: not escaped by a backslash. */
function separators(line: string): number {
  let count = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '|') count++;
  }
  return count;
}

function tableRows(markdown: string): string[] {
  return markdown.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Agent |') && !l.startsWith('| ---'));
}

function ganttBlock(markdown: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.indexOf('```mermaid');
  if (start === -1) return [];
  const stop = lines.indexOf('```', start + 1);
  expect(stop).toBeGreaterThan(start);
  return lines.slice(start, stop + 1);
}

const hostile = [
  'a | b | c',
  'line one\nline two | x',
  '<script>alert(1)</script>',
  'back\\slash\\',
  '\\| escaped pipe already',
  'ends with a backslash \\',
  'tab\there\u0000nul\u001bescape\u007f',
  'crlf\r\nsecond',
  '&lt; & <b>bold</b>',
  '`code | span`',
  '|',
  '\\',
  '',
];

describe('escapeCell', () => {
  it('escapes pipes and backslashes', () => {
    expect(escapeCell('a | b')).toBe('a \\| b');
    expect(escapeCell('a\\b')).toBe('a\\\\b');
    expect(escapeCell('a\\|b')).toBe('a\\\\\\|b');
    expect(escapeCell('a\\')).toBe('a\\\\');
  });

  it('keeps only the first line', () => {
    expect(escapeCell('first\nsecond')).toBe('first');
    expect(escapeCell('first\r\nsecond')).toBe('first');
    expect(escapeCell('\n\n  first after blank lines\nsecond')).toBe('first after blank lines');
  });

  it('makes HTML inert', () => {
    expect(escapeCell('<script>alert("x")</script>')).toBe('&lt;script&gt;alert("x")&lt;/script&gt;');
    expect(escapeCell('a & b')).toBe('a &amp; b');
    expect(escapeCell('&lt;')).toBe('&amp;lt;');
  });

  it('replaces control characters with spaces', () => {
    expect(escapeCell('a\tb\u0000c\u001bd\u007fe\rf')).toBe('a b c d e f');
  });

  it('cuts long text at the limit, before escaping', () => {
    expect(escapeCell('x'.repeat(130))).toBe(`${'x'.repeat(120)}…`);
    expect(escapeCell('x'.repeat(120))).toBe('x'.repeat(120));
    expect(escapeCell('abcdef', 3)).toBe('abc…');
    expect(escapeCell('||||', 2)).toBe('\\|\\|…');
  });

  it.each(hostile)('leaves no unescaped pipe in %j', (text) => {
    const cell = escapeCell(text);
    expect(separators(cell)).toBe(0);
    expect(cell).not.toMatch(/[\n\r<>]/);
    // A trailing lone backslash would escape the cell's closing pipe.
    expect(`| ${cell} |`.endsWith(' |')).toBe(true);
    expect(separators(`| ${cell} |`)).toBe(2);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 ms'],
    [1, '1 ms'],
    [999, '999 ms'],
    [1000, '1.0 s'],
    [1500, '1.5 s'],
    [59_900, '59.9 s'],
    [60_000, '1m 00s'],
    [61_000, '1m 01s'],
    [125_000, '2m 05s'],
    [3_600_000, '60m 00s'],
    [5 * 3_600_000 + 42_000, '300m 42s'],
  ])('formats %i ms as %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('renderSummary', () => {
  it('has a heading, a header row and one row per agent', () => {
    const results = [result(0), result(1, { status: 'failure', error: 'exited 1 without a result' }), result(2)];
    const md = render(results);
    const lines = md.split('\n');
    expect(lines[0]).toBe('## Claude agents: 2 of 3 succeeded');
    expect(lines).toContain('| Agent | Status | Duration | Turns | Cost | Answer |');
    expect(lines).toContain('| --- | --- | --- | ---: | ---: | --- |');
    expect(tableRows(md)).toHaveLength(3);
    expect(md).toContain('| `agent-1` | ✅ success | 5.0 s | 2 | $0.5000 | Answer 1 |');
    expect(md).toContain('| `agent-2` | ❌ failure | 5.0 s | 2 | $0.5000 | exited 1 without a result |');
  });

  it.each<[AgentStatus, string]>([
    ['success', '✅'],
    ['failure', '❌'],
    ['timeout', '⏱️'],
    ['cancelled', '⏹️'],
  ])('shows %s as %s', (status, symbol) => {
    const [row] = tableRows(render([result(0, { status, error: status === 'success' ? null : 'why' })]));
    expect(row).toContain(`| ${symbol} ${status} |`);
  });

  it('shows the answer for a success and the error otherwise, falling back to the answer', () => {
    const rows = tableRows(
      render([
        result(0, { answer: 'the answer', error: 'ignored' }),
        result(1, { status: 'timeout', answer: 'partial', error: 'no result within 1 minutes' }),
        result(2, { status: 'failure', answer: 'only the answer', error: null }),
      ]),
    );
    expect(rows[0]).toMatch(/\| the answer \|$/);
    expect(rows[1]).toMatch(/\| no result within 1 minutes \|$/);
    expect(rows[2]).toMatch(/\| only the answer \|$/);
  });

  it('shows attempts when there was more than one, and dashes for unknown turns and cost', () => {
    const rows = tableRows(
      render([result(0, { attempts: 3 }), result(1, { attempts: 1, turns: null, costUsd: null })]),
    );
    expect(rows[0]).toContain('✅ success (3 attempts) |');
    expect(rows[1]).not.toContain('attempts');
    expect(rows[1]).toContain('| 5.0 s | – | – |');
  });

  it('links the agent to its artifact when there is one', () => {
    const url = 'https://github.com/o/r/actions/runs/1/artifacts/42';
    const rows = tableRows(render([result(0, { artifactUrl: url }), result(1)]));
    expect(rows[0]).toMatch(new RegExp(`^\\| \\[\`agent-1\`\\]\\(${url.replace(/[.]/g, '\\.')}\\) \\|`));
    expect(rows[1]).toMatch(/^\| `agent-2` \|/);
    expect(rows[1]).not.toContain('](');
  });

  it('keeps every row intact whatever the answers and errors hold', () => {
    const results = hostile.flatMap((text, i) => [
      result(2 * i, { answer: text }),
      result(2 * i + 1, { status: 'failure', error: text, answer: 'unused' }),
    ]);
    const md = render(results);
    const rows = tableRows(md);
    expect(rows).toHaveLength(results.length);
    for (const row of rows) expect(separators(row)).toBe(SEPARATORS);
    expect(md).not.toContain('<script');
    expect(md).not.toContain('<b>');
    // No answer's second line escapes into the document.
    expect(md).not.toContain('line two');
    expect(md).not.toContain('second');
  });

  it('adds the totals with speedup and efficiency', () => {
    // Three agents of 5 s each, started 1 s apart: 7 s of wall time.
    const md = render([result(0), result(1), result(2)], 3);
    expect(md).toContain('**3 agents**: 3 succeeded, 0 failed');
    expect(md).toContain('wall time 7.0 s');
    expect(md).toContain('sum of durations 15.0 s');
    expect(md).toContain(`speedup ${(15 / 7).toFixed(2)}×`);
    expect(md).toContain(`efficiency ${((15 / 7 / 3) * 100).toFixed(0)}% (of 3 at once)`);
    expect(md).toContain('total cost $1.5000');
  });

  it('shows tokens beside the cost, and in the totals with the share of input read from the cache', () => {
    const usage = { inputTokens: 1000, outputTokens: 450, cacheReadTokens: 8000, cacheCreationTokens: 1000 };
    const md = render([result(0, { usage }), result(1, { usage: null })]);
    const rows = tableRows(md);
    expect(rows[0]).toContain('| $0.5000 · 10.0k in / 450 out |');
    expect(rows[1]).toContain('| $0.5000 |');
    for (const row of rows) expect(separators(row)).toBe(SEPARATORS);
    expect(md).toContain('total cost $1.0000 · tokens 10.0k in / 450 out (80% of the input read from cache)');
  });

  it('says how often the API pushed back and how low the concurrency went, only when it did', () => {
    const results = [result(0), result(1), result(2), result(3)];
    const withLimits = (rateLimits: RateLimits) =>
      renderSummary(results, computeStats(results, 4, undefined, rateLimits));
    expect(withLimits({ events: 12, lowest: 2, adaptive: true })).toContain(
      '**Rate limits**: the API pushed back (429 or 529) 12 times; the scheduler went as low as 2 agents at once (of 4).',
    );
    expect(withLimits({ events: 1, lowest: 1, adaptive: true })).toContain(
      '1 time; the scheduler went as low as 1 agent at once',
    );
    expect(withLimits({ events: 3, lowest: 4, adaptive: false })).toContain(
      '3 times; `adaptive-concurrency` is off, so the scheduler did not lower the concurrency.',
    );
    expect(withLimits({ events: 0, lowest: 4, adaptive: true })).not.toContain('Rate limits');
    expect(render(results)).not.toContain('Rate limits');
  });

  it("gives the API proxy's exact counts of 429s, 529s and requests when agents went through it", () => {
    const results = [result(0), result(1)];
    const api = { requests: 40, rateLimited: 3, overloaded: 1 };
    const text = renderSummary(
      results,
      computeStats(results, 2, undefined, { events: 4, lowest: 1, adaptive: true, api }),
    );
    expect(text).toContain(
      "**Rate limits**: the API pushed back (429 or 529) 4 times; the scheduler went as low as 1 agent at once (of 2). The action's API proxy, which every request passed, counted 3 × 429 and 1 × 529 in 40 requests.",
    );
  });

  it('says what made the worktrees and copies, when it was chosen at run time', () => {
    const results = [result(0)];
    const stats = computeStats(results, 1);
    expect(renderSummary(results, stats)).not.toContain('Workspaces:');
    stats.workspaceEngines = 'worktree by overlay mounts, copy by git';
    expect(renderSummary(results, stats)).toContain('\nWorkspaces: worktree by overlay mounts, copy by git.\n');
  });

  it('draws a mermaid gantt chart of the agents that ran', () => {
    const results = [
      result(0),
      result(1, { status: 'failure', error: 'x' }),
      result(2, { status: 'cancelled', durationMs: 0, error: 'cancelled with the run' }),
    ];
    const block = ganttBlock(render(results));
    expect(block.slice(0, 5)).toEqual([
      '```mermaid',
      'gantt',
      '  title When each agent ran',
      '  dateFormat x',
      '  axisFormat %M:%S',
    ]);
    expect(block.at(-1)).toBe('```');
    const tasks = block.slice(5, -1);
    expect(tasks).toEqual([
      `  agent-1 :done, a0, ${T0}, ${T0 + 5000}`,
      `  agent-2 :crit, a1, ${T0 + 1000}, ${T0 + 6000}`,
    ]);
  });

  it('draws no chart when no agent ran', () => {
    const md = render([result(0, { status: 'cancelled', durationMs: 0, error: 'cancelled with the run' })]);
    expect(md).not.toContain('```mermaid');
    expect(tableRows(md)).toHaveLength(1);
  });

  it(`shows at most GANTT_MAX (${GANTT_MAX}) bars and says how many it left out`, () => {
    const n = GANTT_MAX + 50;
    const md = render(Array.from({ length: n }, (_, i) => result(i)));
    const tasks = ganttBlock(md).filter((l) => / :(done|crit), a\d+, /.test(l));
    expect(tasks).toHaveLength(GANTT_MAX);
    expect(tasks[0]).toContain('agent-1 ');
    expect(tasks.at(-1)).toContain(`agent-${GANTT_MAX} `);
    expect(md).toContain(`_The chart shows the first ${GANTT_MAX} of ${n} agents._`);
    expect(tableRows(md)).toHaveLength(n);
  });

  it('does not mention left-out bars when all fit', () => {
    const md = render(Array.from({ length: GANTT_MAX }, (_, i) => result(i)));
    expect(ganttBlock(md).filter((l) => / :(done|crit), a\d+, /.test(l))).toHaveLength(GANTT_MAX);
    expect(md).not.toContain('The chart shows the first');
  });

  it('stays under 1 MiB for 500 agents with 100 KB answers, listing them all', () => {
    const answer = 'word | <tag> & '.repeat(7000);
    expect(answer.length).toBeGreaterThanOrEqual(100 * 1024);
    const results = Array.from({ length: 500 }, (_, i) =>
      result(i, i % 2 ? { answer } : { status: 'failure', error: answer, answer }),
    );
    const md = render(results);
    expect(Buffer.byteLength(md)).toBeLessThan(MIB);
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(SUMMARY_BUDGET);
    const rows = tableRows(md);
    expect(rows).toHaveLength(500);
    for (const row of rows) expect(separators(row)).toBe(SEPARATORS);
    expect(md).not.toContain('more agents');
  });

  it('stays under 1 MiB for 5000 agents, ending the table with a "more agents" row', () => {
    // Characters that grow when escaped, and four-byte ones, to make each row as large as it gets.
    const answer = '<>&|\\😀'.repeat(20 * 1024);
    const n = 5000;
    const results = Array.from({ length: n }, (_, i) => result(i, { answer, turns: 123456, costUsd: 12345.6789 }));
    const md = render(results);
    expect(Buffer.byteLength(md)).toBeLessThan(MIB);
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(SUMMARY_BUDGET);
    const rows = tableRows(md);
    const last = rows.at(-1) as string;
    const m = /^\| … \| (\d+) more agents: see the `results` output \| \| \| \| \|$/.exec(last);
    expect(m).not.toBeNull();
    const shown = rows.length - 1;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(n);
    expect(shown + Number(m?.[1])).toBe(n);
    for (const row of rows) expect(separators(row)).toBe(SEPARATORS);
    // The totals and the chart still follow the table.
    expect(md).toContain(`**${n} agents**: ${n} succeeded, 0 failed`);
    expect(ganttBlock(md).filter((l) => / :(done|crit), a\d+, /.test(l))).toHaveLength(GANTT_MAX);
    expect(md).toContain(`_The chart shows the first ${GANTT_MAX} of ${n} agents._`);
  });
});

describe('renderSummary across runners', () => {
  const part = (label: string, results: AgentResult[]) => ({
    label,
    ids: results.map((r) => r.id),
    stats: computeStats(results, results.length),
  });

  it('has a row per runner and a chart section per runner, each agent in its runner’s section', () => {
    const results = [result(0), result(1), result(2, { status: 'failure', error: 'no' })];
    const runners = [part('shard 1 of 2', [results[0]!, results[2]!]), part('shard 2 of 2', [results[1]!])];
    const md = renderSummary(results, computeStats(results, 3), runners);
    expect(md).toContain('| Runner | Agents | Succeeded | Wall time | One after another ≈ | Speedup |');
    expect(md).toContain(`| shard 1 of 2 | 2 | 1 | ${formatDuration(7000)} | ${formatDuration(10_000)} | 1.43× |`);
    expect(md).toContain(`| shard 2 of 2 | 1 | 1 | ${formatDuration(5000)} | ${formatDuration(5000)} | 1.00× |`);
    const chart = ganttBlock(md);
    const first = chart.indexOf('  section shard 1 of 2');
    const second = chart.indexOf('  section shard 2 of 2');
    expect(first).toBeGreaterThan(0);
    expect(chart.slice(first + 1, second).map((l) => l.trim().split(' ')[0])).toEqual(['agent-1', 'agent-3']);
    expect(chart[second + 1]).toMatch(/^ {2}agent-2 :done, a2, /);
    // The table of agents keeps every agent, in the order given.
    expect(
      tableRows(md)
        .filter((l) => l.startsWith('| `'))
        .map((l) => l.split('`')[1]),
    ).toEqual(['agent-1', 'agent-2', 'agent-3']);
  });

  it('shows every runner in a large chart, an equal share of bars each', () => {
    const results = Array.from({ length: 500 }, (_, i) => result(i));
    const runners = Array.from({ length: 10 }, (_, k) =>
      part(
        `shard ${k + 1} of 10`,
        results.filter((_, i) => i % 10 === k),
      ),
    );
    const chart = ganttBlock(renderSummary(results, computeStats(results, 500), runners));
    expect(chart.filter((l) => l.startsWith('  section '))).toHaveLength(10);
    expect(chart.filter((l) => / :done, a\d+, /.test(l))).toHaveLength(GANTT_MAX);
    const md = renderSummary(results, computeStats(results, 500), runners);
    expect(md).toContain(`_The chart shows ${GANTT_MAX} of 500 agents, the first 10 of each runner._`);
  });

  it('leaves out the runners table and sections without runners', () => {
    const results = [result(0)];
    const md = renderSummary(results, computeStats(results, 1));
    expect(md).not.toContain('| Runner |');
    expect(md).not.toContain('section');
  });
});

describe('renderSummary: what agents changed', () => {
  const changes = (files: number, insertions: number, deletions: number) => ({
    files,
    insertions,
    deletions,
    patch: '/tmp/out/changes.patch',
  });

  it('adds a Changes column when an agent worked on the repository', () => {
    const md = render([
      result(0, { changes: changes(2, 12, 3) }),
      result(1, { changes: changes(1, 0, 0) }),
      result(2, { changes: changes(0, 0, 0) }),
      result(3),
    ]);
    expect(md).toContain('| Agent | Status | Duration | Turns | Cost | Changes | Answer |');
    expect(md).toContain('| --- | --- | --- | ---: | ---: | --- | --- |');
    const rows = tableRows(md);
    expect(rows[0]).toContain('| +12 −3 in 2 files | Answer 1 |');
    expect(rows[1]).toContain('| +0 −0 in 1 file | Answer 2 |');
    // Nothing changed: nothing said, as for an agent that did not work on the repository.
    expect(rows[2]).toContain('| – | Answer 3 |');
    expect(rows[3]).toContain('| – | Answer 4 |');
    for (const row of rows) expect(separators(row)).toBe(SEPARATORS + 1);
  });

  it('has no Changes column when no agent did, nor when every agent changed nothing', () => {
    expect(render([result(0)])).not.toContain('Changes');
    const readOnly = render([result(0, { changes: changes(0, 0, 0) }), result(1, { changes: changes(0, 0, 0) })]);
    expect(readOnly).not.toContain('Changes');
    expect(readOnly).not.toMatch(/in 0 files|none/);
  });

  it('keeps the "more agents" row as wide as the others', () => {
    const answer = '<>&|\\😀'.repeat(20 * 1024);
    const results = Array.from({ length: 5000 }, (_, i) => result(i, { answer, changes: changes(1, 1, 1) }));
    const rows = tableRows(render(results));
    expect(rows.at(-1)).toMatch(/^\| … \| \d+ more agents/);
    for (const row of rows) expect(separators(row)).toBe(SEPARATORS + 1);
  });
});
