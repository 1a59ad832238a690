import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { agentPaths } from '../../src/agent/context.js';
import { runAgent } from '../../src/agent/run.js';
import { runAgents } from '../../src/schedule/run-agents.js';
import type { AgentResult } from '../../src/types.js';
import { alive, context, spec } from '../support/agents.js';
import { FAKE_CLAUDE } from '../../stand-ins/run-action.js';
import { useStandIns } from '../support/fixture.js';

const standIns = useStandIns({ model: { latencyMs: 200 } });

/** Polls until the process is gone; true if it went within `ms`. */
async function gone(pid: number, ms = 5000): Promise<boolean> {
  const until = Date.now() + ms;
  while (alive(pid)) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** Polls until a non-empty file is there; true if it came within `ms`. */
async function appears(file: string, ms = 10_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (!(fs.existsSync(file) && fs.statSync(file).size > 0)) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

const pidIn = (result: AgentResult, file: string) =>
  Number(fs.readFileSync(path.join(result.outputDir, 'workspace', file), 'utf8'));

const fake = (overrides: Parameters<typeof context>[1] = {}) =>
  context(standIns.model.url, { claude: FAKE_CLAUDE, ...overrides });

describe('faults from the model, through the real CLI, in one run', () => {
  let byId: Record<string, AgentResult>;
  let runDir: string;

  beforeAll(async () => {
    const ctx = context(standIns.model.url, { retries: 2 });
    runDir = ctx.runDir;
    const results = await runAgents(
      [
        spec('silent', 'The answer never comes\n@hang', { timeoutMinutes: 0.05 }),
        spec('flaky', 'Overloaded twice, then fine\n@fail 529 2\n@answer third time lucky'),
        spec('overloaded', 'Overloaded for good\n@fail 529'),
        spec('broken', 'A stream cut in the middle\n@broken'),
        spec('healthy', 'Nothing goes wrong here\n@answer all well'),
      ],
      { maxParallel: 5, ctx },
    );
    byId = Object.fromEntries(results.map((r) => [r.id, r]));
  });

  it('stops an agent whose answer never comes when its time is up, without retrying it', () => {
    expect(byId.silent).toMatchObject({ status: 'timeout', attempts: 1, answer: '' });
    expect(byId.silent?.error).toBe('no result within 0.05 minutes');
    // Stopped at its 3 s, not left to run: SIGTERM, then at most the 2.5 s grace.
    expect(byId.silent?.durationMs).toBeGreaterThanOrEqual(2900);
    expect(byId.silent?.durationMs).toBeLessThan(20_000);
  });

  it('recovers from an overloaded API by starting the agent again, keeping each failed try', () => {
    expect(byId.flaky).toMatchObject({ status: 'success', attempts: 3, error: null });
    expect(byId.flaky?.answer).toBe('third time lucky');
    for (const n of [1, 2]) {
      const events = fs.readFileSync(path.join(runDir, 'flaky', `attempt-${n}`, 'events.jsonl'), 'utf8');
      expect(events).toContain('"api_error_status":529');
    }
    expect(fs.existsSync(path.join(runDir, 'flaky', 'attempt-3'))).toBe(false);
  });

  it('gives up on an API that stays overloaded after the retries: retries + 1 attempts', () => {
    expect(byId.overloaded).toMatchObject({ status: 'failure', attempts: 3 });
    expect(byId.overloaded?.error).toMatch(/529|overloaded/i);
    expect(fs.readdirSync(path.join(runDir, 'overloaded')).filter((n) => n.startsWith('attempt-'))).toEqual([
      'attempt-1',
      'attempt-2',
    ]);
  });

  it('reports a broken event stream as the failure the CLI reports', () => {
    // With CLAUDE_CODE_MAX_RETRIES=0 the CLI does not send the request again: it ends with an error result
    // (api_error "connection_failed", no HTTP status), which the action reports as it is.
    expect(byId.broken?.status).toBe('failure');
    expect(byId.broken?.error).toMatch(/ECONNRESET|connection/i);
    expect(byId.broken?.answer).not.toContain('Done:');
    const events = fs.readFileSync(path.join(runDir, 'broken', 'events.jsonl'), 'utf8');
    expect(events).toContain('"is_error":true');
  });

  it('leaves the agents next to the faults alone', () => {
    expect(byId.healthy).toMatchObject({ status: 'success', attempts: 1, answer: 'all well', error: null });
  });
});

describe('faults of the CLI itself, through the stand-in CLI', () => {
  it('retries a CLI killed before the model answered, and names the signal when it gives up', async () => {
    const result = await runAgent(spec('killed', 'die at once\n@crash SIGKILL'), fake({ retries: 2 }));
    expect(result).toMatchObject({ status: 'failure', attempts: 3, exitCode: null });
    expect(result.error).toBe('killed by SIGKILL without a result');
    expect(fs.existsSync(path.join(result.outputDir, 'attempt-2', 'events.jsonl'))).toBe(true);
  });

  it('does not retry a CLI that crashed after the model answered', async () => {
    const result = await runAgent(
      spec('segv', 'work, then crash\n@assistant working\n@crash SIGSEGV'),
      fake({ retries: 2 }),
    );
    expect(result).toMatchObject({ status: 'failure', attempts: 1 });
    expect(result.error).toBe('killed by SIGSEGV without a result');
  });

  it('reports an abort as killed by SIGABRT', async () => {
    const result = await runAgent(spec('abort', 'abort\n@assistant working\n@crash SIGABRT'), fake({ retries: 2 }));
    expect(result).toMatchObject({ status: 'failure', attempts: 1 });
    expect(result.error).toBe('killed by SIGABRT without a result');
  });

  it('reports a non-zero exit without a result, with the first line of stderr, and does not retry it', async () => {
    const result = await runAgent(spec('exit3', 'exit\n@stderr config is broken\n@exit 3'), fake({ retries: 2 }));
    expect(result).toMatchObject({ status: 'failure', attempts: 1, exitCode: 3 });
    expect(result.error).toBe('exited 3 without a result: config is broken');
  });

  it('does not count a clean exit without a result as a success', async () => {
    const result = await runAgent(spec('mute', 'say nothing\n@assistant hmm'), fake());
    expect(result).toMatchObject({ status: 'failure', exitCode: 0, error: 'exited 0 without a result' });
  });

  it('reports an error result as a failure with its subtype', async () => {
    const result = await runAgent(spec('erred', 'fail\n@error the tool broke'), fake({ retries: 2 }));
    expect(result).toMatchObject({ status: 'failure', attempts: 1 });
    expect(result.error).toBe('error_during_execution: the tool broke');
  });

  it('finds the result after lines that are not events, a 20 MB line among them', async () => {
    const result = await runAgent(spec('garbage', 'noise first\n@garbage\n@result found it'), fake());
    expect(result).toMatchObject({ status: 'success', answer: 'found it', turns: 1, error: null });
    expect(result.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    // Everything is kept on disk, the noise included.
    expect(fs.statSync(path.join(result.outputDir, 'events.jsonl')).size).toBeGreaterThan(20 * 1024 * 1024);
    expect(fs.readFileSync(path.join(result.outputDir, 'result.md'), 'utf8')).toBe('found it');
  });

  it('reports a CLI that cannot be started', async () => {
    const result = await runAgent(spec('missing', 'hello'), fake({ claude: '/nonexistent/claude' }));
    expect(result).toMatchObject({ status: 'failure', attempts: 1, exitCode: 127 });
    expect(result.error).toMatch(/^exited 127 without a result: could not start \/nonexistent\/claude/);
  });

  it('on timeout stops the whole group, a child that ignores SIGTERM included', async () => {
    const result = await runAgent(spec('orphan', 'leave a child\n@orphan\n@hang', { timeoutMinutes: 0.05 }), fake());
    expect(result).toMatchObject({ status: 'timeout', attempts: 1 });
    const child = pidIn(result, 'orphan.pid');
    expect(child).toBeGreaterThan(0);
    expect(await gone(child)).toBe(true);
  });

  it('on timeout kills a CLI that ignores SIGTERM after the grace period', async () => {
    const started = Date.now();
    const result = await runAgent(
      spec('stubborn', 'ignore SIGTERM\n@trap\n@pid\n@orphan\n@hang', { timeoutMinutes: 0.05 }),
      fake(),
    );
    expect(result).toMatchObject({ status: 'timeout', attempts: 1, exitCode: null });
    // 3 s of time, then SIGTERM is ignored, then SIGKILL 2.5 s later.
    expect(Date.now() - started).toBeGreaterThanOrEqual(5400);
    expect(await gone(pidIn(result, 'claude.pid'))).toBe(true);
    expect(await gone(pidIn(result, 'orphan.pid'))).toBe(true);
  });

  it('ends what an agent started when the agent ends by itself', async () => {
    const result = await runAgent(spec('leaver', 'leave a child, then finish\n@orphan\n@result finished'), fake());
    expect(result).toMatchObject({ status: 'success', answer: 'finished' });
    expect(await gone(pidIn(result, 'orphan.pid'))).toBe(true);
  });

  it('stops an agent and its children when the run is cancelled', async () => {
    const controller = new AbortController();
    const ctx = fake({ signal: controller.signal, retries: 2 });
    const running = runAgent(spec('cancelled', 'wait\n@orphan\n@hang'), ctx);
    const pidFile = path.join(agentPaths(ctx.runDir, 'cancelled').workspace, 'orphan.pid');
    expect(await appears(pidFile)).toBe(true);
    controller.abort();
    const result = await running;
    expect(result).toMatchObject({ status: 'cancelled', attempts: 1, error: 'cancelled with the run' });
    expect(await gone(Number(fs.readFileSync(pidFile, 'utf8')))).toBe(true);
  });
});
