import fs from 'node:fs';
import path from 'node:path';
import type { AgentResult, AgentStatus } from '../types.js';

/**
 * The file, at the top of each agent's artifact, that says how the agent ended in the attempt that uploaded it: a
 * re-run reads it back (see earlier.ts) instead of running the agent again.
 */
export const AGENT_RECORD = 'agent.json';

const STATUSES: readonly AgentStatus[] = ['success', 'failure', 'timeout', 'cancelled', 'skipped'];

/** What agent.json holds: the result as this step reported it, and the attempt of the run that made it. */
interface AgentRecord {
  /** The attempt whose agent ran: for a result reused from an earlier attempt, that attempt's. */
  attempt: number;
  result: AgentResult;
}

/**
 * Writes agent.json into the agent's folder, before its upload, and returns the folder. `result` is already
 * scrubbed; the local paths in it mean nothing to a later attempt and are set again when it is read.
 */
export function writeAgentRecord(result: AgentResult, attempt: number): string {
  const record: AgentRecord = { attempt: result.reusedFrom ?? attempt, result };
  fs.mkdirSync(result.outputDir, { recursive: true });
  fs.writeFileSync(path.join(result.outputDir, AGENT_RECORD), `${JSON.stringify(record, null, 2)}\n`);
  return result.outputDir;
}

/**
 * The result agent.json of agent `id` holds, made to point at `folder`, where its artifact was unpacked, and
 * marked as reused from the attempt that ran it; or why it cannot be used. The file came from an artifact: it is
 * checked field by field, never trusted to be what this version of the action wrote.
 */
export function parseAgentRecord(text: string, id: string, folder: string): AgentResult | { problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { problem: `${AGENT_RECORD} is not JSON (${(err as Error).message})` };
  }
  const record = raw as Partial<AgentRecord> | null;
  const r = record?.result as Partial<AgentResult> | undefined;
  const attempt = record?.attempt;
  if (typeof attempt !== 'number' || !Number.isInteger(attempt) || attempt < 1) {
    return { problem: `${AGENT_RECORD} names no attempt` };
  }
  if (!r || typeof r !== 'object') return { problem: `${AGENT_RECORD} holds no result` };
  if (r.id !== id) return { problem: `${AGENT_RECORD} is of agent ${JSON.stringify(r.id)}, not ${id}` };
  if (!STATUSES.includes(r.status as AgentStatus)) return { problem: `${AGENT_RECORD} has no valid status` };
  const bad = badField(r);
  if (bad) return { problem: `${AGENT_RECORD} has a bad ${bad}` };
  const result = { ...(r as AgentResult), outputDir: folder, reusedFrom: attempt };
  // The artifact's fields are those of the listing it is read from; a patch is where it was unpacked.
  delete result.artifactName;
  delete result.artifactId;
  delete result.artifactUrl;
  delete result.uploadWarning;
  if (result.changes) {
    const patch = path.join(folder, 'changes.patch');
    result.changes = { ...result.changes, patch };
    if (!fs.existsSync(patch)) delete result.changes.patch;
  }
  return result;
}

/** The first field whose type is not what an AgentResult has, or undefined. */
function badField(r: Partial<AgentResult>): string | undefined {
  const numbers = ['durationMs', 'startupMs', 'attempts'] as const;
  for (const key of numbers) if (typeof r[key] !== 'number' || !Number.isFinite(r[key])) return key;
  const strings = ['startedAt', 'finishedAt', 'answer'] as const;
  for (const key of strings) if (typeof r[key] !== 'string') return key;
  if (Number.isNaN(Date.parse(r.startedAt!)) || Number.isNaN(Date.parse(r.finishedAt!))) return 'time';
  if (r.costUsd !== null && typeof r.costUsd !== 'number') return 'costUsd';
  if (r.turns !== null && typeof r.turns !== 'number') return 'turns';
  if (r.error !== null && typeof r.error !== 'string') return 'error';
  if (r.needs !== undefined && !(Array.isArray(r.needs) && r.needs.every((n) => typeof n === 'string'))) return 'needs';
  return undefined;
}
