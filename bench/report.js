// Turns the runs of a benchmark into per-N figures, checks them against the targets, and renders Markdown.

/** @param {number[]} values */
export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** @param {number[]} values */
const max = (values) => (values.length ? Math.max(...values) : null);

/**
 * @param {any[]} runs
 * @param {string} mode
 * @param {number} n
 */
const runsOf = (runs, mode, n) => runs.filter((r) => r.mode === mode && r.n === n);

/** @param {number | null} a @param {number | null} b */
const ratio = (a, b) => (a !== null && b !== null && b > 0 ? a / b : null);

/**
 * Per-agent figures common to every mode: CLI start-up (spawn to first output, as the action counts it),
 * spawn to first model request, and peak RSS.
 * @param {any[]} runs
 */
function agentFigures(runs) {
  const agents = runs.flatMap((r) => r.agents);
  const startup = agents.map((a) => a.startupMs).filter((x) => x !== null && x !== undefined);
  const toRequest = agents.map((a) => a.toFirstRequestMs).filter((x) => x !== null && x !== undefined);
  const rss = agents.map((a) => a.peakRssKb).filter((x) => x > 0);
  return {
    startupMedianMs: median(startup),
    startupMaxMs: max(startup),
    toFirstRequestMedianMs: median(toRequest),
    toFirstRequestMaxMs: max(toRequest),
    peakRssMedianMb: rss.length ? /** @type {number} */ (median(rss)) / 1024 : null,
    peakRssMaxMb: rss.length ? /** @type {number} */ (max(rss)) / 1024 : null,
    afterAnswerMedianMs: median(agents.map((a) => a.afterAnswerMs).filter((x) => x !== null)),
  };
}

/**
 * One row per N.
 * @param {any[]} runs
 * @param {number[]} ns
 */
