// `npm run bench`: real Claude Code CLIs against the stand-in model server, three ways side by side:
//   sequential  the action with max-parallel 1
//   action      the action with every agent at once
//   (action-user, when asked for: the same with agent-user auto, agents as a user of their own; action-fenced:
//   that with allowed-hosts set, agents behind the action's proxy and firewall)
//   reference   the same `claude -p --output-format stream-json --verbose` commands started by a plain
//               `bash -c` loop with `&` and `wait`: the limit any orchestrator can reach on this machine
// and writes results.json, results.md and speedup.svg. With --capacity K it measures adaptive concurrency
// instead: the action with it on and off against a stand-in that takes at most K requests at once, written to
// capacity-results.json and capacity-results.md. `node bench/run.js --help` lists the options.
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startModelServer } from '../stand-ins/model-server.js';
import { LOCAL_CLAUDE, ROOT, startAction } from '../stand-ins/run-action.js';
import { CAPACITY_MODES, checkCapacityTargets, renderCapacityMarkdown, summarizeCapacity } from './capacity.js';
import { renderSpeedupChart } from './chart.js';
import { checkTargets, renderMarkdown, summarize } from './report.js';
import { estimateSequential } from '../src/report/stats.js';
import { TICKS_PER_SECOND, parseStat } from '../src/util/proc-stat.js';
import { TreeSampler, waitForQuiet } from './sampler.js';
import { benchAggregate, parseAggregateSpec } from './aggregate.js';
import { benchProxy } from './proxy.js';
import { makeSyntheticRepo } from './synthetic-repo.js';
import { measureSetup } from './workspace-setup.js';
import { openWayToProject } from '../stand-ins/reachable.js';
import {
  checkWorkspaceTargets,
  renderWorkspacesMarkdown,
  summarizeWorkspaces,
  WORKSPACE_WAYS,
} from './workspaces-report.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PROBE = pathToFileURL(path.join(HERE, 'probe.js')).href;

const HELP = `Usage: npm run bench -- [options]

  --n LIST          agent counts, comma separated or repeated (default 5,10,20,50)
  --latency MS      the stand-in model's delay before each answer (default 10000)
  --repeat R        runs of each parallel way per N; medians are reported (default 3)
  --modes LIST      ways to run: sequential,action,reference (default all three), and action-user: the action
                    with agent-user auto (a user of their own where the machine allows; the others run
                    with agent-user none), and action-fenced: action-user with allowed-hosts set (none: the
                    model only), the proxy and the firewall in place
  --agent-user NAME the agent-user of action-user and action-fenced (default auto); the firewall acts on that
                    user's uid, so give one no other work on the machine uses
  --stagger MS      also run the reference with MS between launches ("reference-staggered")
  --gate K          also run the reference with at most K CLIs starting at once, 0 meaning one per core
                    ("reference-gated"; a CLI has started once it has written its first event)
  --capacity K      instead of the ways above: the stand-in serves at most K requests at once (429 with
                    retry-after beyond that), and the action runs with adaptive-concurrency on and off
                    ("adaptive", "fixed"); reports the 429s and the wall time of each
  --retry-after S   the retry-after of those 429s, in seconds (default 1)
  --quick           --n 2,5 --latency 2000
  --out DIR         where results.json, results.md and speedup.svg go (default bench/)
  --claude PATH     the CLI to run (default the pinned one in node_modules)
  --interval MS     /proc sampling period (default 200)
  --quiet-wait MS   before each run, wait up to MS for other work on the machine to settle
                    (default 120000; 5000 when CI is set)
  --max-other-load P  a run during which other processes used more than P% of the machine is run again (default 10)
  --redo-noisy K    at most K times (default 2; 0 when CI is set); the discarded runs stay in results.json
  --workspaces      instead of the above: the action with agents in worktrees of a synthetic repository against
                    agents in empty folders, side by side (default --n 5,20,50), after timing one folder alone;
                    writes workspaces.json and workspaces.md
  --repo-files K    files in the synthetic repository (default 5000)
  --repo-mb M       megabytes of text in it (default 50)
  --keep            keep the scratch folders of every run
  --aggregate AxS   instead of the above: A agents over S shards with the fake CLI (answering at once), then
                    the aggregate action over their artifacts-dir, timed with its peak memory (aggregate.json)
  --proxy           instead of the above: what the API proxy costs, side by side: one streamed request straight
                    and through it (median of 500 each), and the action at N (default 20) with api-proxy
                    auto and off, --repeat runs each, alternated; writes proxy.json and proxy.md
  --help            this text

Exits non-zero when any agent failed.`;

const { values: opt } = parseArgs({
  options: {
    n: { type: 'string', multiple: true },
    latency: { type: 'string' },
    repeat: { type: 'string' },
    modes: { type: 'string' },
    stagger: { type: 'string' },
    gate: { type: 'string' },
    quick: { type: 'boolean' },
    out: { type: 'string' },
    claude: { type: 'string' },
    interval: { type: 'string' },
    'quiet-wait': { type: 'string' },
    'max-other-load': { type: 'string' },
    'redo-noisy': { type: 'string' },
    keep: { type: 'boolean' },
    aggregate: { type: 'string' },
    capacity: { type: 'string' },
    'retry-after': { type: 'string' },
    workspaces: { type: 'boolean' },
    proxy: { type: 'boolean' },
    'repo-files': { type: 'string' },
    'repo-mb': { type: 'string' },
    'agent-user': { type: 'string' },
    help: { type: 'boolean' },
  },
});
if (opt.help) {
  console.log(HELP);
  process.exit(0);
}

/** @param {string} what @param {string} value */
function positive(what, value) {
  const v = Number(value);
  if (!Number.isFinite(v) || v < 0) {
    console.error(`--${what} must be a number ≥ 0, got ${JSON.stringify(value)}`);
    process.exit(2);
  }
  return v;
}

