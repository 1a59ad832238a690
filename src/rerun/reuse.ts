import fsp from 'node:fs/promises';
import * as core from '@actions/core';
import type { AgentResult, AgentSpec, RerunMode, UploadMode } from '../types.js';
import { errorMessage } from '../util/errors.js';
import { workflowRunAttempt } from '../util/runner.js';
import { openEarlierAttempts, type EarlierAttempts, type EarlierOptions } from './earlier.js';

/** Gives an agent's earlier result in place of running it, or undefined to run it (see `reuser`). */
export type Reuse = (spec: AgentSpec, needed: readonly AgentResult[]) => Promise<AgentResult | undefined>;

/**
 * Whether this step reads what earlier attempts left, and what the log says of it: only a re-run (attempt 2 on)
 * with `rerun: failed` does, and only per-agent artifacts say how each agent ended.
 */
export function planReuse(mode: RerunMode, attempt: number, upload: UploadMode): { reuse: boolean; note?: string } {
  if (attempt === 1) return { reuse: false };
  const which = `Attempt ${attempt} of this workflow run`;
  if (mode === 'all') return { reuse: false, note: `${which}, with \`rerun: all\`: every agent runs again.` };
  if (upload !== 'per-agent') {
    const why = `with \`upload: ${upload}\` no artifact says how each agent ended`;
    return { reuse: false, note: `${which}, but ${why}: every agent runs again.` };
  }
  return { reuse: true, note: `${which}: agents that succeeded in an earlier attempt are not run again.` };
}

/**
 * Whether an agent may be taken from an earlier attempt rather than run: only when every agent it needs was too.
 * An agent that needs one run again in this attempt (a synthesis after failures) runs again on its new input.
 */
export function needsAllReused(needed: readonly AgentResult[]): boolean {
  return needed.every((n) => n.reusedFrom !== undefined);
}

/** The earlier result of an agent that succeeded and whose needs were all reused; any other agent runs. */
export function reuser(earlier: EarlierAttempts, folderOf: (id: string) => string): Reuse {
  return async (spec, needed) => {
    if (!needsAllReused(needed)) return undefined;
    const into = folderOf(spec.id);
    const result = await earlier.fetch(spec.id, into);
    if (result?.status === 'success') return result;
    // A failure's folder is the new run's to write: nothing of the old one may be mistaken for its output.
    if (result) await fsp.rm(into, { recursive: true, force: true });
    return undefined;
  };
}

export interface ReuseOptions extends EarlierOptions {
  mode: RerunMode;
  upload: UploadMode;
  /** The folder an agent's output goes to: a reused agent's artifact is unpacked there. */
  folderOf: (id: string) => string;
}

/**
 * How this step reuses earlier attempts' results: undefined (every agent runs) in a first attempt, with
 * `rerun: all`, or when the earlier artifacts cannot be listed; the log says which.
 */
export async function openReuse(o: ReuseOptions): Promise<Reuse | undefined> {
  const plan = planReuse(o.mode, workflowRunAttempt(), o.upload);
  if (plan.note) core.info(plan.note);
  if (!plan.reuse) return undefined;
  try {
    return reuser(await openEarlierAttempts(o), o.folderOf);
  } catch (err) {
    core.warning(
      `The artifacts of earlier attempts could not be listed (${errorMessage(err)}): every agent runs again.`,
    );
    return undefined;
  }
}
