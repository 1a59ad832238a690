import type { AgentResult, AgentStatus } from '../types.js';

const STATUS_SYMBOL: Record<AgentStatus, string> = {
  success: '✅',
  failure: '❌',
  timeout: '⏱️',
  cancelled: '⏹️',
  skipped: '⏭️',
};

/** An agent's status for a table cell: `❌ failure (2 attempts)`. */
export function statusCell(r: AgentResult): string {
  const tries = r.attempts > 1 ? ` (${r.attempts} attempts)` : '';
  const reused = r.reusedFrom === undefined ? '' : ` (from attempt ${r.reusedFrom})`;
  return `${STATUS_SYMBOL[r.status]} ${r.status}${tries}${reused}`;
}

/** The run's outcome in a few words, for a heading: `✅ all 3 agents succeeded`, `❌ 1 of 3 agents succeeded`. */
export function outcomeLine(results: readonly AgentResult[]): string {
  const n = results.length;
  const ok = results.filter((r) => r.status === 'success').length;
  if (n > 0 && ok === n) return `✅ ${n === 1 ? 'the agent' : `all ${n} agents`} succeeded`;
  const others = (['failure', 'timeout', 'cancelled', 'skipped'] as const)
    .map((s) => [s, results.filter((r) => r.status === s).length] as const)
    .filter(([, count]) => count > 0)
    .map(([s, count]) => `${count} ${s}`);
  const symbol = results.some((r) => r.status === 'cancelled') ? STATUS_SYMBOL.cancelled : STATUS_SYMBOL.failure;
  return `${symbol} ${ok} of ${n} agents succeeded${others.length ? ` (${others.join(', ')})` : ''}`;
}
