import { ACTION_NAME, ACTION_SLUG } from '../config/action-interface.js';
import { fitBlocks } from './fit.js';
import { agentBlock, cutText, escapeCell, link } from './markdown.js';
import { answerText } from './report-file.js';
import { reusedLines } from './reused.js';
import { outcomeLine, statusCell } from './status.js';
import { hasChanges, pendingRow, resultRow, tableHead, type Pending } from './table.js';
import type { AgentResult } from '../types.js';

/** GitHub refuses a comment or an issue body longer than this many characters. */
export const BODY_MAX = 65_536;
/** Room kept below BODY_MAX, so that counting characters a little differently from GitHub never matters. */
export const BODY_MARGIN = 256;
/** The table takes at most this share of a comment; answers get the rest. */
const TABLE_SHARE = 0.5;

/**
 * The hidden first line that finds a comment or an issue again on the next run: one per kind and
 * `artifact-prefix`, so two uses of the action in one workflow keep two comments. Only a body that starts
 * with it counts, and agent text can never start a body (and is neutralised besides).
 */
export function marker(kind: 'comment' | 'issue', prefix: string): string {
  return `<!-- ${ACTION_SLUG}:${kind}:${encodeURIComponent(prefix)} -->`;
}

/** An agent in the comment: its result once it has finished, else whether it waits or runs. */
export type AgentView = AgentResult | { id: string; state: Pending };

export interface Links {
  /** The workflow run's page (its summary). */
  run?: string;
  /** The report's artifact, when it was uploaded. */
  report?: { name: string; url?: string };
  /** The pull-request review this run posted, and what its findings were. */
  review?: { url: string; findings: string };
}

export interface CommentInput {
  marker: string;
  /** Every agent, in matrix order. */
  agents: readonly AgentView[];
  /** Whole answers by id, secrets scrubbed; a finished agent missing here shows its `answer` excerpt. */
  answers: ReadonlyMap<string, string>;
  links: Links;
}

const finished = (a: AgentView): a is AgentResult => !('state' in a);

/**
 * The pull-request comment: the marker, a heading (how far the run is, then its outcome), the table, each
 * finished agent's answer folded in `<details>`, and links to the run and the artifacts. It always fits
 * BODY_MAX: answers are cut to fit, the longest first, each cut one linking to the whole text (its artifact,
 * else the run); a table too long for half the comment ends in a row that says how many more there are.
 */
export function renderComment(input: CommentInput): string {
  const max = BODY_MAX - BODY_MARGIN;
  const results = input.agents.filter(finished);
  const done = results.length === input.agents.length;
  const changes = hasChanges(results);
  const heading = done
    ? `### ${ACTION_NAME}: ${outcomeLine(results)}`
    : `### ${ACTION_NAME}: ⏳ ${results.length} of ${input.agents.length} agents finished`;
  const rows = fitRows(
    input.agents.map((a) => (finished(a) ? resultRow(a, changes) : pendingRow(a.id, a.state, changes))),
    Math.floor(max * TABLE_SHARE),
  );
  const head = [input.marker, heading, '', ...(done ? reusedLines(results) : []), ...tableHead(changes), ...rows].join(
    '\n',
  );
  const foot = footer(results, input.links);
  const parts = results.map((r) => ({ id: r.id, top: detailsTop(r), text: answerOf(r, input.answers) }));
  const assemble = (bodies: ReadonlyMap<string, string>) =>
    [head, ...parts.map((p) => `${p.top}${bodies.get(p.id) ?? p.text}\n\n</details>`), foot]
      .filter(Boolean)
      .join('\n\n');

  const whole = assemble(new Map());
  if (whole.length <= max) return whole;
  const fixed = assemble(new Map(parts.map((p) => [p.id, '']))).length;
  const byId = new Map(results.map((r) => [r.id, r]));
  const fitted = fitBlocks(parts, max - fixed, (id) => {
    const r = byId.get(id)!;
    return `_… cut to fit: ${link('the whole answer', r.artifactUrl ?? input.links.run)}._`;
  });
  const body = assemble(new Map([...fitted].map(([id, f]) => [id, f.text])));
  // Only a run with thousands of agents gets here; every part is safe to cut anywhere (see agentBlock).
  return body.length <= max ? body : cutText(body, max);
}

function fitRows(rows: string[], budget: number): string[] {
  let size = 0;
  for (let i = 0; i < rows.length; i++) {
    size += rows[i]!.length + 1;
    if (size > budget - 100) return [...rows.slice(0, i), `| … | ${rows.length - i} more agents: see the run |`];
  }
  return rows;
}

function detailsTop(r: AgentResult): string {
  const why = r.error && r.status !== 'success' ? `**Why:** ${escapeCell(r.error, 1000)}\n\n` : '';
  return `<details><summary><code>${r.id}</code>: ${statusCell(r)}</summary>\n\n${why}`;
}

function answerOf(r: AgentResult, answers: ReadonlyMap<string, string>): string {
  const answer = answerText(r, answers);
  return answer ? agentBlock(answer) : '_No answer._';
}

function footer(results: readonly AgentResult[], links: Links): string {
  const artifacts = new Map<string, string | undefined>();
  for (const r of results) if (r.artifactName && !r.uploadWarning) artifacts.set(r.artifactName, r.artifactUrl);
  if (links.report) artifacts.set(links.report.name, links.report.url);
  const parts: string[] = [];
  if (links.run) parts.push(link('Run summary', links.run));
  if (links.review) parts.push(`Review: ${link(links.review.findings, links.review.url)}`);
  if (artifacts.size)
    parts.push(`Artifacts: ${[...artifacts].map(([name, url]) => link(`\`${name}\``, url)).join(', ')}`);
  return parts.join(' · ');
}
