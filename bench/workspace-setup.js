// How long it takes to give one agent a folder holding the repository, with no agents running: the action's own
// `worktree` and `copy` (src/workspace/), and the alternatives it was chosen against. Each way makes `count`
// folders one after another, as the action does; wall and CPU time (git's and cp's included) per folder, the disk
// one folder takes, and the time to remove it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { planWorkspaces } from '../src/workspace/checkout.js';
import { openWorkspaces } from '../src/workspace/workspaces.js';
import { childrenCpuMs } from '../src/util/proc-stat.js';

/** CPU time of this process and the children it has reaped, in ms. */
function cpuNow() {
  const own = process.cpuUsage();
  return (own.user + own.system) / 1000 + (childrenCpuMs() ?? 0);
}

/** Kilobytes a folder takes on disk (`du -sk`). @param {string} dir */
function diskKb(dir) {
  return Number(execFileSync('du', ['-sk', dir], { encoding: 'utf8' }).split('\t')[0]);
}

/** @param {number[]} v */
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? null;

/**
 * @param {string} name
 * @param {number} count
 * @param {(i: number) => Promise<string | { dir: string, ms: number, disk?: string }>} make makes folder i and
 *   returns it (and how long making it took, where that is not all of the call, and where its own disk is)
 * @param {(dir: string, i: number) => Promise<void>} remove
 * @param {{ before?: () => Promise<void>, after?: () => Promise<void> }} [hooks]
 */
async function measure(name, count, make, remove, hooks = {}) {
  const cpu0 = cpuNow();
  const t0 = performance.now();
  await hooks.before?.();
  const once = { wallMs: performance.now() - t0, cpuMs: cpuNow() - cpu0 };
  const wall = [];
  const cpu = [];
  const disk = [];
  const removal = [];
  const dirs = [];
  const disks = [];
  for (let i = 0; i < count; i++) {
    const c = cpuNow();
    const t = performance.now();
    const made = await make(i);
    wall.push(typeof made === 'string' ? performance.now() - t : made.ms);
    cpu.push(cpuNow() - c);
    dirs.push(typeof made === 'string' ? made : made.dir);
    disks.push(typeof made === 'string' ? made : (made.disk ?? made.dir));
  }
  for (const dir of disks) disk.push(diskKb(dir));
  for (const [i, dir] of dirs.entries()) {
    const t = performance.now();
    await remove(dir, i);
    removal.push(performance.now() - t);
  }
  await hooks.after?.();
  return {
    name,
    count,
    onceMs: Math.round(once.wallMs),
    onceCpuMs: Math.round(once.cpuMs),
    setupMedianMs: Math.round(median(wall)),
    setupMaxMs: Math.round(Math.max(...wall)),
    cpuMedianMs: Math.round(median(cpu)),
    diskMedianMb: Math.round(median(disk) / 102.4) / 10,
    removeMedianMs: Math.round(median(removal)),
  };
}

/**
 * @param {string} repo the synthetic repository (left as it was)
 * @param {string} scratch a folder for the folders made
 * @param {number} count folders per way
 */
export async function measureSetup(repo, scratch, count = 5) {
  const results = [];
  const specs = Array.from({ length: count }, (_, i) => ({
    index: i,
    id: `agent-${i + 1}`,
    prompt: 'x',
    allowedTools: [],
    disallowedTools: [],
    claudeArgs: [],
    timeoutMinutes: 1,
  }));
  const signal = new AbortController().signal;

  const ways = /** @type {const} */ ([
    ['worktree', 'git'],
    ['copy', 'git'],
    ['worktree', 'auto'],
    ['copy', 'auto'],
  ]);
  for (const [mode, engine] of ways) {
    const modeSpecs = specs.map((s) => ({ ...s, workspace: mode }));
    const runDir = fs.mkdtempSync(path.join(scratch, `setup-${mode}-${engine}-`));
    const plan = await planWorkspaces({ workingDirectory: repo, ref: '', specs: modeSpecs });
    /** @type {ReturnType<typeof openWorkspaces>} */
    let ws;
    /** @type {Map<string, import('../src/types.js').AgentWorkspace>} */
    const prepared = new Map();
    results.push(
      await measure(
        engine === 'auto'
          ? `action: ${mode}, overlay mount`
          : `action: ${mode}${mode === 'worktree' ? ' (from a stored copy of the objects)' : ''}`,
        count,
        async (i) => {
          const p = await ws.prepare(modeSpecs[i]);
          if (!p) throw new Error('nothing prepared');
          prepared.set(p.cwd, p);
          // An overlay's own disk is its upper layer (the merged view shows the whole repository).
          const disk = engine === 'auto' ? path.join(runDir, '.workspaces', `.${modeSpecs[i].id}`) : p.cwd;
          return { dir: p.cwd, ms: p.setupMs, disk };
        },
        async (dir) => prepared.get(dir)?.cleanup(),
        {
          before: async () => {
            ws = openWorkspaces(plan, { runDir, signal, specs: modeSpecs, engine });
            // What is made once a run (the stored copy of the objects) is counted apart, as "once".
            await ws.ready;
          },
          after: async () => ws.close(),
        },
      ),
    );
    fs.rmSync(runDir, { recursive: true, force: true });
  }

  const dir = (/** @type {string} */ way, /** @type {number} */ i) => path.join(scratch, `${way}-${i}`);
  const run = (/** @type {string} */ cmd, /** @type {string[]} */ args, cwd = repo) =>
    execFileSync(cmd, args, { cwd, stdio: 'ignore' });
  results.push(
    await measure(
      'git worktree add --detach (from the packs)',
      count,
      async (i) => {
        run('git', ['-c', 'core.hooksPath=/dev/null', 'worktree', 'add', '-q', '--detach', dir('wt', i), 'HEAD']);
        return dir('wt', i);
      },
      async (d) => {
        run('git', ['worktree', 'remove', '--force', d]);
      },
    ),
  );
  results.push(
    await measure(
      'git clone --shared',
      count,
      async (i) => {
        run('git', ['clone', '-q', '--shared', repo, dir('clone', i)], scratch);
        return dir('clone', i);
      },
      async (d) => fs.rmSync(d, { recursive: true, force: true }),
    ),
  );
  const files = fs.readdirSync(repo).filter((n) => n !== '.git');
  results.push(
    await measure(
      'cp -a --reflink=auto (files only, no git)',
      count,
      async (i) => {
        fs.mkdirSync(dir('cp', i));
        run('cp', ['-a', '--reflink=auto', ...files, dir('cp', i)]);
        return dir('cp', i);
      },
      async (d) => fs.rmSync(d, { recursive: true, force: true }),
    ),
  );
  return results;
}
