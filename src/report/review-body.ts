import { createHash } from 'node:crypto';
import { ACTION_NAME, ACTION_SLUG } from '../config/action-interface.js';
import type { Severity } from '../types.js';
import { BODY_MARGIN, BODY_MAX } from './comment-body.js';
import { countFindings, describeCounts, type MergedFinding } from './findings.js';
import { agentBlock, cutText, escapeCell, fenceFor, link, neutralise } from './markdown.js';

/**
 * The most line comments one review carries. GitHub sets no documented cap, but a review of hundreds of
 * comments fails or trips the secondary rate limit; past this, the least severe findings go to the body.
 */
export const MAX_LINE_COMMENTS = 50;
/** One reviewer's words in a comment or the body are cut here, so one answer cannot crowd out the others. */
const NOTE_MAX = 6000;

/** Why a finding is in the review's body and not on its line. */
type BodyReason = 'outside' | 'no-file' | 'limit' | 'refused';

export interface PlacedFinding {
  finding: MergedFinding;
  fingerprint: string;
  /** For a line comment: the lines it spans (startLine only when the whole range is in one hunk). */
  line: number;
  startLine?: number;
  reason?: BodyReason;
}

export interface ReviewPlan {
  inline: PlacedFinding[];
  body: PlacedFinding[];
  /** Findings an earlier review of this use of the action already made on the same code. */
  repeated: number;
}

/** The hidden mark of one finding in a comment or a review body: what a later push looks for. */
function findingMarker(prefix: string, fingerprint: string): string {
  return `<!-- ${ACTION_SLUG}:finding:${encodeURIComponent(prefix)}:${fingerprint} -->`;
}

/** The hidden first line of the review's body. */
function reviewMarker(prefix: string): string {
  return `<!-- ${ACTION_SLUG}:review:${encodeURIComponent(prefix)} -->`;
}

/**
 * The fingerprints an earlier review left in `bodies` (review bodies and line comments). Only a mark on a line of
 * its own counts: agent text is neutralised, so it can never write one there (see neutralise).
 */
