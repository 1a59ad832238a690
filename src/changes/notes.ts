import { link, neutralise } from '../report/markdown.js';
import type { AgentResult } from '../types.js';

/**
 * The summary's section on the agents' changes: each pull request linked, then what was pushed, refused or left
 * out. The notes name files and quote git, which agents chose: they are neutralised and kept out of code spans.
 */
export function changesSection(results: readonly AgentResult[], notes: readonly string[]): string {
  const pulls = results.flatMap((r) =>
    r.pullRequest
      ? [`- ${r.id}: ${link(`#${r.pullRequest.number}`, r.pullRequest.url)} (${r.pullRequest.branch})`]
      : [],
  );
  const said = notes.map((n) => `- ${neutralise(n).replace(/[`\n]/g, ' ')}`);
  if (!pulls.length && !said.length) return '';
  return `### Changes\n\n${[...pulls, ...said].join('\n')}\n\n`;
}
