import type { AgentResult, AgentStatus } from '../types.js';
import { formatChanges, formatCost, formatDuration } from '../util/format.js';
import { escapeCell } from './markdown.js';
import type { RunStats } from './stats.js';

/** GitHub refuses a step summary over 1 MiB; stay well under it. */
export const SUMMARY_BUDGET = 900 * 1024;
/** A chart with more bars than this is unreadable, and slow to render. */
export const GANTT_MAX = 100;

const SYMBOL: Record<AgentStatus, string> = {
  success: '✅',
  failure: '❌',
  timeout: '⏱️',
  cancelled: '⏹️',
  skipped: '⏭️',
};

function row(r: AgentResult, withChanges: boolean): string {
  const name = r.artifactUrl ? `[\`${r.id}\`](${r.artifactUrl})` : `\`${r.id}\``;
  const said = r.uploadWarning ? `⚠️ ${r.uploadWarning}` : r.status === 'success' ? r.answer : (r.error ?? r.answer);
  const tries = r.attempts > 1 ? ` (${r.attempts} attempts)` : '';
  const changes = withChanges ? ` ${formatChanges(r.changes)} |` : '';
  return `| ${name} | ${SYMBOL[r.status]} ${r.status}${tries} | ${formatDuration(r.durationMs)} | ${r.turns ?? '–'} | ${formatCost(r.costUsd)} |${changes} ${escapeCell(said)} |`;
}

function gantt(results: readonly AgentResult[]): string[] {
  const ran = results.filter((r) => r.durationMs > 0);
  if (ran.length === 0) return [];
  const shown = ran.slice(0, GANTT_MAX);
  const lines = ['```mermaid', 'gantt', '  title When each agent ran', '  dateFormat x', '  axisFormat %M:%S'];
  shown.forEach((r, i) => {
    const tag = r.status === 'success' ? 'done' : 'crit';
    lines.push(`  ${r.id} :${tag}, a${i}, ${Date.parse(r.startedAt)}, ${Date.parse(r.finishedAt)}`);
  });
  lines.push('```');
  if (ran.length > shown.length) lines.push('', `_The chart shows the first ${shown.length} of ${ran.length} agents._`);
  return lines;
}

/** The job summary, as Markdown; always under SUMMARY_BUDGET bytes. */
export function renderSummary(results: readonly AgentResult[], stats: RunStats): string {
  // The Changes column only for runs where some agent worked on the repository.
  const withChanges = results.some((r) => r.changes);
  const head = [
    `## Claude agents: ${stats.succeeded} of ${stats.agents} succeeded`,
    '',
    `| Agent | Status | Duration | Turns | Cost |${withChanges ? ' Changes |' : ''} Answer |`,
    `| --- | --- | --- | ---: | ---: |${withChanges ? ' --- |' : ''} --- |`,
  ];
  const totals = [
    '',
    `**${stats.agents} agents**: ${stats.succeeded} succeeded, ${stats.failed} failed · ` +
      `wall time ${formatDuration(stats.wallTimeMs)} · sum of durations ${formatDuration(stats.sumDurationMs)} · ` +
      `one after another ≈ ${formatDuration(stats.sequentialEstimateMs)} · ` +
      `speedup ${stats.speedup.toFixed(2)}× · efficiency ${(stats.efficiency * 100).toFixed(0)}% ` +
      `(of ${stats.parallelism} at once) · total cost ${formatCost(stats.totalCostUsd)}`,
    '',
    '> Speedup and efficiency are estimates of the one-after-another run. Agents that start together on one ' +
      'runner wait on each other’s CPU while they start up, which stretches every duration; so the estimate ' +
      'takes each agent’s time after its start-up as measured, and its start-up as no more than the CPU time ' +
      'the agents actually used. Without contention it is the plain sum of durations.',
    '',
    ...gantt(results),
    '',
  ];
  const fixed = Buffer.byteLength([...head, ...totals].join('\n'));
  const rows: string[] = [];
  let size = fixed;
  for (const r of results) {
    const line = row(r, withChanges);
    size += Buffer.byteLength(line) + 1;
    if (size > SUMMARY_BUDGET - 200) {
      const more = `${results.length - rows.length} more agents: see the \`results\` output`;
      rows.push(`| … | ${more} | | | |${withChanges ? ' |' : ''} |`);
      break;
    }
    rows.push(line);
  }
  return [...head, ...rows, ...totals].join('\n');
}
