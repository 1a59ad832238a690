import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AgentResult, AgentSpec, AgentWorkspace } from '../types.js';
import { runAttempt, type AttemptOutcome } from './attempt.js';
import { finalVerdict } from './classify.js';
import { agentPaths, type AgentContext, type AgentPaths } from './context.js';
import { composePrompt } from './needs.js';
import { addSpend, buildResult, NOTHING_SPENT, refused } from './result.js';

/** The longest pause between attempts, whatever a retry-after asks for: the job's clock is running. */
const MAX_WAIT_MS = 120_000;

/**
 * Runs one agent to its end, starting it again after transient failures. Never throws. `needed` are the results of
 * the agents it needs (and of those their planners added): their output is put in its working folder and named
 * before its prompt. It works in `workspace` when given, else in its own empty folder.
 */
export async function runAgent(
  spec: AgentSpec,
  ctx: AgentContext,
  needed: readonly AgentResult[] = [],
  workspace?: AgentWorkspace,
): Promise<AgentResult> {
  const paths = agentPaths(ctx.runDir, spec.id);
  if (spec.needs?.length) {
    let composed: ReturnType<typeof composePrompt>;
    try {
      composed = composePrompt(spec, needed);
    } catch (err) {
      composed = { error: `its prompt could not be put together: ${(err as Error).message}` };
    }
    if ('error' in composed) return refused(spec, paths.outputDir, composed.error);
    spec = { ...spec, prompt: composed.prompt, promptFile: undefined };
  }
  let started: Date | undefined;
  let attempts = 0;
  let startupMs = 0;
  let spent = NOTHING_SPENT;
  let outcome: AttemptOutcome;
  for (;;) {
    attempts++;
    outcome = await runAttempt(spec, ctx, paths, needed, workspace);
    started ??= outcome.spawnedAt;
    startupMs += outcome.startupMs;
    spent = addSpend(spent, outcome.report);
    const last = attempts > ctx.retries || !outcome.verdict?.transient || ctx.signal.aborted;
    if (last) break;
    if (!(await keepAttempt(paths, attempts, workspace))) break;
    const base = ctx.backoffMs ?? 2000;
    const backoff = base * 2 ** (attempts - 1) * (0.5 + Math.random());
    const wait = Math.min(outcome.verdict?.retryAfterMs ?? backoff, MAX_WAIT_MS);
    await sleep(wait, undefined, { signal: ctx.signal }).catch(() => undefined);
    if (ctx.signal.aborted) break;
  }
  const finishedAt = new Date();
  return buildResult(spec, paths.outputDir, {
    verdict: finalVerdict(outcome.verdict, ctx.signal.aborted),
    report: outcome.report,
    spent,
    exitCode: outcome.exitCode,
    startedAt: started ?? finishedAt,
    finishedAt,
    startupMs,
    attempts,
  });
}

/**
 * Moves an attempt's logs and workspace aside, so the next attempt starts fresh and nothing is lost. A prepared
 * workspace keeps the attempt's changes and renews itself; false when it could not.
 */
async function keepAttempt(paths: AgentPaths, attempt: number, workspace?: AgentWorkspace): Promise<boolean> {
  const dir = path.join(paths.outputDir, `attempt-${attempt}`);
  fs.mkdirSync(dir, { recursive: true });
  const own = workspace ? [] : ['workspace'];
  for (const name of [...own, 'events.jsonl', 'stderr.log', 'result.json', 'result.md', 'structured.json']) {
    const from = path.join(paths.outputDir, name);
    if (fs.existsSync(from)) fs.renameSync(from, path.join(dir, name));
  }
  return workspace ? workspace.renew(dir) : true;
}
