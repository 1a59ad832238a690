import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { claudeArgs } from './args.js';
import { classify, type Verdict } from './classify.js';
import { agentEnv } from './env.js';
import { EventReader } from './events.js';
import { readSlice } from './files.js';
import type { Limiter } from './limit.js';
import type { Credentials } from './inputs.js';
import { spawnGroup } from './process.js';
import type { AgentResult, AgentSpec } from './types.js';

/**
 * How long a CLI may hold its start slot without printing. Starting is CPU-bound (about 0.4 s of CPU each),
 * so CLIs that start all at once on a small runner only slow each other down; see AgentContext.startGate.
 */
const START_SLOT_MAX_MS = 20_000;

/** An attempt that never started, for classify. */
const NOT_RUN = {
  exitCode: null,
  signal: null,
  timedOut: false,
  stoppedAfterResult: false,
  sawAssistant: false,
  stderrTail: '',
};

/** The longest pause between attempts, whatever a retry-after asks for: the job's clock is running. */
const MAX_WAIT_MS = 120_000;

/** How long a CLI may go on after printing its result before it is stopped. */
export const LINGER_AFTER_RESULT_MS = 15_000;

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
  const { verdict, reader } = outcome;
  const answer = reader.result?.result ?? '';
  return {
    id: spec.id,
    status: ctx.signal.aborted && verdict.status !== 'success' ? 'cancelled' : verdict.status,
    exitCode: outcome.exitCode,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
    startupMs,
    turns: reader.result?.num_turns ?? null,
    costUsd: reader.result?.total_cost_usd ?? null,
    sessionId: reader.result?.session_id ?? reader.sessionId ?? null,
    outputDir: paths.outputDir,
    error: ctx.signal.aborted && verdict.status !== 'success' ? 'cancelled with the run' : verdict.error,
    attempts,
    answer: answer.length > ANSWER_EXCERPT ? `${answer.slice(0, ANSWER_EXCERPT)}…` : answer,
  };
}

interface AttemptOutcome {
  verdict: Verdict;
  reader: EventReader;
  exitCode: number | null;
  spawnedAt: Date;
  /** From spawning the CLI to its first output: where CLIs sharing a runner wait on each other's CPU. */
  startupMs: number;
}

async function runAttempt(spec: AgentSpec, ctx: AgentContext, paths: AgentPaths): Promise<AttemptOutcome> {
  let started!: () => void;
  const startedUp = new Promise<void>((resolve) => (started = resolve));
  if (ctx.startGate) {
    const gate = ctx.startGate;
    await new Promise<void>((slot) => {
      void gate(() => {
        slot();
        return startedUp;
      });
    });
  }
  // A CLI that never prints must not hold its start slot for ever.
  const startGuard = setTimeout(started, START_SLOT_MAX_MS);
  if (ctx.signal.aborted) {
    started();
    clearTimeout(startGuard);
    const verdict = classify({ ...NOT_RUN, cancelled: true, timeoutMinutes: spec.timeoutMinutes });
    return { verdict, reader: new EventReader(), exitCode: null, spawnedAt: new Date(), startupMs: 0 };
  }
  fs.mkdirSync(paths.workspace, { recursive: true });
  fs.mkdirSync(paths.configDir, { recursive: true });
  const events = fs.createWriteStream(path.join(paths.outputDir, 'events.jsonl'));
  const reader = new EventReader();
  let lingerTimer: NodeJS.Timeout | undefined;
  let stoppedAfterResult = false;
  const spawnedAt = new Date();
  let startupMs: number | undefined;
  const stdin = spec.promptFile ? fs.createReadStream(spec.promptFile) : Readable.from([spec.prompt ?? '']);

  const proc = spawnGroup(ctx.claude, claudeArgs(spec), {
    cwd: paths.workspace,
    env: agentEnv(ctx.baseEnv, ctx.credentials, paths.configDir),
    stdin,
    stderrFile: path.join(paths.outputDir, 'stderr.log'),
    onStdout(chunk, resume) {
      if (startupMs === undefined) {
        startupMs = Date.now() - spawnedAt.getTime();
        started();
      }
      reader.push(chunk);
      // Some CLI versions print their result and then linger; the answer is in, so end them.
      if (reader.result && !lingerTimer) {
        lingerTimer = setTimeout(() => {
          stoppedAfterResult = true;
          proc.stop();
        }, LINGER_AFTER_RESULT_MS);
      }
      if (events.write(chunk)) return true;
      events.once('drain', resume);
      return false;
    },
  });

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.stop();
  }, spec.timeoutMinutes * 60_000);
  const onAbort = () => proc.stop();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  if (ctx.signal.aborted) proc.stop();

  const { exitCode, signal } = await proc.exited;
  started();
  clearTimeout(startGuard);
  clearTimeout(timer);
  clearTimeout(lingerTimer);
  ctx.signal.removeEventListener('abort', onAbort);
  reader.end();
  await new Promise<void>((resolve) => events.end(resolve));

  const verdict = classify({
    exitCode,
    signal,
    result: reader.result,
    timedOut,
    stoppedAfterResult,
    cancelled: ctx.signal.aborted,
    timeoutMinutes: spec.timeoutMinutes,
    sawAssistant: reader.sawAssistant,
    stderrTail: readSlice(path.join(paths.outputDir, 'stderr.log'), 4096, 'end'),
  });
  if (reader.result) {
    fs.writeFileSync(path.join(paths.outputDir, 'result.json'), `${JSON.stringify(reader.result, null, 2)}\n`);
    fs.writeFileSync(path.join(paths.outputDir, 'result.md'), reader.result.result ?? '');
  }
  return { verdict, reader, exitCode, spawnedAt, startupMs: startupMs ?? Date.now() - spawnedAt.getTime() };
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