const ns = (opt.n ?? (opt.quick ? ['2,5'] : opt.workspaces ? ['5,20,50'] : ['5,10,20,50']))
  .flatMap((v) => v.split(','))
  .map((v) => v.trim())
  .filter(Boolean)
  .map((v) => {
    const n = positive('n', v);
    if (!Number.isInteger(n) || n < 1) {
      console.error(`--n takes whole numbers ≥ 1, got ${v}`);
      process.exit(2);
    }
    return n;
  });
const latencyMs = positive('latency', opt.latency ?? (opt.quick ? '2000' : '10000'));
const repeat = Math.max(1, Math.round(positive('repeat', opt.repeat ?? '3')));
const intervalMs = Math.max(20, positive('interval', opt.interval ?? '200'));
const maxOtherLoadPct = positive('max-other-load', opt['max-other-load'] ?? '10');
// CI's smoke checks that the bench works, not its numbers: there it neither waits long nor runs again.
const inCI = !!process.env.CI;
const redoNoisy = Math.round(positive('redo-noisy', opt['redo-noisy'] ?? (inCI ? '0' : '2')));
const quietWaitMs = positive('quiet-wait', opt['quiet-wait'] ?? (inCI ? '5000' : '120000'));
const staggerMs = opt.stagger === undefined ? null : positive('stagger', opt.stagger);
const modes = (opt.modes ?? 'sequential,action,reference').split(',').map((m) => m.trim());
for (const m of modes) {
  if (!['sequential', 'action', 'reference', 'action-user', 'action-fenced'].includes(m)) {
    console.error(`--modes takes sequential, action, reference, action-user and action-fenced; got ${m}`);
    process.exit(2);
  }
}
const capacity = opt.capacity === undefined ? null : Math.round(positive('capacity', opt.capacity));
if (capacity === 0) {
  console.error('--capacity takes a whole number ≥ 1');
  process.exit(2);
}
const retryAfterS = positive('retry-after', opt['retry-after'] ?? '1');
const gateOpt = opt.gate === undefined ? null : Math.round(positive('gate', opt.gate));
const gate = gateOpt === 0 ? os.availableParallelism() : gateOpt;
const VARIANTS = ['reference-staggered', 'reference-gated'];
if (staggerMs !== null) modes.push('reference-staggered');
if (gate !== null) modes.push('reference-gated');
const outDir = path.resolve(opt.out ?? HERE);
const claude = path.resolve(opt.claude ?? LOCAL_CLAUDE);

const BASE_ENV = {
  ANTHROPIC_BASE_URL: '',
  ANTHROPIC_API_KEY: 'sk-bench',
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
};

/**
 * The reference: the same commands the action runs, each in its own folder, started by a shell loop with `&`
 * and `wait`. Two variants for the profiling questions: a fixed pause between launches ($2 seconds), or a
 * start gate that lets at most $3 CLIs be starting at once (one counts as started once it has written its
 * first event, the `system init` line).
 */
const REFERENCE_SCRIPT = `
claude=$1; stagger=$2; gate=$3; shift 3
exec {never}<> <(:)   # a pipe nothing writes to: 'read -t' on it sleeps without starting a process
starting=()
for d in "$@"; do
  while [ "$gate" -gt 0 ]; do
    still=()
    for s in "\${starting[@]}"; do [ -s "$s/events.jsonl" ] || [ -e "$s/times" ] || still+=("$s"); done
    starting=("\${still[@]}")
    [ "\${#starting[@]}" -lt "$gate" ] && break
    read -r -t 0.02 -u "$never"
  done
  (
    cd "$d/workspace" || exit 97
    start=$EPOCHREALTIME
    CLAUDE_CONFIG_DIR="$d/config" "$claude" -p --output-format stream-json --verbose \\
      <"$d/prompt.txt" >"$d/events.jsonl" 2>"$d/stderr.log"
    rc=$?
    echo "$start $EPOCHREALTIME $rc" >"$d/times"
  ) &
  starting+=("$d")
  if [ "$stagger" != 0 ]; then sleep "$stagger"; fi
done
wait
read -r stat </proc/$$/stat
echo "BENCH_STAT $stat"
`;

const log = (/** @type {string} */ msg) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);
const sec = (/** @type {number} */ ms) => `${(ms / 1000).toFixed(1)} s`;
const promptFor = (/** @type {number} */ i, /** @type {number} */ n) => `Bench agent ${i} of ${n}: answer in one line.`;
const indexOfPrompt = (/** @type {string} */ p) => Number(/Bench agent (\d+) of/.exec(p)?.[1] ?? NaN);

/** Live processes this bench started, to stop them if it is interrupted. */
const live = new Set();
for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(sig, () => {
    log(`${sig}: stopping what is running`);
    for (const stop of live) stop();
    setTimeout(() => process.exit(130), 5000).unref();
  });
}

/** A model server for one run, recording when each agent's first main request arrived. */
async function serverFor(/** @type {number} */ latency, /** @type {number | null} */ cap = null) {
  const server = await startModelServer({ latencyMs: latency, capacity: cap ?? undefined, retryAfterS });
  /** @type {Map<number, number>} agent number -> epoch ms */
  const arrivals = new Map();
  const prompts = server.stats.prompts;
  // The server lists each new prompt as its first main request comes in: that moment is what we want.
  prompts.push = (...items) => {
    for (const p of items) arrivals.set(indexOfPrompt(p), Date.now());
    return Array.prototype.push.apply(prompts, items);
  };
  return { server, arrivals };
}

/** Before each run: waits (up to --quiet-wait ms) for other work on the machine to settle. */
async function quiet_() {
  const q = await waitForQuiet({
    maxBusyPct: 15,
    maxWaitMs: quietWaitMs,
    onWait: (busy) => log(`  the machine is ${busy.toFixed(0)}% busy with other work: waiting for it to settle`),
  });
  if (q.waited) log(`  went on at ${q.busyPct.toFixed(0)}% busy`);
  return { busyPct: Math.round(q.busyPct), waited: q.waited };
}

