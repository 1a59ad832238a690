import fs from 'node:fs';
import path from 'node:path';
import { ACTION_NAME } from '../config/action-interface.js';
import type { AgentResult, ReportInput } from '../types.js';
import { formatCost, formatDuration } from '../util/format.js';
import { resultSections } from './extras.js';
import { fitBlocks } from './fit.js';
import { hasGraph, sinks } from './run-graph.js';
import { agentBlock, cutText, escapeCell, link } from './markdown.js';
import { reusedLines } from './reused.js';
import { outcomeLine, statusCell } from './status.js';
import { refusedHostsSection } from './refused-hosts.js';
import { hasChanges, resultRow, tableHead } from './table.js';

const REPORT_FILE = 'report.md';

/** A size the report must keep to (an issue body), and where the whole one is, as Markdown (a link). */
export interface ReportLimit {
  maxChars: number;
  whole: string;
}

/**
 * report.md: a heading with the run's outcome, the totals and the table, then each agent (see `leadingWithSinks`) with
 * why it failed, its whole answer and its further sections. Everything an agent wrote is neutralised and
 * quoted (`agentBlock`), so the report is safe to post as it is. With `limit`, answers are cut to fit, the
 * longest first, each cut one saying where the whole text is.
 */
export function renderReport(input: ReportInput, limit?: ReportLimit): string {
  const { results } = input;
  const changes = hasChanges(results);
  const head = [
    `# ${ACTION_NAME}: ${outcomeLine(results)}`,
    '',
    totalsLine(input.stats, input.runUrl),
    '',
    ...reusedLines(results),
    ...tableHead(changes),
    ...results.map((r) => resultRow(r, changes)),
    ...refusedHostsSection(results),
  ].join('\n');
  const agents = leadingWithSinks(results).map((r) => ({ id: r.id, top: agentTop(r), text: agentBody(r, input) }));
  const assemble = (bodies: ReadonlyMap<string, string>, notice = '') =>
    [head + notice, ...agents.map((a) => `${a.top}\n\n${bodies.get(a.id) ?? a.text}`)].join('\n\n') + '\n';

  const whole = assemble(new Map());
  if (!limit || whole.length <= limit.maxChars) return whole;
  const notice = `\n\n> [!NOTE]\n> This report was cut to fit; the whole report is in ${limit.whole}.`;
  const fixed = assemble(new Map(agents.map((a) => [a.id, ''])), notice).length;
  const fitted = fitBlocks(
    agents,
    limit.maxChars - fixed,
    () => `_… cut to fit: the whole answer is in ${limit.whole}._`,
  );
  const cut = assemble(new Map([...fitted].map(([id, f]) => [id, f.text])), notice);
  // A table too long for the limit on its own: the text is safe to cut anywhere (see agentBlock).
  if (cut.length <= limit.maxChars) return cut;
  const tail = `\n\n_… cut to fit: the whole report is in ${limit.whole}._\n`;
  return cutText(cut, limit.maxChars - tail.length) + tail;
}

/**
 * The agents in matrix order; when agents waited for others, those that nothing waited for come first (a
 * synthesis, say), since their answers are the run's conclusions.
 */
function leadingWithSinks(results: readonly AgentResult[]): readonly AgentResult[] {
  if (!hasGraph(results)) return results;
  const first = sinks(results);
  const lead = new Set(first);
  return [...first, ...results.filter((r) => !lead.has(r))];
}

function totalsLine(stats: ReportInput['stats'], runUrl: string | undefined): string {
  const parts = [
    `**${stats.agents} agents**: ${stats.succeeded} succeeded, ${stats.failed} did not`,
    `wall time ${formatDuration(stats.wallTimeMs)}`,
    `speedup ${stats.speedup.toFixed(2)}×`,
    `total cost ${formatCost(stats.totalCostUsd)}`,
  ];
  if (runUrl) parts.push(link('the run', runUrl));
  return parts.join(' · ');
}

/** An agent's heading and the lines under it that the action wrote: why it failed, where its artifact is. */
function agentTop(r: AgentResult): string {
  const lines = [`## \`${r.id}\`: ${statusCell(r)}`];
  const notes: string[] = [];
  if (r.error) notes.push(`**Why:** ${escapeCell(r.error, 1000)}`);
  if (r.artifactName) notes.push(`**Artifact:** ${link(`\`${r.artifactName}\``, r.artifactUrl)}`);
  if (r.uploadWarning) notes.push(`⚠️ ${escapeCell(r.uploadWarning, 1000)}`);
  if (notes.length) lines.push('', notes.join('  \n'));
  return lines.join('\n');
}

/**
 * What to show as an agent's answer: the whole one where it was read, else the excerpt in its result; '' for
 * none, and for an answer that only repeats the error (a CLI that failed says why in its result).
 */
export function answerText(r: AgentResult, answers: ReadonlyMap<string, string>): string {
  const answer = (answers.get(r.id) ?? r.answer).trim();
  return answer === (r.error ?? '').trim() ? '' : answer;
}

/** An agent's answer and further sections: the part of the report that is cut to fit. */
function agentBody(r: AgentResult, input: ReportInput): string {
  const answer = answerText(r, input.answers);
  const parts = [answer ? agentBlock(answer) : '_No answer._'];
  for (const s of resultSections(r)) {
    parts.push(`### ${s.title}\n\n${s.markdown}`);
  }
  return parts.join('\n\n');
}

/** Writes report.md into the run folder; returns its path. */
export function writeReport(runDir: string, markdown: string): string {
  const file = path.join(runDir, REPORT_FILE);
  fs.writeFileSync(file, markdown);
  return file;
}
