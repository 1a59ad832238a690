// `npm run bench -- --capacity K`: the action against a stand-in that serves at most K requests at once and
// answers 429 (with retry-after) beyond that, with adaptive concurrency on and off, side by side. Turns those
// runs into per-N figures, checks them against the targets, and renders Markdown.
import { median } from './report.js';

/** The two ways a capacity run goes: the action's `adaptive-concurrency` on, and off. */
export const CAPACITY_MODES = ['adaptive', 'fixed'];

/** @param {number | null} v */
const pct = (v) => (v === null ? '–' : `${v >= 0 ? '+' : ''}${v.toFixed(0)}%`);
/** @param {number | null} ms */
const sec = (ms) => (ms === null ? '–' : `${(ms / 1000).toFixed(1)} s`);
/** @param {number | null} v */
const num = (v) => (v === null ? '–' : String(Math.round(v)));

/**
 * One row per N: the medians of each way's 429s and wall time, and how adaptive compares with fixed.
 * @param {any[]} runs
 * @param {number[]} ns
 */
export function summarizeCapacity(runs, ns) {
  return ns.map((n) => {
    /** @param {string} mode */
    const of = (mode) => runs.filter((r) => r.n === n && r.mode === mode);
    /** @param {string} mode */
    const figures = (mode) => {
      const rs = of(mode);
      return {
        runs: rs.length,
        rejected: median(rs.map((r) => r.serverRejected)),
        rejectedEach: rs.map((r) => r.serverRejected),
        wallMs: median(rs.map((r) => r.wallMs)),
        wallEachMs: rs.map((r) => Math.round(r.wallMs)),
        maxInFlight: Math.max(0, ...rs.map((r) => r.serverMaxInFlight)),
        lowestConcurrency: median(rs.map((r) => r.reported?.lowestConcurrency ?? NaN)),
        rateLimitEvents: median(rs.map((r) => r.reported?.rateLimitEvents ?? NaN)),
        failures: rs.reduce((sum, r) => sum + r.failures.length, 0),
      };
    };
    const adaptive = figures('adaptive');
    const fixed = figures('fixed');
    const fewer429Pct =
      adaptive.rejected !== null && fixed.rejected !== null && fixed.rejected > 0
        ? (1 - adaptive.rejected / fixed.rejected) * 100
        : null;
    const wallChangePct =
      adaptive.wallMs !== null && fixed.wallMs !== null && fixed.wallMs > 0
        ? (adaptive.wallMs / fixed.wallMs - 1) * 100
        : null;
    return { n, adaptive, fixed, fewer429Pct, wallChangePct };
  });
}

/**
 * The targets of adaptive concurrency, at N = 20 and L = 10 s: at least 50% fewer 429s than without it, and a
 * wall time no more than 10% longer.
 * @param {ReturnType<typeof summarizeCapacity>} rows
 * @param {{ latencyMs: number, capacity: number }} config
 */
export function checkCapacityTargets(rows, config) {
  const row = rows.find((r) => r.n === 20) ?? rows.at(-1);
  const off =
    row && (row.n !== 20 || config.latencyMs !== 10_000)
      ? ` (measured at N = ${row.n}, L = ${config.latencyMs} ms; the target is for N = 20, L = 10 s)`
      : '';
  const fewer = row?.fewer429Pct ?? null;
  const wall = row?.wallChangePct ?? null;
  return [
    {
      target: 'at least 50% fewer 429 answers with adaptive concurrency than without',
      met: fewer === null ? null : fewer >= 50,
      measured: fewer === null ? 'not measured' : `${fewer.toFixed(0)}% fewer${off}`,
    },
    {
      target: 'wall time with adaptive concurrency no more than 10% longer than without',
      met: wall === null ? null : wall <= 10,
      measured: wall === null ? 'not measured' : `${pct(wall)}${off}`,
    },
  ];
}

/**
 * @param {{ machine: any, config: any, rows: ReturnType<typeof summarizeCapacity>,
 *   targets: ReturnType<typeof checkCapacityTargets> }} data
 */
export function renderCapacityMarkdown(data) {
  const { machine, config, rows, targets } = data;
  const lines = [
    `# Adaptive concurrency under a capacity of ${config.capacity}`,
    '',
    `The stand-in model serves at most ${config.capacity} requests at once and answers 429 (retry-after ` +
      `${config.retryAfterS} s) beyond that; each answer takes ${config.latencyMs / 1000} s. The action runs ` +
      'every agent at once (no `max-parallel`), with `adaptive-concurrency` on and off; the CLIs retry the 429s ' +
      `themselves, as they do by default. ${config.repeat} run(s) of each way per N; medians.`,
    '',
    `Machine: ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, CLI ${machine.cliVersion}, ` +
      `commit ${machine.commit}. Command: \`${config.command}\`.`,
    '',
    '| N | 429s, adaptive | 429s, fixed | fewer 429s | wall, adaptive | wall, fixed | wall change | lowest concurrency | failed agents |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.n} | ${num(r.adaptive.rejected)} | ${num(r.fixed.rejected)} | ` +
        `${r.fewer429Pct === null ? '–' : `${r.fewer429Pct.toFixed(0)}%`} | ${sec(r.adaptive.wallMs)} | ` +
        `${sec(r.fixed.wallMs)} | ${pct(r.wallChangePct)} | ${num(r.adaptive.lowestConcurrency)} | ` +
        `${r.adaptive.failures} / ${r.fixed.failures} |`,
    ),
    '',
    '## Targets',
    '',
    '| Target | Met | Measured |',
    '| --- | --- | --- |',
    ...targets.map((t) => `| ${t.target} | ${t.met === null ? '–' : t.met ? 'yes' : 'no'} | ${t.measured} |`),
    '',
  ];
  return lines.join('\n');
}