function scratch(/** @type {string} */ name) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `claude-bench-${name}-`));
}

/** The agent folder's name in a process's cwd: `.../agent-7/workspace`, or its worktree `.../.workspaces/agent-7`. */
const agentOfCwd = (/** @type {string} */ cwd) => Number(/agent-(\d+)(?:\/workspace)?$/.exec(cwd)?.[1] ?? NaN);

/**
 * Samples how much of the file system holding `dir` is in use, every 200 ms; `stop` returns the most it grew by,
 * in MB (other work on the machine writing meanwhile counts too).
 * @param {string} dir
 */
function diskSampler(dir) {
  const used = () => {
    const s = fs.statfsSync(dir);
    return (s.blocks - s.bfree) * s.bsize;
  };
  const base = used();
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, used())), 200);
  return {
    stop() {
      clearInterval(timer);
      return Math.round((Math.max(peak, used()) - base) / 1e6);
    },
  };
}

/**
 * Matches the agent CLIs the sampler saw to agent numbers, through each one's working folder.
 * @param {ReturnType<TreeSampler['stop']>} sampled
 */
function agentProcs(sampled) {
  const real = fs.realpathSync(claude);
  /** @type {Map<number, { peakRssKb: number, cpuMs: number }>} */
  const byAgent = new Map();
  for (const p of sampled.procs) {
    if (p.exe !== real) continue;
    const i = agentOfCwd(p.cwd ?? '');
    const prev = byAgent.get(i) ?? { peakRssKb: 0, cpuMs: 0 };
    byAgent.set(i, { peakRssKb: Math.max(prev.peakRssKb, p.peakRssKb), cpuMs: prev.cpuMs + p.cpuMs });
  }
  return byAgent;
}

/**
 * @param {{ mode: string, n: number, rep: number, latency: number, t0: number, wallMs: number,
 *   agents: { i: number, spawnEpoch: number | null, endEpoch: number | null, startupMs?: number | null, status: string, error?: string | null,
 *     cli?: any }[],
 *   sampled: ReturnType<TreeSampler['stop']>, arrivals: Map<number, number>, server: any,
 *   orchestrator: { peakRssKb: number, cpuMs: number, source: string }, agentsCpuMs: number | null,
 *   benchCpuMs: number, quiet?: any, reported?: any, extra?: any }} r
 */
function record(r) {
  const procs = agentProcs(r.sampled);
  const agents = r.agents.map((a) => {
    const first = r.arrivals.get(a.i) ?? null;
    const p = procs.get(a.i);
    const rel = (/** @type {number | null} */ e) => (e === null ? null : e - r.t0);
    return {
      id: `agent-${a.i}`,
      status: a.status,
      error: a.error ?? null,
      spawnMs: rel(a.spawnEpoch),
      firstRequestMs: rel(first),
      endMs: rel(a.endEpoch),
      durationMs: a.spawnEpoch !== null && a.endEpoch !== null ? a.endEpoch - a.spawnEpoch : null,
      // Start-up as the action counts it: spawn to the CLI's first output (the action's own figure for its
      // agents; for the reference's, when the bench saw its events file first grow).
      startupMs: a.startupMs ?? null,
      toFirstRequestMs: first !== null && a.spawnEpoch !== null ? first - a.spawnEpoch : null,
      afterAnswerMs: first !== null && a.endEpoch !== null ? a.endEpoch - (first + r.latency) : null,
      peakRssKb: p?.peakRssKb ?? 0,
      cpuMsSampled: p?.cpuMs ?? null,
      cli: a.cli ?? null,
    };
  });
  const timed = agents.filter((a) => a.durationMs !== null);
  const span = timed.length
    ? Math.max(...timed.map((a) => /** @type {number} */ (a.endMs))) -
      Math.min(...timed.map((a) => /** @type {number} */ (a.spawnMs)))
    : 0;
  const formula = estimate(timed, r.agentsCpuMs, span);
  // The processes and the root's stat are summed up above; the rest of the sampling goes in as it is.
  const sampledRest = { ...r.sampled, procs: undefined, rootStat: undefined };
  // What the rest of the machine used meanwhile: every CPU's busy time less this run's processes and the bench.
  const ours = r.orchestrator.cpuMs + (r.agentsCpuMs ?? 0) + r.benchCpuMs;
  const otherCpuMs = Math.max(0, r.sampled.machineBusyCpuMs - ours);
  return {
    n: r.n,
    mode: r.mode,
    rep: r.rep,
    latencyMs: r.latency,
    wallMs: Math.round(r.wallMs),
    failures: agents.filter((a) => a.status !== 'success').map((a) => `${a.id}: ${a.status} ${a.error ?? ''}`.trim()),
    reported: r.reported ?? null,
    /** From starting the orchestrator to starting its first agent, and from the last agent's end to its exit. */
    firstSpawnMs: timed.length ? Math.min(...timed.map((a) => /** @type {number} */ (a.spawnMs))) : null,
    lastSpawnMs: timed.length ? Math.max(...timed.map((a) => /** @type {number} */ (a.spawnMs))) : null,
    exitAfterLastAgentMs: timed.length
      ? Math.round(r.wallMs - Math.max(...timed.map((a) => /** @type {number} */ (a.endMs))))
      : null,
    /** The action's speedup estimate (src/stats.ts), applied to this run's agents; and plain sum of durations / span. */
    formulaSpeedup: formula.speedup,
    sumDurationSpeedup: formula.sumDurationSpeedup,
    formula,
    orchestrator: r.orchestrator,
    agentsCpuMs: r.agentsCpuMs,
    treePeakRssKb: r.sampled.treePeakRssKb,
    cpuBusyPct: r.sampled.cpuBusyPct,
    cpuSaturatedPct: r.sampled.cpuSaturatedPct,
    benchCpuMs: Math.round(r.benchCpuMs),
    otherCpuMs: Math.round(otherCpuMs),
    /** Other processes' share of the machine's CPU capacity during the run. */
    otherLoadPct: (100 * otherCpuMs) / (r.wallMs * os.cpus().length),
    quietBefore: r.quiet ?? null,
    serverRequests: r.server.stats.requests,
    serverMaxInFlight: r.server.stats.maxInFlight,
    /** 429s the stand-in gave for its capacity (--capacity). */
    serverRejected: r.server.stats.rejected,
    sampler: sampledRest,
    agents,
    ...(r.extra ?? {}),
  };
}

