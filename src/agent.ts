import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { claudeArgs } from './args.js';
import { classify, type Verdict } from './classify.js';
import { agentEnv } from './env.js';
import { EventReader } from './events.js';
import { readSlice } from './files.js';
import type { Credentials } from './inputs.js';
import { spawnGroup } from './process.js';
import type { AgentResult, AgentSpec } from './types.js';

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
  const started = new Date();
  let attempts = 0;
  let outcome: AttemptOutcome;
  for (;;) {
    attempts++;
    outcome = await runAttempt(spec, ctx, paths);
    const last = attempts > ctx.retries || !outcome.verdict.transient || ctx.signal.aborted;
    if (last) break;
    keepAttempt(paths, attempts);
    const base = ctx.backoffMs ?? 2000;
    const wait = outcome.verdict.retryAfterMs ?? base * 2 ** (attempts - 1) * (0.5 + Math.random());
    await sleep(wait, undefined, { signal: ctx.signal }).catch(() => undefined);
    if (ctx.signal.aborted) break;
  }
  const finished = new Date();
  const { verdict, reader } = outcome;
  const answer = reader.result?.result ?? '';
  return {
    id: spec.id,
    status: ctx.signal.aborted && verdict.status !== 'success' ? 'cancelled' : verdict.status,
    exitCode: outcome.exitCode,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
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
}

async function runAttempt(spec: AgentSpec, ctx: AgentContext, paths: AgentPaths): Promise<AttemptOutcome> {
  fs.mkdirSync(paths.workspace, { recursive: true });
  fs.mkdirSync(paths.configDir, { recursive: true });
  const events = fs.createWriteStream(path.join(paths.outputDir, 'events.jsonl'));
  const reader = new EventReader();
  let lingerTimer: NodeJS.Timeout | undefined;
  let stoppedAfterResult = false;
  const stdin = spec.promptFile ? fs.createReadStream(spec.promptFile) : Readable.from([spec.prompt ?? '']);

  const proc = spawnGroup(ctx.claude, claudeArgs(spec), {
    cwd: paths.workspace,
    env: agentEnv(ctx.baseEnv, ctx.credentials, paths.configDir),
    stdin,
    stderrFile: path.join(paths.outputDir, 'stderr.log'),
    onStdout(chunk, resume) {
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
  return { verdict, reader, exitCode };
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
