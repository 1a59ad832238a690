import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { AgentResult, AgentSpec, AgentWorkspace, TokenUsage } from '../types.js';
import { agentHomeFiles, handOver, handOverEntries, reclaim } from '../isolation/hand-over.js';
import type { AgentUser } from '../isolation/run-as.js';
import { readSlice } from '../util/files.js';
import { classify, type Verdict } from './classify.js';
import { claudeArgs } from './cli-args.js';
import type { AgentContext, AgentPaths } from './context.js';
import { agentEnv, agentUserEnv } from './env.js';
import { EventReader, tokenUsage } from './events.js';
import { watchIdle } from './idle.js';
import { placeInputs } from './needs.js';
import { spawnGroup } from './process.js';
import type { Release } from './start-gate.js';

/** How long a CLI may go on after printing its result before it is stopped. */
const LINGER_AFTER_RESULT_MS = 15_000;

/** What the CLI's result event said, in the action's terms; null where it said nothing. */
export interface AttemptReport {
  turns: number | null;
  costUsd: number | null;
  sessionId: string | null;
  /** The whole final answer ('' without one); result.md holds the same. */
  answer: string;
  /** The structured output, for an agent given a JSON Schema; structured.json holds the same. */
  structured?: unknown;
  usage: TokenUsage | null;
}

/** The report of an attempt whose CLI never said anything. */
export const NOTHING_REPORTED: AttemptReport = { turns: null, costUsd: null, sessionId: null, answer: '', usage: null };

export interface AttemptOutcome {
  /** Undefined when the run was cancelled before the CLI was spawned. */
  verdict: Verdict | undefined;
  report: AttemptReport;
  exitCode: number | null;
  spawnedAt: Date;
  /** From spawning the CLI to its first output: where CLIs sharing a runner wait on each other's CPU. */
  startupMs: number;
}

/** What judging an attempt needs from a CLI that was spawned and has exited. */
interface Followed {
  exitCode: number | null;
  signal: string | null;
  reader: EventReader;
  events: fs.WriteStream;
  timedOut: boolean;
  /** Stopped for printing nothing for `idleTimeoutMinutes`. */
  idle: boolean;
  stoppedAfterResult: boolean;
  spawnedAt: Date;
  /** Undefined when the CLI never printed. */
  startupMs: number | undefined;
}

/** How an attempt ended that never spawned its CLI: cancelled, or its folders not handed over. */
type NotSpawned = Pick<AttemptOutcome, 'verdict' | 'report' | 'exitCode'>;

const CANCELLED: NotSpawned = { verdict: undefined, report: NOTHING_REPORTED, exitCode: null };

/**
 * One run of the CLI: waits for a start slot, spawns it, follows its output, and judges how it ended. `needed`
 * are the results of the agents it needs, whose output it finds in its working folder. It runs in `workspace`,
 * or else in the agent's own `workspace/` folder.
 */
export async function runAttempt(
  spec: AgentSpec,
  ctx: AgentContext,
  paths: AgentPaths,
  needed: readonly AgentResult[] = [],
  workspace?: AgentWorkspace,
): Promise<AttemptOutcome> {
  const release = (await ctx.startGate?.take()) ?? (() => {});
  const folders = userFolders(paths, workspace);
  let followed: Followed;
  try {
    const ready = ctx.signal.aborted ? CANCELLED : await prepare(ctx, paths, needed, workspace, folders);
    if ('verdict' in ready) return { ...ready, spawnedAt: new Date(), startupMs: 0 };
    followed = await spawnAndFollow(spec, ctx, paths, ready.cwd, release);
  } finally {
    // The slot goes back at the CLI's first output, or here: it never spawned, or exited without a word.
    release();
  }
  followed.reader.end();
  await new Promise<void>((resolve) => followed.events.end(resolve));
  if (ctx.agentUser) {
    // The action (staging, redaction, the next attempt's move) and later steps work on what the agent wrote.
    await reclaim(ctx.agentUser, folders).catch((err: Error) =>
      fs.appendFileSync(path.join(paths.outputDir, 'stderr.log'), `${err.message}\n`),
    );
  }
  return judge(spec, paths, followed);
}

