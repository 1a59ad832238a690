import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AgentResult, AgentSpec } from '../types.js';
import { runAttempt, type AttemptOutcome } from './attempt.js';
import { finalVerdict } from './classify.js';
import { agentPaths, type AgentContext, type AgentPaths, type AgentWorkspace } from './context.js';
import { buildResult } from './result.js';

/** The longest pause between attempts, whatever a retry-after asks for: the job's clock is running. */
const MAX_WAIT_MS = 120_000;

/**
 * Runs one agent to its end, starting it again after transient failures. Never throws. It works in `workspace`
 * when given, else in its own empty folder.
 */
export async function runAgent(spec: AgentSpec, ctx: AgentContext, workspace?: AgentWorkspace): Promise<AgentResult> {
  const paths = agentPaths(ctx.runDir, spec.id);
  let started: Date | undefined;
  let attempts = 0;
  let startupMs = 0;
  let outcome: AttemptOutcome;
  for (;;) {
    attempts++;
    outcome = await runAttempt(spec, ctx, paths, workspace);
    started ??= outcome.spawnedAt;
    startupMs += outcome.startupMs;
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
  for (const name of [...own, 'events.jsonl', 'stderr.log', 'result.json', 'result.md']) {
    const from = path.join(paths.outputDir, name);
    if (fs.existsSync(from)) fs.renameSync(from, path.join(dir, name));
  }
  return workspace ? workspace.renew(dir) : true;
}
