// `npm run bench -- --workspaces`: the runs with agents in worktrees of the synthetic repository and in empty
// folders, per N, checked against the target, as Markdown.
import { median } from './report.js';

/** At N = 20, the wall time with `worktree` is at most this times that with `empty`. */
const WORKTREE_TARGET = { n: 20, ratio: 1.1 };

/**
 * @param {any[]} runs records of bench/run.js, `mode` being the workspace (`empty` or `worktree`)
 * @param {number[]} ns
 */
export function summarizeWorkspaces(runs, ns) {
  return ns.map((n) => {
    const of = (/** @type {string} */ mode) => runs.filter((r) => r.mode === mode && r.n === n);
    const empty = of('empty');
    const worktree = of('worktree');
    const emptyWallMs = median(empty.map((r) => r.wallMs));
    const worktreeWallMs = median(worktree.map((r) => r.wallMs));
    const setup = worktree.flatMap((r) => r.setupMs ?? []);
    const diskPerAgent = worktree.map((r) => (r.diskPeakMb ?? NaN) / n);
    return {
      n,
      emptyWallMs,
      emptyWallsMs: empty.map((r) => r.wallMs),
      worktreeWallMs,
      worktreeWallsMs: worktree.map((r) => r.wallMs),
      ratio: emptyWallMs && worktreeWallMs ? worktreeWallMs / emptyWallMs : null,
      setupMedianMs: median(setup),
      setupMaxMs: setup.length ? Math.max(...setup) : null,
      diskPerAgentMb: median(diskPerAgent),
      lastSpawnMs: {
        empty: median(empty.map((r) => r.lastSpawnMs ?? NaN)),
        worktree: median(worktree.map((r) => r.lastSpawnMs ?? NaN)),
      },
      agentsCpuMs: {
        empty: median(empty.map((r) => r.agentsCpuMs)),
        worktree: median(worktree.map((r) => r.agentsCpuMs)),
      },
      failures: [...empty, ...worktree].reduce((sum, r) => sum + r.failures.length, 0),
    };
  });
}

/** @param {ReturnType<typeof summarizeWorkspaces>} rows */
export function checkWorkspaceTarget(rows) {
  const row = rows.find((r) => r.n === WORKTREE_TARGET.n);
  if (!row || row.ratio === null) return `not measured (no N = ${WORKTREE_TARGET.n})`;
  const met = row.ratio <= WORKTREE_TARGET.ratio;
  return `${met ? '**met**' : '**not met**'} (${row.ratio.toFixed(3)}×)`;
}

const s = (/** @type {number | null} */ ms) =>
  ms === null || !Number.isFinite(ms) ? '–' : `${(ms / 1000).toFixed(1)} s`;
const ms = (/** @type {number | null} */ v) => (v === null || !Number.isFinite(v) ? '–' : `${Math.round(v)} ms`);
const mb = (/** @type {number | null} */ v) => (v === null || !Number.isFinite(v) ? '–' : `${v.toFixed(1)} MB`);

/** @param {any} data */
export function renderWorkspacesMarkdown(data) {
  const { machine: m, config: c, repo, setup, rows } = data;
  const lines = [
    '# Benchmark: agents in worktrees of a repository, against agents in empty folders',
    '',
    `Machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.os}; Node ${m.node}; Claude Code CLI ${m.cliVersion}. ` +
      `Action: commit ${m.commit}, dist/index.js ${m.distSha256}.`,
    '',
    `Repository: ${repo.files.toLocaleString('en')} files, ${(repo.bytes / 2 ** 20).toFixed(1)} MB of text, one commit ` +
      `(${repo.commit.slice(0, 12)}), packed. Model stand-in answers after L = ${c.latencyMs} ms; each way ran ` +
      `${c.repeat}× per N (medians shown). Run ${data.startedAt} → ${data.finishedAt}. Command: \`${c.command}\`.`,
    '',
    '## Making one folder, with no agents running',
    '',
    'Each way makes 5 folders one after another, as the action does. "Once" is what a run makes once (the action\'s stored copy of the commit\'s objects).',
    '',
    '| way | once per run | per folder, median / max | CPU per folder | disk per folder | removing one |',
    '|---|---:|---:|---:|---:|---:|',
    ...setup.map(
      (/** @type {any} */ r) =>
        `| ${r.name} | ${r.onceMs ? `${ms(r.onceMs)} (${ms(r.onceCpuMs)} CPU)` : '–'} | ${ms(r.setupMedianMs)} / ${ms(r.setupMaxMs)} | ${ms(r.cpuMedianMs)} | ${mb(r.diskMedianMb)} | ${ms(r.removeMedianMs)} |`,
    ),
    '',
    '## With agents',
    '',
    '| N | wall, empty | wall, worktree | worktree / empty | worktree made in, median / max | disk per agent (peak) | last agent started, empty / worktree | failures |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (/** @type {any} */ r) =>
        `| ${r.n} | ${s(r.emptyWallMs)} | ${s(r.worktreeWallMs)} | ${r.ratio === null ? '–' : `${r.ratio.toFixed(3)}×`} | ` +
        `${ms(r.setupMedianMs)} / ${ms(r.setupMaxMs)} | ${mb(r.diskPerAgentMb)} | ${s(r.lastSpawnMs.empty)} / ${s(r.lastSpawnMs.worktree)} | ${r.failures} |`,
    ),
    '',
    'Wall times are from starting `node dist/index.js` to its exit. "Made in" is the action\'s own figure from its log ' +
      "(`git worktree add`, not the wait for the index to settle). Disk per agent is the most the file system's use grew " +
      'during the run, over N (other work on the machine counts too).',
    '',
    '## Target',
    '',
    `- at N = ${WORKTREE_TARGET.n}, the wall time with \`worktree\` at most ${WORKTREE_TARGET.ratio}× that with \`empty\`: ${checkWorkspaceTarget(rows)}`,
    `- the repository unchanged after every run: ${data.repoUnchanged ? '**yes**' : '**no**'}`,
    '',
  ];
  return lines.join('\n');
}
