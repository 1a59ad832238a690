// `npm run bench -- --workspaces`: the runs with agents in git worktrees of the synthetic repository, in overlay
// mounts of it, in the checkout itself, and in empty folders, per N, checked against the targets, as Markdown.
// The checkout itself (`shared`) is the floor of every engine: what the CLI does in a repository of that size
// (its git status and log as it starts) costs the same in any tree, and nothing in an empty folder.
import { median } from './report.js';

/** The ways measured, as the `mode` of bench/run.js's records. */
export const WORKSPACE_WAYS = /** @type {const} */ (['empty', 'shared', 'worktree', 'overlay']);

/** Each way's wall time at most this times that with `empty` at N; and overlays made in under 50 ms (median). */
const TARGETS = [
  { way: 'worktree', n: 20, ratio: 1.1 },
  { way: 'overlay', n: 20, ratio: 1.05 },
  { way: 'overlay', n: 50, ratio: 1.1 },
];
const OVERLAY_SETUP_TARGET_MS = 50;

/**
 * @param {any[]} runs records of bench/run.js, `mode` being one of WORKSPACE_WAYS
 * @param {number[]} ns
 */
export function summarizeWorkspaces(runs, ns) {
  return ns.map((n) => {
    /** @type {Record<string, any>} */
    const by = {};
    for (const way of WORKSPACE_WAYS) {
      const of = runs.filter((r) => r.mode === way && r.n === n);
      const setup = of.flatMap((r) => r.setupMs ?? []);
      by[way] = {
        wallMs: median(of.map((r) => r.wallMs)),
        wallsMs: of.map((r) => r.wallMs),
        setupMedianMs: median(setup),
        setupMaxMs: setup.length ? Math.max(...setup) : null,
        diskPerAgentMb: median(of.map((r) => (r.diskPeakMb ?? NaN) / n)),
        lastSpawnMs: median(of.map((r) => r.lastSpawnMs ?? NaN)),
        agentsCpuMs: median(of.map((r) => r.agentsCpuMs)),
        failures: of.reduce((sum, r) => sum + r.failures.length, 0),
      };
    }
    const ratio = (/** @type {string} */ way) =>
      by.empty.wallMs && by[way].wallMs ? by[way].wallMs / by.empty.wallMs : null;
    const overShared = by.shared.wallMs && by.overlay.wallMs ? by.overlay.wallMs / by.shared.wallMs : null;
    const ratios = { shared: ratio('shared'), worktree: ratio('worktree'), overlay: ratio('overlay') };
    return { n, by, ratio: { ...ratios, overlayOverShared: overShared } };
  });
}

/** @param {ReturnType<typeof summarizeWorkspaces>} rows */
export function checkWorkspaceTargets(rows) {
  const lines = TARGETS.map(({ way, n, ratio }) => {
    const row = rows.find((r) => r.n === n);
    const got = row?.ratio[/** @type {'worktree' | 'overlay'} */ (way)];
    const what = `at N = ${n}, the wall time with \`${way}\` at most ${ratio}× that with \`empty\``;
    if (got === null || got === undefined) return `${what}: not measured`;
    return `${what}: ${got <= ratio ? '**met**' : '**not met**'} (${got.toFixed(3)}×)`;
  });
  const setup = median(
    rows.flatMap((r) => (Number.isFinite(r.by.overlay.setupMedianMs) ? [r.by.overlay.setupMedianMs] : [])),
  );
  const what = `an overlay made in under ${OVERLAY_SETUP_TARGET_MS} ms (median, with agents running)`;
  lines.push(
    setup === null
      ? `${what}: not measured`
      : `${what}: ${setup < OVERLAY_SETUP_TARGET_MS ? '**met**' : '**not met**'} (${Math.round(setup)} ms)`,
  );
  return lines;
}

const s = (/** @type {number | null} */ ms) =>
  ms === null || !Number.isFinite(ms) ? '–' : `${(ms / 1000).toFixed(1)} s`;
const ms = (/** @type {number | null} */ v) => (v === null || !Number.isFinite(v) ? '–' : `${Math.round(v)} ms`);
const mb = (/** @type {number | null} */ v) => (v === null || !Number.isFinite(v) ? '–' : `${v.toFixed(1)} MB`);
const x = (/** @type {number | null} */ v) => (v === null ? '–' : `${v.toFixed(3)}×`);

/** @param {any} data */
export function renderWorkspacesMarkdown(data) {
  const { machine: m, config: c, repo, setup, rows } = data;
  const lines = [
    '# Benchmark: agents in git worktrees and in overlay mounts of a repository, against agents in empty folders',
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
    'Each way makes 5 folders one after another, as the action does. "Once" is what a run makes once (the stored ' +
      "copy of the commit's objects; for overlays, the lower layer and one trial mount). An overlay's disk is its upper layer's.",
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
    '| N | wall, empty | wall, shared | wall, worktree | wall, overlay | shared / empty | worktree / empty | overlay / empty | overlay / shared | made in, worktree (median / max) | made in, overlay (median / max) | last agent started, empty / shared / worktree / overlay | failures |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((/** @type {any} */ r) => {
      const { empty, shared, worktree, overlay } = r.by;
      const failures = empty.failures + shared.failures + worktree.failures + overlay.failures;
      return (
        `| ${r.n} | ${s(empty.wallMs)} | ${s(shared.wallMs)} | ${s(worktree.wallMs)} | ${s(overlay.wallMs)} | ` +
        `${x(r.ratio.shared)} | ${x(r.ratio.worktree)} | ${x(r.ratio.overlay)} | ${x(r.ratio.overlayOverShared)} | ` +
        `${ms(worktree.setupMedianMs)} / ${ms(worktree.setupMaxMs)} | ${ms(overlay.setupMedianMs)} / ${ms(overlay.setupMaxMs)} | ` +
        `${s(empty.lastSpawnMs)} / ${s(shared.lastSpawnMs)} / ${s(worktree.lastSpawnMs)} / ${s(overlay.lastSpawnMs)} | ${failures} |`
      );
    }),
    '',
    'Wall times are from starting `node dist/index.js` to its exit. "Made in" is the action\'s own figure from its log ' +
      '(`git worktree add`, or the overlay mount, not the wait for the index to settle). `worktree` is ' +
      '`workspace: worktree` with `workspace-engine: git`; `overlay` the same with `workspace-engine: auto`; `shared` ' +
      'is every agent in the checkout itself.',
    '',
    '## Targets',
    '',
    ...checkWorkspaceTargets(rows).map((line) => `- ${line}`),
    `- the repository unchanged after every run: ${data.repoUnchanged ? '**yes**' : '**no**'}`,
    `- no mount of the action left after the runs: ${data.mountsLeft === 0 ? '**yes**' : `**no** (${data.mountsLeft})`}`,
    '',
  ];
  return lines.join('\n');
}
