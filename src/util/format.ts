import type { AgentChanges } from '../types.js';

/** A duration for people: `850 ms`, `12.3 s`, `4m 05s`. */
export function formatDuration(ms: number): string {
  // Rounded before the unit is chosen, so 59.96 s reads 1m 00s rather than 60.0 s.
  if (Math.round(ms) < 1000) return `${Math.round(ms)} ms`;
  const tenths = Math.round(ms / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`;
}

/** A cost in US dollars, or a dash when the CLI reported none. */
export function formatCost(usd: number | null): string {
  return usd === null ? '–' : `$${usd.toFixed(4)}`;
}

/** An amount of US dollars as people write it: `$0.50`, `$12.00`, and `$0.004` for amounts under a cent. */
export function formatUsd(usd: number): string {
  if (usd !== 0 && Math.abs(usd) < 0.01) return `$${Number(usd.toPrecision(2))}`;
  return `$${usd.toFixed(2)}`;
}

/** A count of tokens, short: `950`, `12.3k`, `4.56M`. */
export function formatTokens(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 999_950) return `${(n / 1000).toFixed(1)}k`;
  return `${(n / 1e6).toFixed(2)}M`;
}

/**
 * What an agent changed in its worktree or copy: `+12 −3 in 2 files`, or a dash where it changed nothing or had
 * no worktree or copy (callers pass `changesOf`, which drops changes of no file).
 */
export function formatChanges(changes: AgentChanges | undefined): string {
  if (!changes) return '–';
  return `+${changes.insertions} −${changes.deletions} in ${changes.files} file${changes.files === 1 ? '' : 's'}`;
}
