import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAgent } from '../../src/agent/run.js';
import { context, spec } from '../support/agents.js';
import { useStandIns } from '../support/fixture.js';

// `idle-timeout-minutes` through the real CLI: the stand-in model sends an answer's headers and then nothing,
// so the CLI prints its first events and then waits in silence, well within `timeout-minutes`.
const standIns = useStandIns({ model: true });

describe('an agent that goes silent', () => {
  it('is stopped as a timeout once it has printed nothing for idle-timeout-minutes', async () => {
    const ctx = context(standIns.model.url, { retries: 2 });
    const result = await runAgent(
      spec('quiet', 'Headers, then nothing\n@silent', { timeoutMinutes: 30, idleTimeoutMinutes: 0.1 }),
      ctx,
    );
    expect(result.status).toBe('timeout');
    expect(result.error).toBe('no output for 0.1 minutes');
    // A timeout is not retried: the same silence would come again.
    expect(result.attempts).toBe(1);
    // The CLI did start and print (its init event): the clock counts from the last event, not from the spawn.
    const events = fs.readFileSync(path.join(result.outputDir, 'events.jsonl'), 'utf8');
    expect(events).toContain('"subtype":"init"');
  }, 120_000);

  it('is left alone while events keep coming, however long the run', async () => {
    const ctx = context(standIns.model.url);
    // Four answers 8 s apart: over half a minute in all, longer than the 18-second idle limit, yet never silent
    // for more than about 8 s.
    const prompt = 'Busy\n@latency 8000\n@write one.txt 1\n@write two.txt 2\n@write three.txt 3\n@answer still talking';
    const result = await runAgent(spec('busy', prompt, { idleTimeoutMinutes: 0.3, allowedTools: ['Write'] }), ctx);
    expect(result.status).toBe('success');
    expect(result.answer).toContain('still talking');
    expect(result.durationMs).toBeGreaterThan(0.3 * 60_000);
  }, 180_000);
});
