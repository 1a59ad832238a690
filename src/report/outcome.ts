import type { AgentResult, FailOn, Severity } from '../types.js';
import { findingsOf, mergeFindings, rank } from './findings.js';
import { escapeCell } from './markdown.js';

/**
 * Whether the step fails, by `fail-on`: the message naming each agent that did not succeed and why, and the
 * artifacts that did not land; null when the step passes.
 *
 * `shardUploadFailure` is why a shard's own artifact (the one the aggregate step reads) was not uploaded. It
 * counts as one more failed upload: it fails the step with `any`, and with `all` or `never` it does not (the
 * caller warns with it instead), as an agent's failed upload does. The aggregate step still fails, naming the
 * missing shard, so it is never lost silently. A step with no agents (an empty shard) has nothing that failed:
 * `all` does not fail it.
 */
export function failureMessage(
  failOn: FailOn,
  results: readonly AgentResult[],
  shardUploadFailure?: string,
): string | null {
  const failed = results.filter((r) => r.status !== 'success');
  const uploadFailed = results.filter((r) => r.uploadWarning).map((r) => r.id);
  const anyUploadFailed = uploadFailed.length > 0 || shardUploadFailure !== undefined;
  const findings = failOn.startsWith('findings:') ? findingsAtOrAbove(results, failOn.slice(9) as Severity) : [];
  const fails =
    ((failOn === 'any' || failOn.startsWith('findings:')) && (failed.length > 0 || anyUploadFailed)) ||
    (failOn === 'all' && results.length > 0 && failed.length === results.length);
  if (!fails) return findings.length ? findingsFailure(failOn, findings) : null;
  const lines = failed.map((r) => `${r.id} (${r.status}): ${r.error ?? 'no reason given'}`);
  if (uploadFailed.length) lines.push(`uploads failed for: ${uploadFailed.join(', ')}`);
  if (shardUploadFailure !== undefined) lines.push(shardUploadFailure);
  const head = failed.length
    ? `${failed.length} of ${results.length} agents did not succeed`
    : results.length
      ? `All ${results.length} agents succeeded, but some artifacts were not uploaded`
      : 'No agent ran, but the shard artifact was not uploaded';
  const own = `${head}:\n${lines.join('\n')}`;
  return findings.length ? `${own}\n${findingsFailure(failOn, findings)}` : own;
}

/** The findings of the reviewers, duplicates merged, at or above `threshold`. */
function findingsAtOrAbove(results: readonly AgentResult[], threshold: Severity) {
  return mergeFindings(findingsOf(results)).filter((f) => rank(f.severity) <= rank(threshold));
}

/** `fail-on: findings:<severity>`'s verdict, naming the first findings (their text is the agents', on one line). */
function findingsFailure(failOn: FailOn, findings: ReturnType<typeof findingsAtOrAbove>): string {
  const shown = findings.slice(0, 10).map((f) => {
    const by = f.notes.map((n) => n.reviewer).join(', ');
    return `${f.severity}: ${escapeCell(f.path, 200)}:${f.line} ${escapeCell(f.title, 200)} (${by})`;
  });
  const more = findings.length > shown.length ? [`… and ${findings.length - shown.length} more`] : [];
  return [`${findings.length} findings at or above ${failOn.slice(9)} (fail-on: ${failOn}):`, ...shown, ...more].join(
    '\n',
  );
}
