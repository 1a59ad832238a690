import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EarlierAttempts } from '../../../src/rerun/earlier.js';
import { needsAllReused, planReuse, reuser } from '../../../src/rerun/reuse.js';
import type { AgentResult } from '../../../src/types.js';
import { makeResult } from '../../support/results.js';
import { spec } from '../../support/agents.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reuse-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('planReuse', () => {
  it('reads nothing in a first attempt, and says nothing of it', () => {
    expect(planReuse('failed', 1, 'per-agent')).toEqual({ reuse: false });
    expect(planReuse('all', 1, 'per-agent')).toEqual({ reuse: false });
  });

  it('reuses in a re-run with rerun: failed and per-agent artifacts, and says which attempt this is', () => {
    expect(planReuse('failed', 2, 'per-agent')).toEqual({
      reuse: true,
      note: 'Attempt 2 of this workflow run: agents that succeeded in an earlier attempt are not run again.',
    });
  });

  it('runs everything again with rerun: all, or without per-agent artifacts, and says why', () => {
    expect(planReuse('all', 3, 'per-agent')).toEqual({
      reuse: false,
      note: 'Attempt 3 of this workflow run, with `rerun: all`: every agent runs again.',
    });
    expect(planReuse('failed', 2, 'combined').note).toBe(
      'Attempt 2 of this workflow run, but with `upload: combined` no artifact says how each agent ended: every agent runs again.',
    );
    expect(planReuse('failed', 2, 'none')).toMatchObject({ reuse: false });
  });
});

describe('needsAllReused', () => {
  it('holds for an agent with no needs, or whose needs were all reused', () => {
    expect(needsAllReused([])).toBe(true);
    expect(needsAllReused([makeResult('a', { reusedFrom: 1 }), makeResult('b', { reusedFrom: 2 })])).toBe(true);
  });

  it('fails once any need ran again in this attempt: a synthesis reads the new output', () => {
    expect(needsAllReused([makeResult('a', { reusedFrom: 1 }), makeResult('b')])).toBe(false);
  });
});

/** Earlier attempts as a table of results, each "unpacked" as a folder with a marker file. */
function earlierOf(results: AgentResult[]): EarlierAttempts & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async fetch(id, into) {
      asked.push(id);
      const r = results.find((x) => x.id === id);
      if (!r) return undefined;
      fs.mkdirSync(into, { recursive: true });
      fs.writeFileSync(path.join(into, 'result.md'), r.answer);
      return { ...r, outputDir: into, reusedFrom: 1 };
    },
  };
}

describe('reuser', () => {
  const folderOf = (id: string) => path.join(tmp, id);

  it("takes an agent's earlier success in place of running it", async () => {
    const reuse = reuser(earlierOf([makeResult('ok')]), folderOf);
    await expect(reuse(spec('ok', 'p'), [])).resolves.toMatchObject({ id: 'ok', status: 'success', reusedFrom: 1 });
    expect(fs.existsSync(path.join(folderOf('ok'), 'result.md'))).toBe(true);
  });

  it('runs an agent that failed before, and leaves its folder empty for the new run', async () => {
    const reuse = reuser(earlierOf([makeResult('bad', { status: 'failure', error: 'stand-in 500' })]), folderOf);
    await expect(reuse(spec('bad', 'p'), [])).resolves.toBeUndefined();
    expect(fs.existsSync(folderOf('bad'))).toBe(false);
  });

  it('runs an agent with no earlier artifact', async () => {
    await expect(reuser(earlierOf([]), folderOf)(spec('new', 'p'), [])).resolves.toBeUndefined();
  });

  it('runs, without reading its artifact, an agent whose need ran again', async () => {
    const earlier = earlierOf([makeResult('synth')]);
    const reuse = reuser(earlier, folderOf);
    await expect(reuse(spec('synth', 'p', { needs: ['a'] }), [makeResult('a')])).resolves.toBeUndefined();
    expect(earlier.asked).toEqual([]);
  });
});
