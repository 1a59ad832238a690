import type { AgentResult, RunStats, TokenUsage } from '../types.js';
import { formatChanges, formatCost, formatDuration, formatTokens } from '../util/format.js';
import { changesOf } from './extras.js';
import { refusedHostsSection } from './refused-hosts.js';
import { criticalPath, flowchart, hasGraph } from './run-graph.js';
import { escapeCell } from './markdown.js';
import { reusedLines } from './reused.js';
import { cacheReadShare } from './stats.js';
import { statusCell } from './status.js';

/** GitHub refuses a step summary over 1 MiB; stay well under it. */
export const SUMMARY_BUDGET = 900 * 1024;
/** A chart with more bars than this is unreadable, and slow to render. */
export const GANTT_MAX = 100;

/** Tokens in and out, the input counting what was read from and written to the cache. */
function tokens(u: TokenUsage): string {
  return `${formatTokens(u.inputTokens + u.cacheReadTokens + u.cacheCreationTokens)} in / ${formatTokens(u.outputTokens)} out`;
}

function row(r: AgentResult, withChanges: boolean): string {
  const name = r.artifactUrl ? `[\`${r.id}\`](${r.artifactUrl})` : `\`${r.id}\``;
  const said = r.uploadWarning ? `⚠️ ${r.uploadWarning}` : r.status === 'success' ? r.answer : (r.error ?? r.answer);
  const changes = withChanges ? ` ${formatChanges(changesOf(r))} |` : '';
  return `| ${name} | ${statusCell(r)} | ${formatDuration(r.durationMs)} | ${r.turns ?? '–'} | ${formatCost(r.costUsd)}${r.usage ? ` · ${tokens(r.usage)}` : ''} |${changes} ${escapeCell(said)} |`;
}

/** The run's tokens beside its cost, with the share of input read from the cache. */
function totalTokens(u: TokenUsage): string {
  const share = cacheReadShare(u);
  const cached = share === null ? '' : ` (${(share * 100).toFixed(0)}% of the input read from cache)`;
  return `tokens ${tokens(u)}${cached}`;
}

/** How the API pushed back, when it did, and how far the scheduler lowered the concurrency. */
function rateLimitNote(stats: RunStats): string[] {
  const rl = stats.rateLimits;
  if (!rl || rl.events === 0) return [];
  const times = `${rl.events} ${rl.events === 1 ? 'time' : 'times'}`;
  const lowered = rl.adaptive
    ? `the scheduler went as low as ${rl.lowest} ${rl.lowest === 1 ? 'agent' : 'agents'} at once (of ${stats.parallelism})`
    : '`adaptive-concurrency` is off, so the scheduler did not lower the concurrency';
  return [
    '',
    `**Rate limits**: the API pushed back (429 or 529) ${times}; ${lowered}.${rl.api ? proxyCounted(rl.api) : ''}`,
  ];
}

/** The pushback the action's API proxy counted: every request passed it, so the numbers are exact. */
function proxyCounted(api: NonNullable<RunStats['rateLimits']>['api'] & object): string {
  const requests = `${api.requests} ${api.requests === 1 ? 'request' : 'requests'}`;
  return ` The action's API proxy, which every request passed, counted ${api.rateLimited} × 429 and ${api.overloaded} × 529 in ${requests}.`;
}

function gantt(results: readonly AgentResult[], runners?: readonly RunnerPart[]): string[] {
  // Agents reused from an earlier attempt ran then: on this attempt's time axis they would stretch the chart.
  const ran = results.filter((r) => r.durationMs > 0 && r.reusedFrom === undefined);
  if (ran.length === 0) return [];
  // Across runners, each runner is a section with an equal share of the bars, so every runner shows.
  const sections = runners?.length
    ? runners.map((p) => {
        const ids = new Set(p.ids);
        return { label: p.label, ran: ran.filter((r) => ids.has(r.id)) };
      })
    : [{ label: undefined, ran }];
  const quota = Math.max(1, Math.floor(GANTT_MAX / sections.length));
  const lines = ['```mermaid', 'gantt', '  title When each agent ran', '  dateFormat x', '  axisFormat %M:%S'];
  let shown = 0;
  for (const section of sections) {
    if (section.label !== undefined && section.ran.length) lines.push(`  section ${section.label}`);
    for (const r of section.ran.slice(0, quota)) {
      const tag = r.status === 'success' ? 'done' : 'crit';
      lines.push(`  ${r.id} :${tag}, a${shown++}, ${Date.parse(r.startedAt)}, ${Date.parse(r.finishedAt)}`);
    }
  }
  lines.push('```');
  if (ran.length > shown) {
    const which = runners?.length
      ? `${shown} of ${ran.length} agents, the first ${quota} of each runner`
      : `the first ${shown} of ${ran.length} agents`;
    lines.push('', `_The chart shows ${which}._`);
  }
  return lines;
}

