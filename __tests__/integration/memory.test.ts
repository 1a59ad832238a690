import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAKE_CLAUDE, startAction } from '../../stand-ins/run-action.js';
import type { AgentResult } from '../../src/types.js';
import { readZip } from '../../stand-ins/artifact-service.js';
import { tempDir } from '../support/agents.js';

// The action's own memory stays flat however much its agents print: two stand-in CLIs print 200 MB of
// event lines each, as fast as the pipes take them, and the action's resident set is sampled all along.
const MB = 1024 * 1024;
const SPEW_MB = 200;
/** A resource bound, not a timing: node itself takes about 50 MB; 400 MB through it must not add much. */
const PEAK_LIMIT = 150 * MB;

/** The kB value of a field of /proc/<pid>/status, in bytes; undefined once the process is gone. */
function statusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function runFlood(inputs: Record<string, string>, spewMb = SPEW_MB) {
  const dir = tempDir('memory-');
  const action = startAction({
    dir,
    inputs: {
      prompts: JSON.stringify([
        { id: 'flood-a', prompt: `Print a lot\n@spew ${spewMb}\n@result a done` },
        { id: 'flood-b', prompt: `Print a lot\n@spew ${spewMb}\n@result b done` },
      ]),
      'claude-path': FAKE_CLAUDE,
      'anthropic-api-key': 'sk-ant-memory-test-0123456789',
      ...inputs,
    },
    env: { ANTHROPIC_API_KEY: '', ACTIONS_RUNTIME_TOKEN: '', ACTIONS_RESULTS_URL: '' },
  });
  const pid = action.child.pid as number;
  let peak = 0;
  let samples = 0;
  // VmHWM is the kernel's own high-water mark, so a peak between two samples is not missed either.
  const sample = () => {
    const rss = Math.max(statusBytes(pid, 'VmRSS') ?? 0, statusBytes(pid, 'VmHWM') ?? 0);
    if (rss > 0) samples++;
    peak = Math.max(peak, rss);
  };
  const timer = setInterval(sample, 100);
  action.child.once('exit', () => clearInterval(timer));
  const run = await action.done;
  clearInterval(timer);
  const results = JSON.parse(run.outputs.results ?? '[]') as AgentResult[];
  return { run, results, peak, samples, dir };
}

describe('the action process under a flood of output', () => {
  it('keeps its memory under 150 MB while two agents print 200 MB each', async () => {
    const { run, results, peak, samples } = await runFlood({ upload: 'none' });
    expect(run.code).toBe(0);
    expect(results.map((r) => [r.id, r.status, r.answer])).toEqual([
      ['flood-a', 'success', 'a done'],
      ['flood-b', 'success', 'b done'],
    ]);
    for (const r of results) {
      expect(fs.statSync(path.join(r.outputDir, 'events.jsonl')).size).toBeGreaterThanOrEqual(SPEW_MB * MB);
    }
    expect(samples).toBeGreaterThan(3);
    console.info(`peak RSS with upload none: ${(peak / MB).toFixed(1)} MB over ${samples} samples`);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(PEAK_LIMIT);
  });

  it('does not grow with the output while staging and zipping it for upload', async () => {
    // Zipping leaves garbage buffers that V8 collects only once they add up to tens of MB (Node 24 waits
    // longer than 20), so the bound here is flatness: ten times the output may not cost a like amount.
    const small = await runFlood({ upload: 'per-agent', 'artifacts-dir': 'zips' }, SPEW_MB / 10);
    const { run, results, peak, samples, dir } = await runFlood({ upload: 'per-agent', 'artifacts-dir': 'zips' });
    expect(small.run.code).toBe(0);
    expect(run.code).toBe(0);
    expect(results.map((r) => r.status)).toEqual(['success', 'success']);
    console.info(
      `peak RSS with upload per-agent: ${(small.peak / MB).toFixed(1)} MB for 2 × ${SPEW_MB / 10} MB, ` +
        `${(peak / MB).toFixed(1)} MB for 2 × ${SPEW_MB} MB over ${samples} samples`,
    );
    expect(peak - small.peak).toBeLessThan(SPEW_MB * 0.3 * MB);
    expect(peak).toBeLessThan(PEAK_LIMIT + 50 * MB);
    for (const r of results) {
      expect(r.uploadWarning).toBeUndefined();
      expect(r.artifactUrl).toBe(path.join(dir, 'zips', `agent-${r.id}.zip`));
      const files = readZip(fs.readFileSync(r.artifactUrl ?? ''));
      expect(files.get('events.jsonl')?.length).toBe(fs.statSync(path.join(r.outputDir, 'events.jsonl')).size);
      expect(files.get('result.md')?.toString()).toBe(r.answer);
    }
  });
});
