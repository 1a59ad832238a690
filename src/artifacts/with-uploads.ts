import type { AgentResult } from '../types.js';
import type { UploadOutcome } from './upload.js';

/** What an agent's row says when the run was cancelled before its upload ended. */
export const UPLOAD_CUT_SHORT = 'upload not finished before the run was cancelled';

/**
 * The results with each agent's upload outcome written in: its artifact's name, id and page, or the warning
 * saying why it did not land. `outcomes` is undefined when the uploads were abandoned at the cancel deadline.
 * With `upload: none` there are no outcomes and the results come back as they were.
 */
export function withUploads(
  results: readonly AgentResult[],
  outcomes: ReadonlyMap<string, UploadOutcome> | undefined,
): AgentResult[] {
  return results.map((r) => {
    if (!outcomes) return { ...r, uploadWarning: UPLOAD_CUT_SHORT };
    const u = outcomes.get(r.id);
    if (!u) return { ...r };
    const merged: AgentResult = { ...r, artifactName: u.artifactName };
    if (u.artifactId !== undefined) merged.artifactId = u.artifactId;
    if (u.artifactUrl !== undefined) merged.artifactUrl = u.artifactUrl;
    if (u.warning !== undefined) merged.uploadWarning = u.warning;
    return merged;
  });
}
