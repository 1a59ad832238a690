import type { AgentResult, FailOn } from '../types.js';

/**
 * Whether the step fails, by `fail-on`: the message naming each agent that did not succeed and why, and the
 * agents whose artifacts did not land; null when the step passes.
 */
export function failureMessage(failOn: FailOn, results: readonly AgentResult[]): string | null {
  const failed = results.filter((r) => r.status !== 'success');
  const uploadFailed = results.filter((r) => r.uploadWarning).map((r) => r.id);
  const fails =
    (failOn === 'any' && (failed.length > 0 || uploadFailed.length > 0)) ||
    (failOn === 'all' && failed.length === results.length);
  if (!fails) return null;
  const lines = failed.map((r) => `${r.id} (${r.status}): ${r.error ?? 'no reason given'}`);
  if (uploadFailed.length) lines.push(`uploads failed for: ${uploadFailed.join(', ')}`);
  const head = failed.length
    ? `${failed.length} of ${results.length} agents did not succeed`
    : `All ${results.length} agents succeeded, but some artifacts were not uploaded`;
  return `${head}:\n${lines.join('\n')}`;
}