export function summarize(runs, ns) {
  return ns.map((n) => {
    const seq = runsOf(runs, 'sequential', n);
    const act = runsOf(runs, 'action', n);
    const ref = runsOf(runs, 'reference', n);
    const stag = runsOf(runs, 'reference-staggered', n);
    const gated = runsOf(runs, 'reference-gated', n);
    const sequentialWallMs = median(seq.map((r) => r.wallMs));
    const actionWallMs = median(act.map((r) => r.wallMs));
    const referenceWallMs = median(ref.map((r) => r.wallMs));
    const staggeredWallMs = median(stag.map((r) => r.wallMs));
    /** The reference with its launches paced: how it compares with all at once. @param {any[]} rs */
    const paced = (rs) =>
      rs.length
        ? {
            wallMs: median(rs.map((r) => r.wallMs)),
            speedup: ratio(sequentialWallMs, median(rs.map((r) => r.wallMs))),
            formulaSpeedup: median(rs.map((r) => r.formulaSpeedup ?? NaN)),
            sumDurationSpeedup: median(rs.map((r) => r.sumDurationSpeedup ?? NaN)),
            agentsCpuMs: median(rs.map((r) => r.agentsCpuMs)),
            lastSpawnMs: median(rs.map((r) => r.lastSpawnMs ?? NaN)),
            staggerMs: rs[0].staggerMs,
            gate: rs[0].gate,
            ...agentFigures(rs),
          }
        : null;
    const trueSpeedup = ratio(sequentialWallMs, actionWallMs);
    const reportedSpeedup = median(act.map((r) => r.reported?.speedup ?? NaN));
    const overhead = ratio(actionWallMs, referenceWallMs);
    const gatedWallMs = median(gated.map((r) => r.wallMs));
    const overGated = ratio(actionWallMs, gatedWallMs);
    return {
      n,
      sequentialWallMs,
      actionWallMs,
      actionWallsMs: act.map((r) => r.wallMs),
      referenceWallMs,
      referenceWallsMs: ref.map((r) => r.wallMs),
      staggeredWallMs,
      trueSpeedup,
      referenceSpeedup: ratio(sequentialWallMs, referenceWallMs),
      staggeredSpeedup: ratio(sequentialWallMs, staggeredWallMs),
      staggered: paced(stag),
      gated: paced(gated),
      referenceAllAtOnce: paced(ref),
      overheadPct: overhead === null ? null : (overhead - 1) * 100,
      gatedWallMs,
      overheadVsGatedPct: overGated === null ? null : (overGated - 1) * 100,
      reportedSpeedup,
      reportedErrorPct:
        reportedSpeedup !== null && trueSpeedup !== null ? (reportedSpeedup / trueSpeedup - 1) * 100 : null,
      // The action's own estimate, applied to the reference's agents; and the plain sum of durations / span.
      referenceFormulaSpeedup: median(ref.map((r) => r.formulaSpeedup ?? NaN)),
      referenceSumDurationSpeedup: median(ref.map((r) => r.sumDurationSpeedup ?? NaN)),
      // The same on the action's own runs: the estimate recomputed from its results (a check on what it reported),
      // and what the old sum-of-durations formula would have reported.
      actionFormulaSpeedup: median(act.map((r) => r.formulaSpeedup ?? NaN)),
      actionSumDurationSpeedup: median(act.map((r) => r.sumDurationSpeedup ?? NaN)),
      sequentialReportedSpeedup: median(seq.map((r) => r.reported?.speedup ?? NaN)),
      actionPeakRssMb: max(act.map((r) => r.orchestrator.peakRssKb / 1024)),
      sequentialActionPeakRssMb: max(seq.map((r) => r.orchestrator.peakRssKb / 1024)),
      actionCpuMs: median(act.map((r) => r.orchestrator.cpuMs)),
      sequentialActionCpuMs: median(seq.map((r) => r.orchestrator.cpuMs)),
      referenceShellCpuMs: median(ref.map((r) => r.orchestrator.cpuMs)),
      agentsCpuMs: {
        sequential: median(seq.map((r) => r.agentsCpuMs)),
        action: median(act.map((r) => r.agentsCpuMs)),
        reference: median(ref.map((r) => r.agentsCpuMs)),
      },
      treePeakRssMb: {
        action: max(act.map((r) => r.treePeakRssKb / 1024)),
        reference: max(ref.map((r) => r.treePeakRssKb / 1024)),
      },
      cpuBusyPct: { action: median(act.map((r) => r.cpuBusyPct)), reference: median(ref.map((r) => r.cpuBusyPct)) },
      cpuSaturatedPct: {
        action: median(act.map((r) => r.cpuSaturatedPct)),
        reference: median(ref.map((r) => r.cpuSaturatedPct)),
      },
      agents: {
        sequential: agentFigures(seq),
        action: agentFigures(act),
        reference: agentFigures(ref),
        ...(stag.length ? { staggered: agentFigures(stag) } : {}),
        ...(gated.length ? { gated: agentFigures(gated) } : {}),
      },
      firstSpawnMs: {
        action: median(act.map((r) => r.firstSpawnMs ?? NaN)),
        reference: median(ref.map((r) => r.firstSpawnMs ?? NaN)),
      },
      lastSpawnMs: {
        action: median(act.map((r) => r.lastSpawnMs ?? NaN)),
        reference: median(ref.map((r) => r.lastSpawnMs ?? NaN)),
      },
      exitAfterLastAgentMs: {
        action: median(act.map((r) => r.exitAfterLastAgentMs ?? NaN)),
        reference: median(ref.map((r) => r.exitAfterLastAgentMs ?? NaN)),
      },
      failures: [
        ...seq,
        ...act,
        ...ref,
        ...stag,
        ...gated,
        ...runsOf(runs, 'action-user', n),
        ...runsOf(runs, 'action-fenced', n),
      ].reduce((sum, r) => sum + r.failures.length, 0),
      agentUser: agentUserFigures(runsOf(runs, 'action-user', n), actionWallMs),
      fenced: fencedFigures(runsOf(runs, 'action-fenced', n), runsOf(runs, 'action-user', n)),
    };
  });
}

/**
 * The action with agents as a user of their own, against the action with agent-user none: its wall time,
 * how long setting the user up took (as the action logs it), and the agents' start-ups.
 * @param {any[]} runs the action-user runs of one N
 * @param {number | null} actionWallMs
 */
function agentUserFigures(runs, actionWallMs) {
  if (!runs.length) return null;
  const wallMs = median(runs.map((r) => r.wallMs));
  const vs = ratio(wallMs, actionWallMs);
  return {
    wallMs,
    wallsMs: runs.map((r) => r.wallMs),
    vsActionPct: vs === null ? null : (vs - 1) * 100,
    setupMs: median(runs.map((r) => r.agentUser?.setupMs ?? NaN)),
    via: runs.map((r) => r.agentUser?.via ?? 'none (not in effect)')[0],
    ...agentFigures(runs),
  };
}

