import type { AgentResult, FailOn } from '../types.js';

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
  const fails =
    (failOn === 'any' && (failed.length > 0 || anyUploadFailed)) ||
    (failOn === 'all' && results.length > 0 && failed.length === results.length);
  if (!fails) return null;
  const lines = failed.map((r) => `${r.id} (${r.status}): ${r.error ?? 'no reason given'}`);
  if (uploadFailed.length) lines.push(`uploads failed for: ${uploadFailed.join(', ')}`);
  if (shardUploadFailure !== undefined) lines.push(shardUploadFailure);
  const head = failed.length
    ? `${failed.length} of ${results.length} agents did not succeed`
    : results.length
      ? `All ${results.length} agents succeeded, but some artifacts were not uploaded`
      : 'No agent ran, but the shard artifact was not uploaded';
  return `${head}:\n${lines.join('\n')}`;
}
