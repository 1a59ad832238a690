import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runAttempt, type AttemptOutcome } from './attempt.js';
import type { Credentials } from './inputs.js';
import type { Limiter } from './limit.js';
import type { AgentResult, AgentSpec } from './types.js';

/** The longest pause between attempts, whatever a retry-after asks for: the job's clock is running. */
const MAX_WAIT_MS = 120_000;

/** Results and the summary carry this much of an answer at most; result.md has all of it. */
export const ANSWER_EXCERPT = 2000;

export interface AgentContext {
  claude: string;
  /** The per-run folder under $RUNNER_TEMP; each agent gets `<runDir>/<id>/`. */
  runDir: string;
  credentials: Credentials;
  baseEnv: NodeJS.ProcessEnv;
  retries: number;
  /** Aborted when the run is cancelled. */
  signal: AbortSignal;
  /** Base of the exponential backoff between attempts. */
  backoffMs?: number;
  /**
   * Limits how many CLIs are starting (spawned, not yet printing) at once. Running agents are not limited
   * by it: a CLI waiting on the model needs almost no CPU, but a starting one needs a whole core.
   */
  startGate?: Limiter;
}

export interface AgentPaths {
  outputDir: string;
  workspace: string;
  configDir: string;
}

export function agentPaths(runDir: string, id: string): AgentPaths {
  const outputDir = path.join(runDir, id);
  return { outputDir, workspace: path.join(outputDir, 'workspace'), configDir: path.join(outputDir, 'config') };
}

/** Runs one agent to its end, starting it again after transient failures. Never throws. */
export async function runAgent(spec: AgentSpec, ctx: AgentContext): Promise<AgentResult> {
  const paths = agentPaths(ctx.runDir, spec.id);
  let started: Date | undefined;
  let attempts = 0;
  let startupMs = 0;
  let outcome: AttemptOutcome;
  for (;;) {
    attempts++;
    outcome = await runAttempt(spec, ctx, paths);
    started ??= outcome.spawnedAt;
    startupMs += outcome.startupMs;
    const last = attempts > ctx.retries || !outcome.verdict.transient || ctx.signal.aborted;
    if (last) break;
    keepAttempt(paths, attempts);
    const base = ctx.backoffMs ?? 2000;
    const backoff = base * 2 ** (attempts - 1) * (0.5 + Math.random());
    const wait = Math.min(outcome.verdict.retryAfterMs ?? backoff, MAX_WAIT_MS);
    await sleep(wait, undefined, { signal: ctx.signal }).catch(() => undefined);
    if (ctx.signal.aborted) break;
  }
  const finished = new Date();
  started ??= finished;
  const { reader } = outcome;
  // An agent that had not succeeded when the run was cancelled is cancelled, whatever its last attempt said.
  const verdict =
    ctx.signal.aborted && outcome.verdict.status !== 'success'
      ? { ...outcome.verdict, status: 'cancelled' as const, error: 'cancelled with the run' }
      : outcome.verdict;
  const answer = reader.result?.result ?? '';
  return {
    id: spec.id,
    status: verdict.status,
    exitCode: outcome.exitCode,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
    startupMs,
    turns: reader.result?.num_turns ?? null,
    costUsd: reader.result?.total_cost_usd ?? null,
    sessionId: reader.result?.session_id ?? reader.sessionId ?? null,
    outputDir: paths.outputDir,
    error: verdict.error,
    attempts,
    answer: answer.length > ANSWER_EXCERPT ? `${answer.slice(0, ANSWER_EXCERPT)}…` : answer,
  };
}

/** Moves an attempt's logs and workspace aside, so the next attempt starts fresh and nothing is lost. */
function keepAttempt(paths: AgentPaths, attempt: number): void {
  const dir = path.join(paths.outputDir, `attempt-${attempt}`);
  fs.mkdirSync(dir, { recursive: true });
  for (const name of ['workspace', 'events.jsonl', 'stderr.log', 'result.json', 'result.md']) {
    const from = path.join(paths.outputDir, name);
    if (fs.existsSync(from)) fs.renameSync(from, path.join(dir, name));
  }
}
