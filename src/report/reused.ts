import type { AgentResult } from '../types.js';

/**
 * What a re-run's summary, report and comment say of the agents taken from earlier attempts, or undefined when
 * none were: how many, from which attempt, and that the run's times are only this attempt's.
 */
function reusedNote(results: readonly AgentResult[]): string | undefined {
  const reused = results.filter((r) => r.reusedFrom !== undefined);
  if (reused.length === 0) return undefined;
  const byAttempt = new Map<number, number>();
  for (const r of reused) byAttempt.set(r.reusedFrom!, (byAttempt.get(r.reusedFrom!) ?? 0) + 1);
  const attempts = [...byAttempt].sort(([a], [b]) => a - b);
  const from =
    attempts.length === 1
      ? `attempt ${attempts[0]![0]}`
      : attempts
          .map(([a, n]) => `attempt ${a} (${n})`)
          .join(', ')
          .replace(/, ([^,]*)$/, ' and $1');
  const ran = results.length - reused.length;
  const agents = (n: number) => `${n} agent${n === 1 ? '' : 's'}`;
  return (
    `♻️ Re-run: ${reused.length} of ${results.length} agents come from ${from}, where they succeeded; they did not ` +
    `run again. Wall time and speedup are this attempt's, counting only the ${agents(ran)} run in it.`
  );
}

/** The re-run's note and a blank line after it, or nothing. */
export function reusedLines(results: readonly AgentResult[]): string[] {
  const note = reusedNote(results);
  return note ? [note, ''] : [];
}