/**
 * The action with `allowed-hosts` set (agents behind its proxy and firewall) against the same without it, both
 * with agent-user auto: the wall time and the agents' start-ups.
 * @param {any[]} runs the action-fenced runs of one N
 * @param {any[]} open the action-user runs of the same N
 */
function fencedFigures(runs, open) {
  if (!runs.length || !open.length) return null;
  const wallMs = median(runs.map((r) => r.wallMs));
  const openWallMs = median(open.map((r) => r.wallMs));
  const vs = ratio(wallMs, openWallMs);
  return {
    wallMs,
    wallsMs: runs.map((r) => r.wallMs),
    openWallMs,
    openWallsMs: open.map((r) => r.wallMs),
    vsOpenPct: vs === null ? null : (vs - 1) * 100,
    open: agentFigures(open),
    ...agentFigures(runs),
  };
}

/**
 * The targets, each judged on what was measured (or said to be unmeasured).
 * @param {ReturnType<typeof summarize>} rows
 * @param {number} latencyMs
 */
export function checkTargets(rows, latencyMs) {
  const at = (/** @type {number} */ n) => rows.find((r) => r.n === n);
  const latencyNote = latencyMs === 10_000 ? '' : ` (measured at L = ${latencyMs} ms; the target is for L = 10 s)`;
  /** @type {{ target: string, met: boolean | null, measured: string }[]} */
  const targets = [];
  for (const n of [10, 50]) {
    const r = at(n);
    const v = r?.overheadPct ?? null;
    targets.push({
      target: `action wall time within 5% of the reference at N = ${n}`,
      met: v === null ? null : v <= 5,
      measured: v === null ? 'not measured' : `${sign(v)}%${latencyNote}`,
    });
  }
  const five = at(5)?.trueSpeedup ?? null;
  targets.push({
    target: 'true speedup ≥ 4.9× at N = 5',
    met: five === null ? null : five >= 4.9,
    measured: five === null ? 'not measured' : `${five.toFixed(2)}×${latencyNote}`,
  });
  const errs = rows.filter((r) => r.reportedErrorPct !== null);
  targets.push({
    target: "the action's reported speedup within 10% of the true speedup at every N",
    met: errs.length ? errs.every((r) => Math.abs(/** @type {number} */ (r.reportedErrorPct)) <= 10) : null,
    measured: errs.length
      ? errs.map((r) => `N=${r.n}: ${sign(/** @type {number} */ (r.reportedErrorPct))}%`).join(', ')
      : 'not measured',
  });
  const rss = at(50)?.actionPeakRssMb ?? null;
  targets.push({
    target: 'action process under 150 MB peak RSS at N = 50',
    met: rss === null ? null : rss < 150,
    measured: rss === null ? 'not measured' : `${rss.toFixed(1)} MB`,
  });
  return targets;
}

/** @param {number} v */
const sign = (v) => `${v >= 0 ? '+' : ''}${v.toFixed(1)}`;
/** @param {number | null | undefined} ms */
const s = (ms) => (ms === null || ms === undefined ? '–' : `${(ms / 1000).toFixed(1)} s`);
/** @param {number | null | undefined} v @param {number} [d] */
const num = (v, d = 1) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(d));
/** @param {number | null | undefined} v */
const pct = (v) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : `${sign(v)}%`);
/** @param {number | null | undefined} v */
const x = (v) => (v === null || v === undefined ? '–' : `${v.toFixed(2)}×`);

/**
 * @param {{ machine: any, config: any, rows: ReturnType<typeof summarize>, targets: ReturnType<typeof checkTargets>,
 *   runs: any[], discarded: any[], solo: any, startedAt: string, finishedAt: string }} data
 */
