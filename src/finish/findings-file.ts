import { countFindings, findingsOf, mergeFindings } from '../report/findings.js';
import { writeOutput } from '../report/outputs.js';
import { writeSarif } from '../report/sarif.js';
import type { AgentResult } from '../types.js';

/**
 * With reviewers in the run (`review: comments`), whether or not there is a pull request to post to: the
 * `findings` output (the count by severity, duplicates merged) and findings.sarif in the run folder, as the
 * `findings-file` output.
 */
export function writeFindings(results: readonly AgentResult[], runDir: string): void {
  if (!results.some((r) => r.review === 'comments')) return;
  const findings = mergeFindings(findingsOf(results));
  writeOutput('findings', JSON.stringify(countFindings(findings)));
  writeOutput('findings-file', writeSarif(runDir, findings));
}
