import path from 'node:path';
import type { AgentResult } from '../types.js';
import { readSlice } from '../util/files.js';
import { redactText } from '../util/redact.js';

/** report.md holds this much of one answer at most; the agent's artifact has all of it (result.md). */
export const REPORT_ANSWER_MAX_BYTES = 1024 * 1024;

/**
 * Each agent's whole answer from its result.md, secrets scrubbed, by id. An agent without one (it failed
 * before answering, or never started) is left out, and the report falls back to its `answer` excerpt.
 */
export function readAnswers(results: readonly AgentResult[], secrets: readonly string[]): Map<string, string> {
  const answers = new Map<string, string>();
  for (const r of results) {
    // Scrubbed before it is cut, so a cut cannot leave the start of a secret behind.
    const text = redactText(
      readSlice(path.join(r.outputDir, 'result.md'), REPORT_ANSWER_MAX_BYTES + 1, 'start'),
      secrets,
    );
    if (!text.trim()) continue;
    const bytes = Buffer.from(text);
    if (bytes.length <= REPORT_ANSWER_MAX_BYTES) answers.set(r.id, text);
    else answers.set(r.id, `${bytes.subarray(0, REPORT_ANSWER_MAX_BYTES).toString('utf8')}\n\n… (cut at 1 MiB)`);
  }
  return answers;
}