/** @param {string} procStat a /proc/<pid>/stat line */
function childrenCpuMs(procStat) {
  const { cutime, cstime } = parseStat(procStat);
  return ((cutime + cstime) * 1000) / TICKS_PER_SECOND;
}

/**
 * The action's one-after-another estimate (estimateSequential in src/report/stats.ts), applied to this run's
 * agents, over the span from the first spawn to the last end. Agents whose start-up is unknown count it as 0.
 * @param {{ durationMs: number | null, startupMs: number | null }[]} agents
 * @param {number | null} agentsCpuMs
 * @param {number} span
 */
function estimate(agents, agentsCpuMs, span) {
  const known = agents.map((a) => ({ durationMs: a.durationMs ?? 0, startupMs: a.startupMs ?? 0 }));
  const { sumDurationMs, startupsMs, sequentialEstimateMs } = estimateSequential(known, agentsCpuMs ?? undefined);
  return {
    sumDurationMs,
    startupsMs,
    sequentialEstimateMs,
    spanMs: span,
    speedup: span > 0 ? sequentialEstimateMs / span : null,
    sumDurationSpeedup: span > 0 ? sumDurationMs / span : null,
  };
}

/**
 * Notes when each agent's events file first holds something: the moment its CLI first wrote to stdout. The
 * reference has no other way to say it; inotify, so the bench spends no CPU polling.
 * @param {string[]} dirs
 */
function watchFirstOutput(dirs) {
  /** @type {(number | null)[]} epoch ms */
  const seen = dirs.map(() => null);
  const watchers = dirs.map((d, k) =>
    fs.watch(d, (_event, name) => {
      if (seen[k] !== null || name !== 'events.jsonl') return;
      const now = Date.now();
      try {
        if (fs.statSync(path.join(d, 'events.jsonl')).size > 0) seen[k] = now;
      } catch {
        // not there yet
      }
    }),
  );
  return {
    seen,
    stop() {
      for (const w of watchers) w.close();
    },
  };
}

/** Prints a line every 10 s while a run goes on. */
function ticker(/** @type {string} */ label, /** @type {() => string} */ state) {
  const t0 = Date.now();
  const timer = setInterval(() => log(`${label}: ${sec(Date.now() - t0)}, ${state()}`), 10_000);
  return () => clearInterval(timer);
}

/**
 * The action (dist/index.js) as the runner starts it, with every agent at once or one at a time; under
 * --capacity, every agent at once with adaptive concurrency on ("adaptive") or off ("fixed").
 */