export function renderMarkdown(data) {
  const { machine, config, rows, targets, runs, solo } = data;
  const L = [];
  L.push('# Benchmark: the action against a plain `bash` loop of the same CLIs');
  L.push('');
  L.push(
    `Machine: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, ${machine.os}; Node ${machine.node}; ` +
      `Claude Code CLI ${machine.cliVersion}. Action: commit ${machine.commit}, dist/index.js ${machine.distSha256}.`,
  );
  L.push('');
  L.push(
    `Model stand-in answers every main request after L = ${config.latencyMs} ms. Each parallel way ran ${config.repeat}× ` +
      `per N (medians shown), the sequential way once. Run ${data.startedAt} → ${data.finishedAt}. ` +
      `Command: \`${config.command}\`.`,
  );
  L.push('');
  const K = rows.find((r) => r.gated)?.gated?.gate;
  const hasGated = K !== undefined;
  L.push(
    '| N | (1) sequential (action, max-parallel 1) | (2) action | (3) reference (bash `&` + `wait`) |' +
      (hasGated ? ` (4) reference, start-gated (K = ${K}) |` : '') +
      ' true speedup (1/2) | reference speedup (1/3) | action overhead vs reference (2/3) |' +
      (hasGated ? ' action vs gated reference (2/4) |' : '') +
      ' speedup the action reported | its error | action process peak RSS |',
  );
  L.push(`|---:|---:|---:|---:|${hasGated ? '---:|' : ''}---:|---:|---:|${hasGated ? '---:|' : ''}---:|---:|---:|`);
  for (const r of rows) {
    L.push(
      `| ${r.n} | ${s(r.sequentialWallMs)} | ${s(r.actionWallMs)} | ${s(r.referenceWallMs)} | ` +
        (hasGated ? `${s(r.gatedWallMs)} | ` : '') +
        `${x(r.trueSpeedup)} | ${x(r.referenceSpeedup)} | ${pct(r.overheadPct)} | ` +
        (hasGated ? `${pct(r.overheadVsGatedPct)} | ` : '') +
        `${x(r.reportedSpeedup)} | ${pct(r.reportedErrorPct)} | ${num(r.actionPeakRssMb)} MB |`,
    );
  }
  L.push('');
  L.push(
    'Wall times are measured outside: from starting `node dist/index.js` (or `bash -c`) to its exit. The action ' +
      `starts at most ${machine.cores} CLIs at once (one per core; a CLI has started once it prints); the plain ` +
      `reference starts them all at once${hasGated ? '; the gated reference paces its start-ups as the action does' : ''}.`,
  );
  L.push('');
  if (rows.some((r) => r.agentUser)) {
    L.push('## Agents as a user of their own (`agent-user`)');
    L.push('');
    L.push(
      '| N | action, agent-user none | action, agent-user auto | difference | setting the user up | CLI start-up (spawn to first output), median / max: none · auto (s) | acting for it |',
    );
    L.push('|---:|---:|---:|---:|---:|---:|---|');
    for (const r of rows.filter((row) => row.agentUser)) {
      const u = /** @type {NonNullable<typeof r.agentUser>} */ (r.agentUser);
      const a = r.agents.action;
      L.push(
        `| ${r.n} | ${s(r.actionWallMs)} | ${s(u.wallMs)} | ${pct(u.vsActionPct)} | ${num(u.setupMs, 0)} ms | ` +
          `${num(ms(a.startupMedianMs), 2)} / ${num(ms(a.startupMaxMs), 2)} · ${num(ms(u.startupMedianMs), 2)} / ${num(ms(u.startupMaxMs), 2)} | ${u.via} |`,
      );
    }
    L.push('');
  }
  if (rows.some((r) => r.fenced)) {
    L.push('## Agents behind `allowed-hosts`');
    L.push('');
    L.push(
      '| N | agent-user auto, no list | the same, allowed-hosts: none | difference | runs (s): no list · list | CLI start-up median / max: no list · list (s) |',
    );
    L.push('|---:|---:|---:|---:|---|---:|');
    for (const r of rows.filter((row) => row.fenced)) {
      const f = /** @type {NonNullable<typeof r.fenced>} */ (r.fenced);
      const walls = (/** @type {number[]} */ w) => w.map((x) => num(ms(x), 1)).join(', ');
      L.push(
        `| ${r.n} | ${s(f.openWallMs)} | ${s(f.wallMs)} | ${pct(f.vsOpenPct)} | ${walls(f.openWallsMs)} · ${walls(f.wallsMs)} | ` +
          `${num(ms(f.open.startupMedianMs), 2)} / ${num(ms(f.open.startupMaxMs), 2)} · ${num(ms(f.startupMedianMs), 2)} / ${num(ms(f.startupMaxMs), 2)} |`,
      );
    }
    L.push('');
  }
  L.push('## Targets');
  L.push('');
  for (const t of targets) {
    const verdict = t.met === null ? 'not measured' : t.met ? '**met**' : '**not met**';
    L.push(`- ${t.target}: ${verdict} (${t.measured})`);
  }
  if (hasGated) {
    const vs = rows.filter((r) => r.overheadVsGatedPct !== null);
    L.push(
      `- for comparison, the action against the start-gated reference (K = ${K}): ` +
        vs.map((r) => `N=${r.n}: ${pct(r.overheadVsGatedPct)}`).join(', '),
    );
  }
  L.push('');
  L.push('## Memory and CPU');
  L.push('');
  L.push(
    '| N | action process peak RSS, parallel / sequential (MB) | one agent peak RSS, median / max (MB) | whole tree peak RSS, action / reference (MB) | action process CPU, parallel / sequential (s) | agents CPU, all together: sequential / action / reference (s) | CPU per agent (s) | CPUs busy, action / reference | all CPUs saturated, action / reference |',
  );
  L.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const perAgent = r.agentsCpuMs.action === null ? null : r.agentsCpuMs.action / r.n / 1000;
    L.push(
      `| ${r.n} | ${num(r.actionPeakRssMb)} / ${num(r.sequentialActionPeakRssMb)} | ` +
        `${num(r.agents.action.peakRssMedianMb, 0)} / ${num(r.agents.action.peakRssMaxMb, 0)} | ` +
        `${num(r.treePeakRssMb.action, 0)} / ${num(r.treePeakRssMb.reference, 0)} | ` +
        `${num(ms(r.actionCpuMs), 2)} / ${num(ms(r.sequentialActionCpuMs), 2)} | ` +
        `${num(ms(r.agentsCpuMs.sequential))} / ${num(ms(r.agentsCpuMs.action))} / ${num(ms(r.agentsCpuMs.reference))} | ` +
        `${num(perAgent, 2)} | ${num(r.cpuBusyPct.action, 0)}% / ${num(r.cpuBusyPct.reference, 0)}% | ` +
        `${num(r.cpuSaturatedPct.action, 0)}% / ${num(r.cpuSaturatedPct.reference, 0)}% |`,
    );
  }
  L.push('');
  L.push(
    'Peak RSS of a process is its kernel high-water mark (VmHWM in /proc, sampled every ' +
      `${config.intervalMs} ms; for the action process, getrusage at its exit). CPU of the agents is the ` +
      'cutime+cstime their parent collected; the action process CPU is its own getrusage.',
  );
  L.push('');
  L.push('## Where the time goes');
  L.push('');
  L.push(
    '| N | start to first CLI / to last CLI, action · reference (s) | last agent end to exit, action / reference (s) | CLI start-up (spawn to first output), median / max: sequential · action · reference (s) | CLI spawn to first model request, median / max: sequential · action · reference (s) | answer to exit, median: action / reference (s) |',
  );
  L.push('|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const a = r.agents;
    const st = (/** @type {any} */ f) => `${num(ms(f.startupMedianMs), 2)} / ${num(ms(f.startupMaxMs), 2)}`;
    const rq = (/** @type {any} */ f) =>
      `${num(ms(f.toFirstRequestMedianMs), 2)} / ${num(ms(f.toFirstRequestMaxMs), 2)}`;
    L.push(
      `| ${r.n} | ${num(ms(r.firstSpawnMs.action), 2)} / ${num(ms(r.lastSpawnMs.action), 2)} · ` +
        `${num(ms(r.firstSpawnMs.reference), 2)} / ${num(ms(r.lastSpawnMs.reference), 2)} | ` +
        `${num(ms(r.exitAfterLastAgentMs.action), 2)} / ${num(ms(r.exitAfterLastAgentMs.reference), 2)} | ` +
        `${st(a.sequential)} · ${st(a.action)} · ${st(a.reference)} | ` +
        `${rq(a.sequential)} · ${rq(a.action)} · ${rq(a.reference)} | ` +
        `${num(ms(a.action.afterAnswerMedianMs), 2)} / ${num(ms(a.reference.afterAnswerMedianMs), 2)} |`,
    );
  }
  L.push('');
  L.push(
    'The action counts start-up from its own figures (`startupMs`); for the reference, the bench notes (inotify) ' +
      'when a CLI’s events file first grows.',
  );
  L.push('');
  L.push('## The speedup estimate');
  L.push('');
  L.push(
    'The action reports `speedup` = (sum of durations − sum of start-ups + min(sum of start-ups, CPU time the ' +
      'agents used)) / (first spawn to last end), src/stats.ts. Here that estimate, and the former plain sum of ' +
      'durations / span, are applied to every way’s own agents and set beside the true speedup (sequential wall / ' +
      'that way’s wall).',
  );
  L.push('');
  L.push(
    '| N | action: true · reported · recomputed here · sum of durations | reference: true · estimate · sum of durations |' +
      (hasGated ? ' gated reference: true · estimate · sum of durations |' : ''),
  );
  L.push(`|---:|---:|---:|${hasGated ? '---:|' : ''}`);
  for (const r of rows) {
    const g = r.gated;
    L.push(
      `| ${r.n} | ${x(r.trueSpeedup)} · ${x(r.reportedSpeedup)} · ${x(r.actionFormulaSpeedup)} · ${x(r.actionSumDurationSpeedup)} | ` +
        `${x(r.referenceSpeedup)} · ${x(r.referenceFormulaSpeedup)} · ${x(r.referenceSumDurationSpeedup)} |` +
        (hasGated ? ` ${x(g?.speedup)} · ${x(g?.formulaSpeedup)} · ${x(g?.sumDurationSpeedup)} |` : ''),
    );
  }
  L.push('');
  if (rows.some((r) => r.staggered || r.gated)) {
    L.push('## Pacing the launches (reference only)');
    L.push('');
    L.push(
      'The same bash reference, all at once, with a fixed pause between launches ("staggered"), or with a start ' +
        'gate ("gated": at most K CLIs starting at once; one has started when it has written its first event).',
    );
    L.push('');
    L.push(
      '| N | way | wall | speedup over sequential | the action’s estimate on it | agents CPU (s) | CLI start-up, median / max (s) | CLI spawn to first request, median / max (s) | last launch (s) |',
    );
    L.push('|---:|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of rows) {
      for (const [name, v] of /** @type {const} */ ([
        ['all at once', r.referenceAllAtOnce],
        [`staggered ${r.staggered?.staggerMs} ms`, r.staggered],
        [`gated, K = ${r.gated?.gate}`, r.gated],
      ])) {
        if (!v) continue;
        L.push(
          `| ${r.n} | ${name} | ${s(v.wallMs)} | ${x(v.speedup)} | ${x(v.formulaSpeedup)} | ${num(ms(v.agentsCpuMs))} | ` +
            `${num(ms(v.startupMedianMs), 2)} / ${num(ms(v.startupMaxMs), 2)} | ` +
            `${num(ms(v.toFirstRequestMedianMs), 2)} / ${num(ms(v.toFirstRequestMaxMs), 2)} | ${num(ms(v.lastSpawnMs), 1)} |`,
        );
      }
    }
    L.push('');
  }
  if (solo) {
    L.push(
      `One CLI alone (warm page cache, L = 0): ${s(solo.wallMs)} wall, ${num(ms(solo.agentsCpuMs), 2)} s CPU, ` +
        `${num(solo.agents[0]?.peakRssKb / 1024, 0)} MB peak RSS, ${num(ms(solo.agents[0]?.startupMs), 2)} s to its first output, ` +
        `${num(ms(solo.agents[0]?.toFirstRequestMs), 2)} s to its first model request.`,
    );
    L.push('');
  }
  L.push('## Every run');
  L.push('');
  L.push(
    '| N | way | # | wall | agents ok | action reported wall / speedup | max requests in flight | other load on the machine |',
  );
  L.push('|---:|---|---:|---:|---:|---:|---:|---:|');
  for (const r of runs) {
    const rep = r.reported ? `${s(r.reported.wallTimeMs)} / ${x(r.reported.speedup)}` : '–';
    L.push(
      `| ${r.n} | ${r.mode} | ${r.rep + 1} | ${s(r.wallMs)} | ${r.n - r.failures.length}/${r.n} | ${rep} | ${r.serverMaxInFlight} | ${num(r.otherLoadPct, 0)}%${r.noisy ? ' (noisy)' : ''} |`,
    );
  }
  L.push('');
  L.push(
    '"Other load": CPU time that processes outside the run used meanwhile (all CPUs busy time less the run\'s ' +
      'processes and the bench itself), as a share of the machine. Before each run the bench waits for the machine ' +
      `to be under 15% busy, and a run during which other work took over ${config.maxOtherLoadPct}% of the machine ` +
      `is run again (up to ${config.redoNoisy} times; ${data.discarded.length} runs were discarded so, listed in results.json).`,
  );
  L.push('');
  return `${L.join('\n')}\n`;
}

/** @param {number | null} v */
const ms = (v) => (v === null || v === undefined ? null : v / 1000);
