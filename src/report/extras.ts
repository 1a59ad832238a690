import type { AgentChanges, AgentResult } from '../types.js';
import { formatChanges } from '../util/format.js';
import { agentBlock, fenceFor, link } from './markdown.js';

// What some results carry besides the answer: the patch stats of an agent that worked on the repository
// (`changes`) and the JSON answer of one given a schema (`structured`). Results without them show neither.

/** A part of an agent's section in report.md beyond its answer; `markdown` must already be safe. */
interface ReportSection {
  title: string;
  markdown: string;
}

/**
 * What an agent changed, when it changed something. An agent that changed no file (a read-only one) says
 * nothing of changes, as one that did not work on the repository: no "+0 −0 in 0 files" anywhere. Results read
 * back from a shard's results.json are checked, not trusted.
 */
export function changesOf(r: AgentResult): AgentChanges | undefined {
  const c = r.changes as Partial<AgentChanges> | null | undefined;
  if (!c || ![c.files, c.insertions, c.deletions].every((n) => typeof n === 'number')) return undefined;
  return c.files! > 0 ? (c as AgentChanges) : undefined;
}

function structuredOf(r: AgentResult): unknown {
  return (r as { structured?: unknown }).structured;
}

/** The sections a result itself gives: its structured answer and its changes, where it has them. */
export function resultSections(r: AgentResult): ReportSection[] {
  const sections: ReportSection[] = [];
  const structured = structuredOf(r);
  if (structured !== undefined && structured !== null) {
    const json = JSON.stringify(structured, null, 2);
    const fence = fenceFor(json);
    sections.push({ title: 'Structured result', markdown: agentBlock(`${fence}json\n${json}\n${fence}`) });
  }
  const changes = changesOf(r);
  if (changes) sections.push({ title: 'Changes', markdown: formatChanges(changes) });
  const pull = r.pullRequest;
  if (pull) sections.push({ title: 'Pull request', markdown: `${link(`#${pull.number}`, pull.url)} (${pull.branch})` });
  return sections;
}