async function runAction(
  /** @type {string} */ mode,
  /** @type {number} */ n,
  /** @type {number} */ rep,
  latency = latencyMs,
  /** @type {{ inputs?: Record<string, string>, diskOf?: string }} more inputs; a folder whose file system's use is sampled */
  more = {},
) {
  const cap = CAPACITY_MODES.includes(mode) ? capacity : null;
  const dir = scratch(`${mode}-n${n}`);
  const probeFile = path.join(dir, 'probe.json');
  // The probe is loaded into the action's node through NODE_OPTIONS, and takes itself out of the environment
  // at once, so the agents' environment is what it would be. (A shell wrapper would not do: sh drops
  // variables such as INPUT_FAIL-ON, whose names hold a '-'.)
  const nodeOptions = [process.env.NODE_OPTIONS, `--import=${PROBE}`].filter(Boolean).join(' ');
  const prompts = Array.from({ length: n }, (_, k) => ({ id: `agent-${k + 1}`, prompt: promptFor(k + 1, n) }));
  const { server, arrivals } = await serverFor(latency, cap);
  let done = 0;
  let failed = 0;
  /** What the action said of its agent user: how it acts for it, and how long setting it up took. */
  let agentUser = null;
  /** @type {Map<number, number>} agent number -> ms its workspace took to make, from the action's log */
  const setupMs = new Map();
  try {
    const quiet = await quiet_();
    const disk = more.diskOf ? diskSampler(more.diskOf) : null;
    const cpu0 = process.cpuUsage();
    const t0 = Date.now();
    const start = performance.now();
    const { child, done: finished } = startAction({
      dir,
      inputs: {
        prompts: JSON.stringify(prompts),
        'claude-path': claude,
        upload: 'none',
        'max-parallel': mode === 'sequential' ? '1' : '',
        // The default (100) would refuse a larger --n.
        'max-agents': String(prompts.length),
        'adaptive-concurrency': mode === 'fixed' ? 'false' : 'true',
        'agent-user': mode === 'action-user' || mode === 'action-fenced' ? (opt['agent-user'] ?? 'auto') : 'none',
        ...(mode === 'action-fenced' ? { 'allowed-hosts': 'none' } : {}),
        ...more.inputs,
      },
      env: {
        ...BASE_ENV,
        ANTHROPIC_BASE_URL: server.url,
        NODE_OPTIONS: nodeOptions,
        BENCH_PROBE_OUT: probeFile,
        BENCH_NODE_OPTIONS: process.env.NODE_OPTIONS ?? '',
      },
      onLine(line) {
        const u = /^Agents run as (\S+) .*acts for it (as root|through sudo)\), set up in (\d+) ms/.exec(line);
        if (u) agentUser = { name: u[1], via: u[2], setupMs: Number(u[3]) };
        const made = /▶ agent-(\d+) started in its \w+ \(made in ([\d.]+) (ms|s)\)/.exec(line);
        if (made) setupMs.set(Number(made[1]), Number(made[2]) * (made[3] === 's' ? 1000 : 1));
        const m = /■ (\S+) (\w+) in/.exec(line);
        if (!m) return;
        done++;
        if (m[2] !== 'success') failed++;
        if (mode === 'sequential' && done % Math.max(1, Math.round(n / 10)) === 0) {
          log(`  sequential N=${n}: ${done}/${n} agents done (${sec(performance.now() - start)})`);
        }
      },
    });
    const sampler = new TreeSampler(/** @type {number} */ (child.pid), { intervalMs });
    const stop = () => child.kill('SIGINT');
    live.add(stop);
    const timeout = setTimeout(
      () => {
        log(`  ${mode} N=${n}: taking too long, cancelling the action`);
        stop();
      },
      // Plus 6 s per agent: on a machine loaded by other work, 50 start-ups alone took longer than the rest allows.
      (mode === 'sequential' ? n : cap ? Math.ceil(n / cap) : 1) * (latency + 60_000) + 120_000 + n * 6_000,
    );
    const endTicker = ticker(
      `  ${mode} N=${n}`,
      () => `${done}/${n} done, ${server.stats.inFlight} waiting on the model, ${failed} failed`,
    );
    const res = await finished;
    const wallMs = performance.now() - start;
    clearTimeout(timeout);
    endTicker();
    live.delete(stop);
    const sampled = sampler.stop();
    const diskPeakMb = disk?.stop() ?? null;
    const benchCpu = process.cpuUsage(cpu0);
    const probe = readJson(probeFile);
    /** @type {any[]} */
    const results = res.outputs.results ? JSON.parse(res.outputs.results) : [];
    const agents = prompts.map((p, k) => {
      const r = results.find((x) => x.id === p.id);
      return {
        i: k + 1,
        spawnEpoch: r ? Date.parse(r.startedAt) : null,
        endEpoch: r ? Date.parse(r.finishedAt) : null,
        startupMs: typeof r?.startupMs === 'number' ? r.startupMs : null,
        status: r ? r.status : `missing (action exited ${res.code})`,
        cli: r ? cliTimes(readJson(path.join(r.outputDir, 'result.json'))) : null,
        error: r?.error ?? (r ? null : lastLines(res.stdout, 5)),
      };
    });
    const rootInfo = sampled.procs.find((p) => p.pid === child.pid);
    return record({
      mode,
      n,
      rep,
      latency,
      t0,
      wallMs,
      agents,
      sampled,
      arrivals,
      server,
      orchestrator: probe
        ? { peakRssKb: probe.maxRssKb, cpuMs: probe.userCpuMs + probe.systemCpuMs, source: 'getrusage at exit', probe }
        : { peakRssKb: rootInfo?.peakRssKb ?? 0, cpuMs: rootInfo?.cpuMs ?? 0, source: '/proc samples' },
      agentsCpuMs: probe ? childrenCpuMs(probe.procStat) : null,
      reported: {
        speedup: res.outputs.speedup ? Number(res.outputs.speedup) : null,
        wallTimeMs: res.outputs['wall-time-ms'] ? Number(res.outputs['wall-time-ms']) : null,
        efficiency: res.outputs.efficiency ? Number(res.outputs.efficiency) : null,
        exitCode: res.code,
        ...rateLimitsOf(res.summary),
      },
      benchCpuMs: (benchCpu.user + benchCpu.system) / 1000,
      quiet,
      extra: {
        procsSeen: sampled.procs.length,
        sampledActionPeakRssKb: rootInfo?.peakRssKb ?? null,
        agentUser,
        setupMs: [...setupMs.values()],
        diskPeakMb,
      },
    });
  } finally {
    await server.close();
    if (!opt.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What the action's summary says of the rate limits: how often the API pushed back, and how low the
 * concurrency went (null when it did not say).
 * @param {string} summary
 */
function rateLimitsOf(summary) {
  const m =
    /\*\*Rate limits\*\*: the API pushed back \(429 or 529\) (\d+) times?(?:; the scheduler went as low as (\d+))?/.exec(
      summary,
    );
  return {
    rateLimitEvents: m ? Number(m[1]) : 0,
    lowestConcurrency: m?.[2] ? Number(m[2]) : null,
  };
}

/** The reference: a `bash -c` loop starting every CLI with `&`, then `wait`. */
async function runReference(
  /** @type {number} */ n,
  /** @type {number} */ rep,
  { latency = latencyMs, stagger = 0, gate = 0, mode = 'reference' } = {},
) {
  const dir = scratch(`${mode}-n${n}`);
  const dirs = [];
  for (let i = 1; i <= n; i++) {
    const d = path.join(dir, 'agents', `agent-${i}`);
    fs.mkdirSync(path.join(d, 'workspace'), { recursive: true });
    fs.mkdirSync(path.join(d, 'config'), { recursive: true });
    fs.writeFileSync(path.join(d, 'prompt.txt'), promptFor(i, n));
    dirs.push(d);
  }
  const { server, arrivals } = await serverFor(latency);
  try {
    const env = { ...process.env, ...BASE_ENV, ANTHROPIC_BASE_URL: server.url, DISABLE_AUTOUPDATER: '1' };
    const quiet = await quiet_();
    const firstOutput = watchFirstOutput(dirs);
    const cpu0 = process.cpuUsage();
    const t0 = Date.now();
    const start = performance.now();
    const child = spawn(
      'bash',
      ['-c', REFERENCE_SCRIPT, 'bench-reference', claude, String(stagger / 1000), String(gate), ...dirs],
      {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      },
    );
    const sampler = new TreeSampler(/** @type {number} */ (child.pid), { intervalMs });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c) => (out += c));
    const stop = () => {
      try {
        process.kill(-(/** @type {number} */ (child.pid)), 'SIGTERM');
      } catch {
        // gone
      }
    };
    live.add(stop);
    const timeout = setTimeout(stop, n * stagger + latency + 180_000);
    const endTicker = ticker(`  ${mode} N=${n}`, () => `${server.stats.inFlight} waiting on the model`);
    const code = await new Promise((resolve) => child.on('close', (c) => resolve(c)));
    const wallMs = performance.now() - start;
    clearTimeout(timeout);
    endTicker();
    live.delete(stop);
    const sampled = sampler.stop();
    firstOutput.stop();
    const benchCpu = process.cpuUsage(cpu0);
    const statLine = /BENCH_STAT (.*)/.exec(out)?.[1];
    const shell = statLine ? parseStat(statLine) : null;
    const agents = dirs.map((d, k) => {
      const times = readText(path.join(d, 'times')).trim().replace(/,/g, '.').split(/\s+/);
      const [startS, endS, rc] = times.length === 3 ? times : [];
      const result = lastResult(path.join(d, 'events.jsonl'));
      const ok = rc === '0' && result?.subtype === 'success' && !result.is_error;
      const spawnEpoch = startS ? Math.round(Number(startS) * 1000) : null;
      const out = firstOutput.seen[k];
      return {
        i: k + 1,
        spawnEpoch,
        endEpoch: endS ? Math.round(Number(endS) * 1000) : null,
        startupMs: out !== null && spawnEpoch !== null ? Math.max(0, out - spawnEpoch) : null,
        status: ok ? 'success' : 'failure',
        cli: cliTimes(result),
        error: ok ? null : `exit ${rc ?? '?'}; ${lastLines(readText(path.join(d, 'stderr.log')), 3)}`,
      };
    });
    const rootInfo = sampled.procs.find((p) => p.pid === child.pid);
    return record({
      mode,
      n,
      rep,
      latency,
      t0,
      wallMs,
      agents,
      sampled,
      arrivals,
      server,
      orchestrator: {
        peakRssKb: rootInfo?.peakRssKb ?? 0,
        cpuMs: shell ? ((shell.utime + shell.stime) * 1000) / TICKS_PER_SECOND : (rootInfo?.cpuMs ?? 0),
        source: 'bash: /proc/$$/stat after wait',
      },
      agentsCpuMs: statLine ? childrenCpuMs(statLine) : null,
      benchCpuMs: (benchCpu.user + benchCpu.system) / 1000,
      quiet,
      extra: { shellExitCode: code, staggerMs: stagger, gate },
    });
  } finally {
    await server.close();
    if (!opt.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** @param {string} file */
function readText(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** @param {string} file */
function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** The stream's `result` event, if it has one. @param {string} file */
function lastResult(file) {
  const lines = readText(file).trim().split('\n').reverse();
  for (const line of lines) {
    try {
      const e = JSON.parse(line);
      if (e.type === 'result') return e;
    } catch {
      // not JSON
    }
  }
  return null;
}

/**
 * The CLI's own timers from its result event: duration_ms starts once the CLI is up, so it leaves out the
 * process's start; duration_api_ms is the time spent waiting on the model.
 * @param {any} result
 */
function cliTimes(result) {
  if (!result) return null;
  return {
    durationMs: result.duration_ms ?? null,
    apiMs: result.duration_api_ms ?? null,
    ttftMs: result.ttft_ms ?? null,
  };
}

/** @param {string} text @param {number} k */
function lastLines(text, k) {
  return text.trim().split('\n').slice(-k).join(' | ').slice(0, 500);
}

/** @param {string} cmd @param {string[]} args */
function tryRun(cmd, args) {
  try {
    return execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

function machine() {
  const dist = path.join(ROOT, 'dist', 'index.js');
  const dirty = tryRun('git', ['status', '--porcelain', '--', 'dist'])
    ? ' (dist/ differs from it)'
    : ' (dist/ as committed)';
  return {
    cores: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    cliVersion: tryRun(claude, ['--version']),
    commit: `${tryRun('git', ['rev-parse', '--short', 'HEAD'])}${dirty}`,
    distSha256: `sha256:${crypto.createHash('sha256').update(fs.readFileSync(dist)).digest('hex').slice(0, 12)}`,
    distModified: fs.statSync(dist).mtime.toISOString(),
  };
}

async function main() {
  if (opt.aggregate !== undefined) {
    const spec = parseAggregateSpec(opt.aggregate);
    if (!spec) {
      console.error(`--aggregate takes AGENTSxSHARDS (up to 1000 agents, 256 shards), got ${opt.aggregate}`);
      process.exit(2);
    }
    const measured = await benchAggregate(spec, outDir);
    if (!measured.ok) process.exitCode = 1;
    return;
  }
  if (opt.proxy) {
    const n = opt.n ? ns[0] : 20;
    await benchProxy({ n, latencyMs, repeat, requests: 500, claude, outDir, log, machine: machine() });
    return;
  }
  if (process.platform !== 'linux' || !fs.existsSync('/proc/self/stat')) {
    console.error('The benchmark samples /proc: it runs on Linux only.');
    process.exit(2);
  }
  if (!fs.existsSync(path.join(ROOT, 'dist', 'index.js'))) {
    console.error('dist/index.js is missing: run `npm run bundle` first.');
    process.exit(2);
  }
  try {
    fs.accessSync(claude, fs.constants.X_OK);
  } catch {
    console.error(`No executable CLI at ${claude} (npm ci installs the pinned one; or pass --claude PATH).`);
    process.exit(2);
  }
  fs.mkdirSync(outDir, { recursive: true });
  const startedAt = new Date().toISOString();
  const info = machine();
  const command = `npm run bench --${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`;
  log(
    `${info.cores} cores, ${info.memoryGiB} GiB, Node ${info.node}, CLI ${info.cliVersion}; N = ${ns.join(', ')}; ` +
      `L = ${latencyMs} ms; ${capacity === null ? modes.join(', ') : `capacity ${capacity}: ${CAPACITY_MODES.join(', ')}`}; parallel ways ${repeat}× each; results to ${outDir}`,
  );

  // Reads the 400 MB CLI into the page cache, so no timed run pays for the first read from disk.
  log('warm-up: one CLI, twice, L = 0');
  await runReference(1, 0, { latency: 0 });
  const solo = await runReference(1, 0, { latency: 0 });
  if (solo.failures.length) {
    log(`the CLI does not run against the stand-in: ${solo.failures.join('; ')}`);
    process.exit(1);
  }
  log(
    `  one CLI alone: ${sec(solo.wallMs)} wall, ${((solo.agentsCpuMs ?? 0) / 1000).toFixed(2)} s CPU, ` +
      `${Math.round(solo.agents[0].peakRssKb / 1024)} MB peak, ${sec(solo.agents[0].startupMs ?? NaN)} to its first output, ` +
      `${sec(solo.agents[0].toFirstRequestMs ?? NaN)} to its first request`,
  );

  /** @type {any[]} */
  const runs = [];
  const add = (/** @type {any} */ r) => {
    runs.push(r);
    const ok = r.failures.length ? `${r.failures.length} FAILED: ${r.failures.slice(0, 3).join('; ')}` : 'all ok';
    const reported = r.reported?.speedup ? `, reported speedup ${r.reported.speedup}×` : '';
    log(
      `  ${r.mode} N=${r.n} #${r.rep + 1}: ${sec(r.wallMs)} wall${reported}, orchestrator ` +
        `${(r.orchestrator.peakRssKb / 1024).toFixed(0)} MB / ${(r.orchestrator.cpuMs / 1000).toFixed(2)} s CPU, ` +
        `other load ${r.otherLoadPct.toFixed(0)}%, ${ok}`,
    );
    fs.writeFileSync(path.join(outDir, 'results.partial.json'), JSON.stringify(runs));
  };
  /** @type {any[]} */
  const discarded = [];
  /** Runs again (up to --redo-noisy times) a run that other work on the machine disturbed. */
  const measure = async (/** @type {() => Promise<any>} */ run) => {
    for (let attempt = 0; ; attempt++) {
      const r = await run();
      if (r.otherLoadPct <= maxOtherLoadPct || attempt >= redoNoisy) {
        if (r.otherLoadPct > maxOtherLoadPct) r.noisy = true;
        return add(r);
      }
      log(
        `  ${r.mode} N=${r.n} #${r.rep + 1}: other work took ${r.otherLoadPct.toFixed(0)}% of the machine ` +
          `(${sec(r.wallMs)} wall): discarded, running it again`,
      );
      discarded.push(r);
    }
  };
  if (capacity !== null) return capacityRuns(info, command, startedAt, runs, measure);
  if (opt.workspaces) {
    await benchWorkspaces({ info, command, startedAt, solo, measure, runs, discarded });
    return;
  }
  for (const n of ns) {
    log(`N = ${n}`);
    if (modes.includes('sequential')) {
      log(`  sequential N=${n}: about ${sec(n * (latencyMs + solo.wallMs))}`);
      await measure(() => runAction('sequential', n, 0));
    }
    for (let rep = 0; rep < repeat; rep++) {
      // Alternate which way goes first, so neither always runs on a machine the other just left.
      const order = rep % 2 ? ['reference', 'action', ...VARIANTS] : ['action', 'reference', ...VARIANTS];
      order.splice(rep % 2 ? 0 : 1, 0, 'action-user');
      // Fenced and not side by side, each going first in turn.
      order.splice(order.indexOf('action-user') + (rep % 2 ? 0 : 1), 0, 'action-fenced');
      for (const mode of order) {
        if (!modes.includes(mode)) continue;
        if (['action', 'action-user', 'action-fenced'].includes(mode)) await measure(() => runAction(mode, n, rep));
        else if (mode === 'reference') await measure(() => runReference(n, rep));
        else if (mode === 'reference-staggered') {
          await measure(() => runReference(n, rep, { stagger: /** @type {number} */ (staggerMs), mode }));
        } else await measure(() => runReference(n, rep, { gate: /** @type {number} */ (gate), mode }));
      }
    }
  }

  const rows = summarize(runs, ns);
  const targets = checkTargets(rows, latencyMs);
  const finishedAt = new Date().toISOString();
  const config = {
    ns,
    latencyMs,
    repeat,
    modes,
    staggerMs,
    gate,
    intervalMs,
    maxOtherLoadPct,
    redoNoisy,
    claude,
    command,
  };
  const data = { machine: info, config, startedAt, finishedAt, rows, targets, solo, runs, discarded };
  fs.writeFileSync(path.join(outDir, 'results.json'), `${JSON.stringify(data, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, 'results.md'), renderMarkdown(data));
  fs.writeFileSync(
    path.join(outDir, 'speedup.svg'),
    renderSpeedupChart(rows, {
      title: 'Speedup over running the agents one after another',
      subtitle: `real Claude Code CLIs, stand-in model answering after ${latencyMs / 1000} s; ${info.cores} cores, Node ${info.node}`,
    }),
  );
  fs.rmSync(path.join(outDir, 'results.partial.json'), { force: true });

  console.log(`\n${renderMarkdown(data).split('\n## Memory')[0]}`);
  const failures = runs.reduce((sum, r) => sum + r.failures.length, 0);
  log(`wrote results.json, results.md and speedup.svg to ${outDir}`);
  if (failures) {
    log(`${failures} agent runs failed`);
    process.exitCode = 1;
  }
}

/**
 * --capacity: for each N, the action with adaptive concurrency on and off, alternating which goes first, then
 * capacity-results.json and capacity-results.md.
 * @param {any} info @param {string} command @param {string} startedAt @param {any[]} runs
 * @param {(run: () => Promise<any>) => Promise<void>} measure
 */
async function capacityRuns(info, command, startedAt, runs, measure) {
  log(`capacity ${capacity} requests at once, retry-after ${retryAfterS} s: adaptive concurrency on and off`);
  for (const n of ns) {
    log(`N = ${n}`);
    for (let rep = 0; rep < repeat; rep++) {
      const order = rep % 2 ? [...CAPACITY_MODES].reverse() : CAPACITY_MODES;
      for (const mode of order) {
        await measure(() => runAction(mode, n, rep));
        const r = runs.at(-1);
        log(
          `    ${mode}: ${r.serverRejected} 429s from the stand-in, at most ${r.serverMaxInFlight} in flight, ` +
            `${r.reported.rateLimitEvents} rate-limit events heard, lowest concurrency ${r.reported.lowestConcurrency ?? '–'}`,
        );
      }
    }
  }
  const rows = summarizeCapacity(runs, ns);
  const config = { ns, latencyMs, repeat, capacity, retryAfterS, claude, command };
  const targets = checkCapacityTargets(rows, config);
  const data = { machine: info, config, startedAt, finishedAt: new Date().toISOString(), rows, targets, runs };
  fs.writeFileSync(path.join(outDir, 'capacity-results.json'), `${JSON.stringify(data, null, 2)}\n`);
  const markdown = renderCapacityMarkdown(data);
  fs.writeFileSync(path.join(outDir, 'capacity-results.md'), markdown);
  fs.rmSync(path.join(outDir, 'results.partial.json'), { force: true });
  console.log(`\n${markdown}`);
  log(`wrote capacity-results.json and capacity-results.md to ${outDir}`);
  const failures = runs.reduce((sum, r) => sum + r.failures.length, 0);
  if (failures) {
    log(`${failures} agent runs failed`);
    process.exitCode = 1;
  }
}

/**
 * `--workspaces`: a synthetic repository; one folder made alone, each way; then per N the action with every agent
 * in a git worktree of it, in an overlay mount of it, and in an empty folder, rotating which goes first.
 * @param {{ info: any, command: string, startedAt: string, solo: any, measure: (run: () => Promise<any>) => Promise<void>,
 *   runs: any[], discarded: any[] }} b
 */
async function benchWorkspaces({ info, command, startedAt, solo, measure, runs, discarded }) {
  const files = Math.round(positive('repo-files', opt['repo-files'] ?? '5000'));
  const megabytes = positive('repo-mb', opt['repo-mb'] ?? '50');
  const dir = scratch('repo');
  log(`synthetic repository: ${files} files, ${megabytes} MB`);
  const t0 = performance.now();
  const repo = makeSyntheticRepo(path.join(dir, 'repo'), { files, bytes: megabytes * 2 ** 20 });
  log(`  made ${repo.commit.slice(0, 12)} in ${sec(performance.now() - t0)}`);
  const state = () =>
    execFileSync('git', ['status', '--porcelain', '--ignored'], { cwd: repo.dir, encoding: 'utf8' }) +
    execFileSync('git', ['worktree', 'list', '--porcelain'], { cwd: repo.dir, encoding: 'utf8' }) +
    execFileSync('git', ['for-each-ref'], { cwd: repo.dir, encoding: 'utf8' });
  const before = state();
  try {
    log('one folder at a time, no agents: 5 folders each way');
    const setup = await measureSetup(repo.dir, dir, 5);
    for (const r of setup) {
      log(
        `  ${r.name}: ${r.setupMedianMs} ms (${r.cpuMedianMs} ms CPU), ${r.diskMedianMb} MB${r.onceMs ? `; once ${r.onceMs} ms` : ''}`,
      );
    }
    for (const n of ns) {
      log(`N = ${n}`);
      for (let rep = 0; rep < repeat; rep++) {
        // Each repetition starts with another way, so that no way always runs on the machine as the last one left it.
        const ways = WORKSPACE_WAYS.map((_, i) => WORKSPACE_WAYS[(i + rep) % WORKSPACE_WAYS.length]);
        for (const way of ways) {
          await measure(async () => {
            const inputs = {
              'working-directory': repo.dir,
              workspace: way === 'overlay' ? 'worktree' : way,
              // Agents that only answer change nothing; `shared` is the floor every engine pays in this repository.
              'workspace-engine': way === 'overlay' ? 'auto' : 'git',
            };
            const r = await runAction('action', n, rep, latencyMs, { inputs, diskOf: os.tmpdir() });
            return { ...r, mode: way };
          });
        }
      }
    }
    const rows = summarizeWorkspaces(runs, ns);
    const data = {
      machine: info,
      config: { ns, latencyMs, repeat, command, claude, maxOtherLoadPct, redoNoisy },
      startedAt,
      finishedAt: new Date().toISOString(),
      repo: { files: repo.files, bytes: repo.bytes, commit: repo.commit },
      repoUnchanged: state() === before,
      mountsLeft: fs
        .readFileSync('/proc/self/mounts', 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('claude-agent-matrix-overlay-')).length,
      setup,
      rows,
      targets: checkWorkspaceTargets(rows),
      solo,
      runs,
      discarded,
    };
    fs.writeFileSync(path.join(outDir, 'workspaces.json'), `${JSON.stringify(data, null, 2)}\n`);
    fs.writeFileSync(path.join(outDir, 'workspaces.md'), renderWorkspacesMarkdown(data));
    fs.rmSync(path.join(outDir, 'results.partial.json'), { force: true });
    console.log(`\n${renderWorkspacesMarkdown(data)}`);
    log(`wrote workspaces.json and workspaces.md to ${outDir}`);
    const failures = runs.reduce((sum, r) => sum + r.failures.length, 0);
    if (failures || !data.repoUnchanged || data.mountsLeft) {
      const left = data.mountsLeft ? `; ${data.mountsLeft} mounts left` : '';
      log(`${failures} agent runs failed${data.repoUnchanged ? '' : '; the repository was changed'}${left}`);
      process.exitCode = 1;
    }
  } finally {
    if (!opt.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

const closeWay = openWayToProject();
process.on('exit', closeWay);
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
