import { SEVERITIES } from '../config/review-schema.js';
import type { AgentResult, Severity } from '../types.js';

/** One reviewer's finding, as its structured output gave it. */
export interface Finding {
  reviewer: string;
  path: string;
  line: number;
  startLine?: number;
  severity: Severity;
  title: string;
  body: string;
  suggestion?: string;
}

/** A finding that one or more reviewers made: the worst of them leads, each reviewer's own words are kept. */
export interface MergedFinding {
  path: string;
  line: number;
  startLine?: number;
  severity: Severity;
  title: string;
  suggestion?: string;
  /** Every reviewer that made it, in matrix order, each with its own title and body. */
  notes: { reviewer: string; severity: Severity; title: string; body: string }[];
}

export type FindingCounts = Record<Severity, number> & { total: number };

export const rank = (s: Severity): number => SEVERITIES.indexOf(s);

interface RawFinding {
  path: string;
  line: number;
  'start-line'?: number;
  severity: Severity;
  title: string;
  body: string;
  suggestion?: string;
}

/**
 * Every finding of the reviewers that succeeded, in matrix order. Their structured output matched the findings
 * schema (a reviewer whose output did not is a failure), so it is read as that shape; a path is made relative
 * (`./a`, `/a` → `a`) as the pull request's files are named.
 */
export function findingsOf(results: readonly AgentResult[]): Finding[] {
  const out: Finding[] = [];
  for (const r of results) {
    if (r.review !== 'comments' || r.status !== 'success') continue;
    const raw = (r.structured as { findings?: RawFinding[] } | undefined)?.findings ?? [];
    for (const f of raw) {
      const startLine = f['start-line'] !== undefined && f['start-line'] < f.line ? f['start-line'] : undefined;
      out.push({
        reviewer: r.id,
        path: f.path.trim().replace(/^(\.\/|\/)+/, ''),
        line: f.line,
        ...(startLine !== undefined && { startLine }),
        severity: f.severity,
        title: f.title.trim(),
        body: f.body,
        ...(f.suggestion !== undefined && { suggestion: f.suggestion }),
      });
    }
  }
  return out;
}

/** What a reviewer's answer shows: the summary of its findings, not the JSON the schema made it give. */
export function reviewAnswers(
  results: readonly AgentResult[],
  answers: ReadonlyMap<string, string>,
): Map<string, string> {
  const out = new Map(answers);
  for (const r of results) {
    const summary = (r.structured as { summary?: unknown } | undefined)?.summary;
    if (r.review === 'comments' && typeof summary === 'string' && summary.trim()) out.set(r.id, summary);
  }
  return out;
}

const words = (title: string) => new Set(title.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);

/** Titles are similar when most of the words of the shorter one are in the longer one. */
export function similarTitles(a: string, b: string): boolean {
  const [short, long] = [words(a), words(b)].sort((p, q) => p.size - q.size) as [Set<string>, Set<string>];
  if (short.size === 0) return false;
  let shared = 0;
  for (const w of short) if (long.has(w)) shared++;
  return shared / short.size >= 0.6;
}

const overlaps = (a: { line: number; startLine?: number }, b: { line: number; startLine?: number }) =>
  (a.startLine ?? a.line) <= b.line && (b.startLine ?? b.line) <= a.line;

/**
 * Findings that several reviewers made (same path, overlapping lines, similar title) as one, which names every
 * reviewer and keeps each one's words; the worst severity and the first suggestion lead. One reviewer's own
 * findings are never merged with each other: it said them apart. Order: worst first, then path and line.
 */
export function mergeFindings(findings: readonly Finding[]): MergedFinding[] {
  const merged: MergedFinding[] = [];
  for (const f of findings) {
    const note = { reviewer: f.reviewer, severity: f.severity, title: f.title, body: f.body };
    const same = merged.find(
      (m) =>
        m.path === f.path &&
        overlaps(m, f) &&
        !m.notes.some((n) => n.reviewer === f.reviewer) &&
        m.notes.some((n) => similarTitles(n.title, f.title)),
    );
    if (!same) {
      merged.push({
        path: f.path,
        line: f.line,
        ...(f.startLine !== undefined && { startLine: f.startLine }),
        severity: f.severity,
        title: f.title,
        ...(f.suggestion !== undefined && { suggestion: f.suggestion }),
        notes: [note],
      });
      continue;
    }
    same.notes.push(note);
    if (rank(f.severity) < rank(same.severity)) {
      same.severity = f.severity;
      same.title = f.title;
    }
    same.suggestion ??= f.suggestion;
  }
  return merged.sort((a, b) => rank(a.severity) - rank(b.severity) || a.path.localeCompare(b.path) || a.line - b.line);
}

/** How many findings of each severity, and in all. */
export function countFindings(findings: readonly { severity: Severity }[]): FindingCounts {
  const counts = { critical: 0, high: 0, medium: 0, low: 0, info: 0, total: findings.length };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** `2 high, 1 low`: the severities that occur, worst first; `no findings` when none. */
export function describeCounts(counts: FindingCounts): string {
  const parts = SEVERITIES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  return parts.length ? parts.join(', ') : 'no findings';
}
