// `npm run bench -- --aggregate 500x10`: the aggregate step at scale, simulated. A matrix of N agents is split
// over S shards, each run as a runner runs the action (dist/index.js) with the fake CLI, which answers at once,
// writing its artifacts into one local artifacts-dir; then the aggregate action (dist/aggregate/index.js) reads
// them, and its wall time (start to exit, as a runner would wait for the step) and peak RSS are measured.
// Targets: under 10 s and under 200 MB. Writes aggregate.json to the output folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FAKE_CLAUDE, startAction } from '../stand-ins/run-action.js';
import { limiter } from '../src/util/limit.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PROBE = pathToFileURL(path.join(HERE, 'probe.js')).href;
const AGGREGATE_TARGETS = { wallMs: 10_000, peakRssMb: 200 };

const log = (/** @type {string} */ msg) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);

/** `500x10` as { agents: 500, shards: 10 }, or undefined when it is not of that form. */
export function parseAggregateSpec(/** @type {string} */ spec) {
  const m = /^(\d+)x(\d+)$/.exec(spec.trim());
  const agents = Number(m?.[1]);
  const shards = Number(m?.[2]);
  return m && agents >= 1 && agents <= 1000 && shards >= 1 && shards <= 256 ? { agents, shards } : undefined;
}

/**
 * Runs the simulation and returns what it measured; `ok` is false when the results are wrong or a target is
 * missed.
 * @param {{ agents: number, shards: number }} spec
 * @param {string} outDir
 */
export async function benchAggregate({ agents, shards }, outDir) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `claude-bench-aggregate-${agents}x${shards}-`));
  const artifactsDir = path.join(root, 'artifacts');
  const prompts = JSON.stringify(
    Array.from({ length: agents }, (_, i) => ({ id: `agent-${i + 1}`, prompt: `@result answer ${i + 1}` })),
  );
  // Outside GitHub Actions: the artifacts are zips in artifacts-dir, where the aggregate step reads them.
  // The fake CLI needs no key, but the action refuses to start agents without a credential.
  const env = { ACTIONS_RUNTIME_TOKEN: '', ANTHROPIC_API_KEY: 'sk-bench-fake' };
  try {
    log(`aggregate: ${agents} agents over ${shards} shards, fake CLI, artifacts in ${artifactsDir}`);
    const started = performance.now();
    // The shards only prepare the artifacts: as many at once as there are cores, so each is quick.
    const limit = limiter(os.availableParallelism());
    const shardRuns = await Promise.all(
      Array.from({ length: shards }, (_, k) =>
        limit(async () => {
          const dir = path.join(root, `shard-${k + 1}`);
          fs.mkdirSync(dir);
          fs.writeFileSync(path.join(dir, 'prompts.json'), prompts);
          const inputs = {
            'prompts-file': 'prompts.json',
            'claude-path': FAKE_CLAUDE,
            shard: `${k + 1}/${shards}`,
            'artifacts-dir': artifactsDir,
          };
          const run = await startAction({ dir, inputs, env }).done;
          if (run.code !== 0) throw new Error(`shard ${k + 1} exited ${run.code}:\n${run.stdout.slice(-2000)}`);
          return run;
        }),
      ),
    );
    log(`  ${shards} shards ran in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const dir = path.join(root, 'aggregate');
    fs.mkdirSync(dir);
    const probeFile = path.join(root, 'probe.json');
    const nodeOptions = [process.env.NODE_OPTIONS, `--import=${PROBE}`].filter(Boolean).join(' ');
    const t0 = performance.now();
    const run = await startAction({
      action: 'aggregate',
      dir,
      inputs: { 'artifacts-dir': artifactsDir },
      env: {
        ...env,
        NODE_OPTIONS: nodeOptions,
        BENCH_PROBE_OUT: probeFile,
        BENCH_NODE_OPTIONS: process.env.NODE_OPTIONS ?? '',
      },
    }).done;
    const wallMs = performance.now() - t0;
    const probe = JSON.parse(fs.readFileSync(probeFile, 'utf8'));
    const peakRssMb = probe.maxRssKb / 1024;

    /** @type {{ id: string, status: string }[]} */
    const results = run.outputs.results ? JSON.parse(run.outputs.results) : [];
    const inOrder = results.every((r, i) => r.id === `agent-${i + 1}` && r.status === 'success');
    const correct = run.code === 0 && results.length === agents && inOrder && run.outputs.succeeded === String(agents);
    const shardAgents = shardRuns.reduce((sum, r) => sum + Number(r.outputs.succeeded ?? 0), 0);
    const measured = {
      agents,
      shards,
      wallMs: Math.round(wallMs),
      peakRssMb: Math.round(peakRssMb),
      cpuMs: Math.round(probe.userCpuMs + probe.systemCpuMs),
      resultsBytes: Buffer.byteLength(run.outputs.results ?? ''),
      summaryBytes: Buffer.byteLength(run.summary),
      correct,
      targets: AGGREGATE_TARGETS,
      machine: { cores: os.cpus().length, node: process.version },
      measuredAt: new Date().toISOString(),
    };
    const met = wallMs < AGGREGATE_TARGETS.wallMs && peakRssMb < AGGREGATE_TARGETS.peakRssMb;
    log(
      `  aggregate step: ${(wallMs / 1000).toFixed(2)} s, peak RSS ${peakRssMb.toFixed(0)} MB, ` +
        `${(measured.cpuMs / 1000).toFixed(2)} s CPU (targets: under ${AGGREGATE_TARGETS.wallMs / 1000} s, ` +
        `under ${AGGREGATE_TARGETS.peakRssMb} MB): ${met ? 'met' : 'MISSED'}`,
    );
    log(
      `  ${results.length} results (${shardAgents} from the shards), ${correct ? 'all in matrix order' : 'WRONG'}; ` +
        `results ${(measured.resultsBytes / 1024).toFixed(0)} KiB, summary ${(measured.summaryBytes / 1024).toFixed(0)} KiB`,
    );
    if (!correct) log(run.stdout.slice(-3000));
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, 'aggregate.json'), `${JSON.stringify(measured, null, 2)}\n`);
    return { ...measured, ok: correct && met };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