/** Most agents of the critical path named in the summary. */
const PATH_SHOWN = 8;

/**
 * When agents waited for others: the critical path beside the wall time, the speedup the graph allows at most,
 * and the graph itself.
 */
function graph(results: readonly AgentResult[], stats: RunStats): { totals: string; lines: string[] } {
  if (!hasGraph(results)) return { totals: '', lines: [] };
  const path = criticalPath(results);
  const shown = path.ids.length > PATH_SHOWN ? [...path.ids.slice(0, PATH_SHOWN - 1), '…', path.ids.at(-1)!] : path.ids;
  const bound = path.ms > 0 ? stats.sequentialEstimateMs / path.ms : 0;
  return {
    totals: ` · critical path ${formatDuration(path.ms)} (${shown.map((id) => (id === '…' ? id : `\`${id}\``)).join(' → ')})`,
    lines: [
      '',
      `> The agents wait for one another, so no schedule could end sooner than the critical path, the longest ` +
        `chain of durations through the graph: it allows a speedup of at most ${bound.toFixed(2)}× ` +
        `(one after another ÷ critical path), however many run at once.`,
      '',
      ...flowchart(results, path.ids),
    ],
  };
}

/** One runner's part of a run split over several jobs (shards): its label, its agents and its own numbers. */
export interface RunnerPart {
  label: string;
  ids: readonly string[];
  stats: RunStats;
}

function runnersTable(runners: readonly RunnerPart[]): string[] {
  return [
    '| Runner | Agents | Succeeded | Wall time | One after another ≈ | Speedup |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...runners.map(
      ({ label, stats: s }) =>
        `| ${label} | ${s.agents} | ${s.succeeded} | ${formatDuration(s.wallTimeMs)} | ` +
        `${formatDuration(s.sequentialEstimateMs)} | ${s.speedup.toFixed(2)}× |`,
    ),
    '',
  ];
}

/**
 * The job summary, as Markdown; always under SUMMARY_BUDGET bytes. With `runners` (a run split over several
 * jobs), it also has a row per runner, and the chart a section per runner.
 */
export function renderSummary(
  results: readonly AgentResult[],
  stats: RunStats,
  runners?: readonly RunnerPart[],
): string {
  const deps = graph(results, stats);
  // The Changes column only for runs where some agent changed a file.
  const withChanges = results.some((r) => changesOf(r));
  const head = [
    `## Claude agents: ${stats.succeeded} of ${stats.agents} succeeded`,
    '',
    `| Agent | Status | Duration | Turns | Cost |${withChanges ? ' Changes |' : ''} Answer |`,
    `| --- | --- | --- | ---: | ---: |${withChanges ? ' --- |' : ''} --- |`,
  ];
  const totals = [
    '',
    `**${stats.agents} agents**: ${stats.succeeded} succeeded, ${stats.failed} failed · ` +
      `wall time ${formatDuration(stats.wallTimeMs)}${deps.totals} · sum of durations ${formatDuration(stats.sumDurationMs)} · ` +
      `one after another ≈ ${formatDuration(stats.sequentialEstimateMs)} · ` +
      `speedup ${stats.speedup.toFixed(2)}× · efficiency ${(stats.efficiency * 100).toFixed(0)}% ` +
      `(of ${stats.parallelism} at once) · total cost ${formatCost(stats.totalCostUsd)} · ` +
      totalTokens(stats.totalUsage),
    ...rateLimitNote(stats),
    ...refusedHostsSection(results, 50),
    ...(stats.workspaceEngines ? ['', `Workspaces: ${stats.workspaceEngines}.`] : []),
    '',
    ...reusedLines(results),
    '> Speedup and efficiency are estimates of the one-after-another run. Agents that start together on one ' +
      'runner wait on each other’s CPU while they start up, which stretches every duration; so the estimate ' +
      'takes each agent’s time after its start-up as measured, and its start-up as no more than the CPU time ' +
      'the agents actually used. Without contention it is the plain sum of durations.',
    ...deps.lines,
    '',
    ...(runners?.length ? runnersTable(runners) : []),
    ...gantt(results, runners),
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
