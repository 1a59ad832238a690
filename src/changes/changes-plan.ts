import path from 'node:path';
import { createClient } from '../publish/client.js';
import { readEventContext } from '../publish/event.js';
import type { AgentResult, AgentSpec } from '../types.js';
import { checkedOutBranch, runPage } from '../util/runner.js';
import { itemsOf } from './change-record.js';
import type { ChangesPlan } from './apply-changes.js';

/** Whether any agent's changes become more than a patch. */
export function wantsChanges(specs: readonly AgentSpec[], fallback?: AgentSpec['changes']): boolean {
  return [fallback, ...specs.map((s) => s.changes)].some((m) => m !== undefined && m !== 'patch');
}

/**
 * The changes stage of a finished run: in the checkout `dir`, with the token that pushes, each agent as its
 * change record says (see change-record.ts), GitHub's API for the pull requests.
 */
export function planChanges(o: {
  dir: string;
  runDir: string;
  branchPrefix: string;
  token: string;
  results: readonly AgentResult[];
}): ChangesPlan {
  const event = readEventContext();
  return {
    dir: o.dir,
    scratch: path.join(o.runDir, 'changes'),
    branchPrefix: o.branchPrefix,
    token: o.token,
    github: o.token && event.repo ? createClient(o.token) : undefined,
    event,
    branch: checkedOutBranch(),
    runUrl: runPage(),
    items: itemsOf(o.results),
  };
}