/**
 * The agent's folders made ready for its CLI: its working folder, the needed agents' output in it, and, for an
 * agent user, its folders handed over. The folder the CLI starts in, or how the attempt failed.
 */
async function prepare(
  ctx: AgentContext,
  paths: AgentPaths,
  needed: readonly AgentResult[],
  workspace: AgentWorkspace | undefined,
  folders: string[],
): Promise<{ cwd: string } | NotSpawned> {
  const cwd = workspace?.cwd ?? paths.workspace;
  if (!workspace) fs.mkdirSync(paths.workspace, { recursive: true });
  fs.mkdirSync(paths.configDir, { recursive: true });
  // Placed before the hand-over, so that the agent's user owns them like the rest of its folder.
  if (needed.length) placeInputs(cwd, needed);
  if (ctx.agentUser) {
    const refused = await handOverFolders(ctx.agentUser, paths, folders, workspace?.writtenSinceMade?.());
    if (refused) return refused;
  }
  workspace?.beforeStart();
  return { cwd };
}

/**
 * Spawns the CLI in `cwd` and follows it to its exit: stdout into events.jsonl and the event reader, `release`
 * at its first output, and the timers that stop it (its timeout, lingering after its result, the cancel).
 */
async function spawnAndFollow(
  spec: AgentSpec,
  ctx: AgentContext,
  paths: AgentPaths,
  cwd: string,
  release: Release,
): Promise<Followed> {
  const user = ctx.agentUser;
  const events = fs.createWriteStream(path.join(paths.outputDir, 'events.jsonl'));
  // Through the proxy, each 429 and 529 is heard first-hand as it passes, side requests' included; the CLI's
  // stream reports only those of the requests it retries, and later.
  const pass = ctx.apiProxy?.grant((answer) => {
    if (answer.status === 429 || answer.status === 529) ctx.onPushback?.({ status: answer.status, final: false });
  });
  const reader = new EventReader(pass ? undefined : ctx.onPushback);
  let lingerTimer: NodeJS.Timeout | undefined;
  let stoppedAfterResult = false;
  const spawnedAt = new Date();
  let startupMs: number | undefined;
  const stdin = spec.promptFile ? fs.createReadStream(spec.promptFile) : Readable.from([spec.prompt ?? '']);
  // Set before the spawn, so that it also catches a CLI that never prints at all.
  const idle = watchIdle(spec.idleTimeoutMinutes, () => proc.stop());

  const proc = spawnGroup(ctx.claude, claudeArgs(withSettingFiles(spec, paths.configDir)), {
    cwd,
    env: {
      ...agentEnv(ctx.baseEnv, ctx.credentials, paths.configDir, pass),
      ...(user ? agentUserEnv(user.name, paths.home, paths.tmp) : {}),
      ...ctx.networkEnv?.(spec.id),
    },
    stdin,
    stderrFile: path.join(paths.outputDir, 'stderr.log'),
    runAs: user,
    onStdout(chunk, resume) {
      if (startupMs === undefined) {
        startupMs = Date.now() - spawnedAt.getTime();
        release();
      }
      reader.push(chunk);
      idle.saw(chunk);
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
  // The CLI's group is gone: a token it leaked is worth nothing from here on.
  pass?.revoke();
  clearTimeout(timer);
  clearTimeout(lingerTimer);
  idle.stop();
  ctx.signal.removeEventListener('abort', onAbort);
  return { exitCode, signal, reader, events, timedOut, idle: idle.fired, stoppedAfterResult, spawnedAt, startupMs };
}

/** How the attempt ended, with the result's files (result.json, result.md, structured.json) written. */
function judge(spec: AgentSpec, paths: AgentPaths, followed: Followed): AttemptOutcome {
  const { reader } = followed;
  const verdict = classify({
    exitCode: followed.exitCode,
    signal: followed.signal,
    result: reader.result,
    timedOut: followed.timedOut,
    idleMinutes: followed.idle ? spec.idleTimeoutMinutes : undefined,
    stoppedAfterResult: followed.stoppedAfterResult,
    timeoutMinutes: spec.timeoutMinutes,
    sawAssistant: reader.sawAssistant,
    stderrTail: readSlice(path.join(paths.outputDir, 'stderr.log'), 4096, 'end'),
    jsonSchema: spec.jsonSchema,
    structuredRejection: reader.structuredRejection,
    maxBudgetUsd: spec.maxBudgetUsd,
  });
  if (reader.result) {
    fs.writeFileSync(path.join(paths.outputDir, 'result.json'), `${JSON.stringify(reader.result, null, 2)}\n`);
    fs.writeFileSync(path.join(paths.outputDir, 'result.md'), reader.result.result ?? '');
  }
  const structured = reader.result?.structured_output;
  if (structured !== undefined) {
    fs.writeFileSync(path.join(paths.outputDir, 'structured.json'), `${JSON.stringify(structured, null, 2)}\n`);
  }
  const report = {
    turns: reader.result?.num_turns ?? null,
    costUsd: reader.result?.total_cost_usd ?? null,
    sessionId: reader.result?.session_id ?? reader.sessionId ?? null,
    answer: reader.result?.result ?? '',
    ...(structured !== undefined && { structured }),
    usage: reader.result ? tokenUsage(reader.result) : null,
  };
  const { exitCode, spawnedAt, startupMs } = followed;
  return { verdict, report, exitCode, spawnedAt, startupMs: startupMs ?? Date.now() - spawnedAt.getTime() };
}

/**
 * The folders an agent running as another user writes: its working folder (its own, or the worktree or copy made
 * for it; never the checkout itself), its config, home and temp. The rest of its folder stays the action's.
 */
function userFolders(paths: AgentPaths, workspace: AgentWorkspace | undefined): string[] {
  const work = workspace ? !workspace.writtenSinceMade && workspace.own : paths.workspace;
  return [...(work ? [work] : []), paths.configDir, paths.home, paths.tmp];
}

/** Gives the agent user its folders for one attempt; the outcome of a failed attempt when that fails. */
async function handOverFolders(
  user: AgentUser,
  paths: AgentPaths,
  folders: string[],
  entries: string[] = [],
): Promise<NotSpawned | undefined> {
  try {
    fs.mkdirSync(paths.home, { recursive: true });
    fs.mkdirSync(paths.tmp, { recursive: true });
    for (const [name, text] of Object.entries(agentHomeFiles())) {
      const file = path.join(paths.home, name);
      if (!fs.existsSync(file)) fs.writeFileSync(file, text);
    }
    await handOver(user, folders);
    await handOverEntries(user, entries);
    return undefined;
  } catch (err) {
    const error = `could not start as ${user.name}: ${(err as Error).message}`;
    fs.appendFileSync(path.join(paths.outputDir, 'stderr.log'), `${error}\n`);
    return {
      verdict: { status: 'failure', error, transient: false },
      report: NOTHING_REPORTED,
      exitCode: null,
    };
  }
}

/**
 * The spec with settings given as JSON text written to files in the agent's config folder (never uploaded), so
 * that what they may hold (MCP servers' tokens, `env`) stays off the command line, which every process can read.
 */
function withSettingFiles(spec: AgentSpec, configDir: string): AgentSpec {
  const file = (value: string | undefined, name: string) => {
    if (!value?.startsWith('{')) return value;
    const target = path.join(configDir, name);
    fs.writeFileSync(target, value, { mode: 0o600 });
    return target;
  };
  return {
    ...spec,
    settings: file(spec.settings, 'cli-settings.json'),
    mcpConfig: file(spec.mcpConfig, 'cli-mcp-config.json'),
  };
}
