import type { AgentResult, AgentStatus } from '../types.js';
import { formatDuration } from '../util/format.js';

/** A chart with more nodes than this is unreadable, and slow to render. */
export const FLOWCHART_MAX = 100;

/** Whether the agents form a graph: one of them needed another, or a planner added some. */
export function hasGraph(results: readonly AgentResult[]): boolean {
  return results.some((r) => r.needs?.length || r.addedBy !== undefined);
}

/**
 * What each agent waited for: every agent it needs and, recursively, every agent those added (a need on a
 * planner is a need on all of its agents), and for an agent a planner added, the planner. Ids with no result
 * (a plan that was never read) are left out.
 */
export function waitedFor(results: readonly AgentResult[]): Map<string, string[]> {
  const known = new Set(results.map((r) => r.id));
  const added = new Map<string, string[]>();
  for (const r of results) if (r.addedBy !== undefined) added.set(r.addedBy, [...(added.get(r.addedBy) ?? []), r.id]);
  const members = (id: string, seen = new Set<string>()): string[] => {
    if (seen.has(id)) return [];
    seen.add(id);
    return [id, ...(added.get(id) ?? []).flatMap((a) => members(a, seen))];
  };
  const waits = new Map<string, string[]>();
  for (const r of results) {
    const ids = [...(r.addedBy !== undefined ? [r.addedBy] : []), ...(r.needs ?? []).flatMap((n) => members(n))];
    waits.set(
      r.id,
      [...new Set(ids)].filter((id) => known.has(id) && id !== r.id),
    );
  }
  return waits;
}

/**
 * The agents nothing else waited for, in the order of `results`: the ends of the graph, whose answers are the
 * run's conclusions (a synthesis, or independent agents). A planner that added agents is never one.
 */
export function sinks(results: readonly AgentResult[]): AgentResult[] {
  const waited = new Set([...waitedFor(results).values()].flat());
  return results.filter((r) => !waited.has(r.id));
}

export interface CriticalPath {
  /** The chain's summed durations: no schedule of this graph could end sooner. */
  ms: number;
  /** The chain, first agent first. */
  ids: string[];
}

/** The longest chain of durations through the graph (agents that never ran count 0). */
export function criticalPath(results: readonly AgentResult[]): CriticalPath {
  const waits = waitedFor(results);
  const duration = new Map(results.map((r) => [r.id, r.durationMs]));
  const best = new Map<string, CriticalPath>();
  const open = new Set<string>();
  const through = (id: string): CriticalPath => {
    const known = best.get(id);
    if (known) return known;
    // The graph was checked to have no cycle; this only keeps a bad result list from looping.
    if (open.has(id)) return { ms: 0, ids: [] };
    open.add(id);
    let before: CriticalPath = { ms: 0, ids: [] };
    for (const w of waits.get(id) ?? []) {
      const path = through(w);
      if (path.ms > before.ms) before = path;
    }
    open.delete(id);
    const path = { ms: before.ms + (duration.get(id) ?? 0), ids: [...before.ids, id] };
    best.set(id, path);
    return path;
  };
  let longest: CriticalPath = { ms: 0, ids: [] };
  for (const r of results) {
    const path = through(r.id);
    if (path.ms > longest.ms) longest = path;
  }
  return longest;
}

const CLASSES: Record<AgentStatus, string> = {
  success: 'fill:#dafbe1,stroke:#1a7f37',
  failure: 'fill:#ffebe9,stroke:#cf222e',
  timeout: 'fill:#fff8c5,stroke:#9a6700',
  cancelled: 'fill:#eaeef2,stroke:#57606a',
  skipped: 'fill:#f6f8fa,stroke:#8c959f,stroke-dasharray:4 3',
};

const SYMBOL: Record<AgentStatus, string> = {
  success: '✅',
  failure: '❌',
  timeout: '⏱️',
  cancelled: '⏹️',
  skipped: '⏭️',
};

/**
 * The graph as a Mermaid flowchart, each agent with its status and duration: solid arrows from each agent to
 * those that waited for it, dotted ones from a planner to the agents it added, the critical path drawn thick.
 * Empty when there are more than FLOWCHART_MAX agents.
 */
export function flowchart(results: readonly AgentResult[], critical: readonly string[] = []): string[] {
  if (results.length > FLOWCHART_MAX) {
    return [`_The graph of ${results.length} agents is too large to draw here (at most ${FLOWCHART_MAX})._`];
  }
  const node = new Map(results.map((r, i) => [r.id, `n${i}`]));
  const waits = waitedFor(results);
  // Agent ids are letters, digits, '.', '_' and '-' (checked when they were read), so they are safe in a label.
  const lines = ['```mermaid', 'flowchart LR'];
  for (const r of results) {
    lines.push(`  ${node.get(r.id)}["${SYMBOL[r.status]} ${r.id}<br/>${formatDuration(r.durationMs)}"]:::${r.status}`);
  }
  for (const r of results) {
    for (const w of waits.get(r.id) ?? []) {
      lines.push(`  ${node.get(w)} ${w === r.addedBy ? '-.->' : '-->'} ${node.get(r.id)}`);
    }
  }
  for (const [status, style] of Object.entries(CLASSES)) lines.push(`  classDef ${status} ${style}`);
  const onPath = critical.map((id) => node.get(id)).filter(Boolean);
  if (onPath.length) lines.push('  classDef critical stroke-width:4px', `  class ${onPath.join(',')} critical`);
  lines.push('```');
  return lines;
}
