import type { AgentResult } from '../types.js';
import { formatChanges, formatCost, formatDuration } from '../util/format.js';
import { changesOf } from './extras.js';
import { link } from './markdown.js';
import { statusCell } from './status.js';

// The results table of report.md and of the pull-request comment (the job summary has its own, with answers).

/** An agent that has not finished: waiting to start, or running. */
export type Pending = 'waiting' | 'running';

const PENDING: Record<Pending, string> = { waiting: '🕓 waiting', running: '⏳ running' };

/** Whether the table needs a Changes column: some agent changed a file. */
export function hasChanges(results: readonly AgentResult[]): boolean {
  return results.some((r) => changesOf(r) !== undefined);
}

export function tableHead(changes: boolean): string[] {
  return changes
    ? ['| Agent | Status | Duration | Turns | Cost | Changes |', '| --- | --- | ---: | ---: | ---: | --- |']
    : ['| Agent | Status | Duration | Turns | Cost |', '| --- | --- | ---: | ---: | ---: |'];
}

/** A finished agent's row; its name links to its artifact. */
export function resultRow(r: AgentResult, changes: boolean): string {
  const cells = [
    link(`\`${r.id}\``, r.artifactUrl),
    statusCell(r),
    formatDuration(r.durationMs),
    String(r.turns ?? '–'),
    formatCost(r.costUsd),
  ];
  const pull = r.pullRequest ? ` in ${link(`#${r.pullRequest.number}`, r.pullRequest.url)}` : '';
  if (changes) cells.push(formatChanges(changesOf(r)) + pull);
  return `| ${cells.join(' | ')} |`;
}

export function pendingRow(id: string, state: Pending, changes: boolean): string {
  return `| \`${id}\` | ${PENDING[state]} |${' |'.repeat(changes ? 4 : 3)}`;
}
