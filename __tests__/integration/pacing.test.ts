import { describe, expect, it } from 'vitest';
import { openStartGate } from '../../src/agent/start-gate.js';
import { runAgents } from '../../src/schedule/run-agents.js';
import { context, spec } from '../support/agents.js';
import { FAKE_CLAUDE } from '../../stand-ins/run-action.js';

describe('the start gate', () => {
  it('lets one CLI start at a time, yet runs them all at once', async () => {
    const ctx = context('http://127.0.0.1:9', { claude: FAKE_CLAUDE, startGate: openStartGate(1) });
    const specs = ['a', 'b', 'c', 'd'].map((id, index) => ({ ...spec(id, '@sleep 1500\n@result ok'), index }));
    const results = await runAgents(specs, { maxParallel: 4, ctx });

    expect(results.map((r) => r.status)).toEqual(['success', 'success', 'success', 'success']);
    const bySpawn = [...results].sort((x, y) => Date.parse(x.startedAt) - Date.parse(y.startedAt));
    for (let i = 1; i < bySpawn.length; i++) {
      const previous = bySpawn[i - 1]!;
      // Spawned only once the one before it had printed its first line.
      expect(Date.parse(bySpawn[i]!.startedAt)).toBeGreaterThanOrEqual(
        Date.parse(previous.startedAt) + previous.startupMs,
      );
    }
    const lastSpawn = Date.parse(bySpawn.at(-1)!.startedAt);
    const firstFinish = Math.min(...results.map((r) => Date.parse(r.finishedAt)));
    expect(lastSpawn).toBeLessThan(firstFinish);
  });

  it('frees the slot when a CLI exits without printing anything', async () => {
    const ctx = context('http://127.0.0.1:9', { claude: '/bin/false', startGate: openStartGate(1) });
    const specs = ['x', 'y'].map((id, index) => ({ ...spec(id, 'nothing'), index }));
    const results = await runAgents(specs, { maxParallel: 2, ctx });
    expect(results.map((r) => r.error)).toEqual(['exited 1 without a result', 'exited 1 without a result']);
  });
});