export function postedFingerprints(bodies: readonly (string | null | undefined)[], prefix: string): Set<string> {
  const found = new Set<string>();
  const mark = new RegExp(
    `^<!-- ${ACTION_SLUG}:finding:${escapeRegExp(encodeURIComponent(prefix))}:([0-9a-f]{16}) -->$`,
    'gm',
  );
  for (const body of bodies) for (const m of (body ?? '').matchAll(mark)) found.add(m[1]!);
  return found;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The same finding on the same code: its file, its title's words, and the text of its line when the diff shows it
 * (so the finding keeps its fingerprint when lines above it move), else its line number.
 */
export function fingerprint(f: MergedFinding, lineText: string | undefined): string {
  const title = (f.title.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).join(' ');
  const where = lineText === undefined ? `line ${f.line}` : `text ${lineText.trim()}`;
  return createHash('sha256')
    .update(JSON.stringify([f.path, title, where]))
    .digest('hex')
    .slice(0, 16);
}

/**
 * Where each finding goes: on its line when the pull request's diff shows that line, at most `max` of them (the
 * worst first, as `findings` are sorted), else in the body; findings already posted are left out.
 * `files`: the pull request's files, each with its commentable lines (see commentableLines).
 */
export function planReview(
  findings: readonly MergedFinding[],
  files: ReadonlyMap<string, ReadonlyMap<number, string>>,
  posted: ReadonlySet<string>,
  max = MAX_LINE_COMMENTS,
): ReviewPlan {
  const plan: ReviewPlan = { inline: [], body: [], repeated: 0 };
  for (const finding of findings) {
    const lines = files.get(finding.path);
    const fp = fingerprint(finding, lines?.get(finding.line));
    if (posted.has(fp)) {
      plan.repeated++;
      continue;
    }
    const placed: PlacedFinding = { finding, fingerprint: fp, line: finding.line };
    if (!lines) plan.body.push({ ...placed, reason: 'no-file' });
    else if (!lines.has(finding.line)) plan.body.push({ ...placed, reason: 'outside' });
    else if (plan.inline.length >= max) plan.body.push({ ...placed, reason: 'limit' });
    else plan.inline.push({ ...placed, ...(spansHunk(finding, lines) && { startLine: finding.startLine }) });
  }
  return plan;
}

/** Whether every line of a multi-line finding is in the diff: GitHub takes a range only within one hunk. */
function spansHunk(f: MergedFinding, lines: ReadonlyMap<number, string>): boolean {
  if (f.startLine === undefined) return false;
  for (let l = f.startLine; l <= f.line; l++) if (!lines.has(l)) return false;
  return true;
}

const ICONS: Record<Severity, string> = { critical: '🔴', high: '🟠', medium: '🟡', low: '🔵', info: '⚪' };

/** Agent text for one line of Markdown: no line breaks, no HTML, no table breaks, no mentions. */
function inline(text: string, max = 200): string {
  return neutralise(escapeCell(text, max));
}

/** Agent text as inline code, whatever backticks it holds. */
export function codeSpan(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  const flat = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  const ticks = '`'.repeat(Math.max(1, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

function heading(f: MergedFinding, where?: string): string {
  const by = f.notes.map((n) => `\`${n.reviewer}\``).join(', ');
  return `**${ICONS[f.severity]} ${f.severity}**${where ? ` · ${where}` : ''} · ${by}: ${inline(f.title)}`;
}

/** Each reviewer's words, quoted; a finding several made names each one with its own title. */
function notes(f: MergedFinding): string {
  const body = (text: string) => {
    const cut = text.length > NOTE_MAX ? `${cutText(text, NOTE_MAX)}\n\n… (cut)` : text;
    return cut.trim() ? agentBlock(cut) : '';
  };
  if (f.notes.length === 1) return body(f.notes[0]!.body);
  return f.notes
    .map((n) => [`\`${n.reviewer}\` (${n.severity}): ${inline(n.title)}`, body(n.body)].filter(Boolean).join('\n'))
    .join('\n\n');
}

/** Replacement lines in a fence nothing in them can close; an HTML comment in them can forge no mark. */
function fenced(kind: string, text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').replace(/\n$/, '').replace(/<!--/g, '<\u200d!--');
  const fence = fenceFor(lines);
  return `${fence}${kind}\n${lines}\n${fence}`;
}

/** A line comment: the finding's mark, its severity and reviewers, their words, and a suggestion block. */
export function renderLineComment(p: PlacedFinding, prefix: string): string {
  const f = p.finding;
  const parts = [findingMarker(prefix, p.fingerprint), heading(f), notes(f)];
  if (f.suggestion !== undefined) parts.push(fenced('suggestion', f.suggestion));
  return parts.filter(Boolean).join('\n\n');
}

const REASONS: Record<BodyReason, string> = {
  outside: 'not on a line of the diff',
  'no-file': 'the file is not in this pull request',
  limit: `more line comments than one review holds (${MAX_LINE_COMMENTS})`,
  refused: 'GitHub would not take a comment on this line',
};

function bodySection(p: PlacedFinding, prefix: string): string {
  const f = p.finding;
  const lines = f.startLine !== undefined ? `lines ${f.startLine}–${f.line}` : `line ${f.line}`;
  const parts = [findingMarker(prefix, p.fingerprint), `${heading(f, lines)} _(${REASONS[p.reason ?? 'outside']})_`];
  const words = notes(f);
  if (words) parts.push(words);
  if (f.suggestion !== undefined) parts.push(`Suggested:\n\n${fenced('', f.suggestion)}`);
  return parts.join('\n\n');
}

export interface ReviewBodyInput {
  prefix: string;
  plan: ReviewPlan;
  runUrl?: string;
}

/**
 * The review's body, split into as many bodies as it takes to fit GitHub's limit (the first goes with the line
 * comments, each other one is a review of its own), so no finding is ever dropped: a heading with the counts, then
 * the findings not on a line, grouped by file, each with its mark.
 */
export function renderReviewBodies(input: ReviewBodyInput): string[] {
  const { plan, prefix } = input;
  const all = [...plan.inline, ...plan.body].map((p) => p.finding);
  const counts = describeCounts(countFindings(all));
  const repeated = plan.repeated ? ` ${plan.repeated} found again are not repeated.` : '';
  const head = [
    reviewMarker(prefix),
    `### ${ACTION_NAME} review: ${all.length} new finding${all.length === 1 ? '' : 's'} (${counts})`,
    '',
    `${plan.inline.length} on the lines of the diff, ${plan.body.length} below.${repeated}${input.runUrl ? ` ${link('Run summary', input.runUrl)}.` : ''}`,
  ].join('\n');
  const byFile = new Map<string, PlacedFinding[]>();
  for (const p of plan.body) byFile.set(p.finding.path, [...(byFile.get(p.finding.path) ?? []), p]);
  const max = BODY_MAX - BODY_MARGIN;
  const chunks: string[][] = [[head]];
  const size = (c: string[]) => c.reduce((n, s) => n + s.length + 2, 0);
  for (const [file, placed] of byFile) {
    let title: string | undefined = `#### ${codeSpan(file)}`;
    for (const p of placed) {
      const section = cutText(bodySection(p, prefix), max - 400);
      let chunk = chunks[chunks.length - 1]!;
      if (size(chunk) + (title?.length ?? 0) + section.length + 4 > max) {
        chunk = [`${reviewMarker(prefix)}\n### ${ACTION_NAME} review (continued)`];
        chunks.push(chunk);
        title = `#### ${codeSpan(file)}`;
      }
      if (title) chunk.push(title);
      title = undefined;
      chunk.push(section);
    }
  }
  return chunks.map((c) => c.join('\n\n'));
}
