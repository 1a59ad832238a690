import fs from 'node:fs';
import path from 'node:path';
import type { AgentResult, AgentSpec, ChangesMode } from '../types.js';
import type { ItemChanges } from './apply-changes.js';

/**
 * The file, in each agent's folder (and so its artifact), that lets a later job apply its changes: what its item
 * asked of them and its result, whose patch is `changes.patch` beside it.
 */
export const CHANGE_RECORD = 'change.json';
const PATCH_FILE = 'changes.patch';
const MODES: readonly ChangesMode[] = ['patch', 'pull-request', 'one-pull-request', 'push'];

interface ChangeRecord {
  version: 1;
  /** The item's place in the matrix (-1 for an agent a planner added): patches are applied in this order. */
  index: number;
  item: ItemChanges;
  result: AgentResult;
}

/** What an item asks of its changes. */
function itemChanges(spec: AgentSpec | undefined, mode: ChangesMode): ItemChanges {
  return {
    mode: spec?.changes ?? mode,
    commitMessage: spec?.commitMessage,
    prTitle: spec?.prTitle,
    allowWorkflowChanges: spec?.allowWorkflowChanges,
    maxChangedFiles: spec?.maxChangedFiles,
  };
}

/**
 * Writes the agent's change record into its folder, before the folder is uploaded; `mode` is the `changes` input,
 * for an item that does not say.
 */
export function writeChangeRecord(result: AgentResult, spec: AgentSpec | undefined, mode: ChangesMode): void {
  if (!fs.existsSync(result.outputDir)) return;
  const record: ChangeRecord = { version: 1, index: spec?.index ?? -1, item: itemChanges(spec, mode), result };
  fs.writeFileSync(path.join(result.outputDir, CHANGE_RECORD), JSON.stringify(record));
}

/** An agent's record read back from its fetched folder, its paths made those of the folder. */
export interface FetchedChange {
  index: number;
  item: ItemChanges;
  result: AgentResult;
}

/**
 * Reads the record of the agent folder `dir` (an unpacked artifact), checked: what it says is the agent's, and is
 * only trusted as far as its shape. Its patch is the folder's `changes.patch`, never a path the record names.
 */
export function readChangeRecord(dir: string): FetchedChange {
  const file = path.join(dir, CHANGE_RECORD);
  const data = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<ChangeRecord>;
  const r = data.result as Partial<AgentResult> | undefined;
  if (data.version !== 1 || !data.item || !r || typeof r.id !== 'string' || typeof r.status !== 'string') {
    throw new Error(`${file} is not a change record of this version of the action`);
  }
  const patch = path.join(dir, PATCH_FILE);
  const given = r.changes?.base;
  const base = typeof given === 'string' && /^[0-9a-f]{40,64}$/.test(given) ? given : undefined;
  const changes = r.changes && { ...r.changes, patch: fs.existsSync(patch) ? patch : undefined, base };
  const mode = MODES.includes(data.item.mode) ? data.item.mode : 'patch';
  const index = typeof data.index === 'number' ? data.index : -1;
  return { index, item: { ...data.item, mode }, result: { ...(r as AgentResult), outputDir: dir, changes } };
}

/** Each agent's change record, read from its folder where the step wrote one (a missing one keeps the patch alone). */
export function itemsOf(results: readonly AgentResult[]): Map<string, ItemChanges> {
  const items = new Map<string, ItemChanges>();
  for (const r of results) {
    try {
      items.set(r.id, readChangeRecord(r.outputDir).item);
    } catch {
      // No record: an agent skipped before it had a folder; it has no changes either.
    }
  }
  return items;
}
