import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runAgent } from '../../src/agent/run.js';
import { runAgents } from '../../src/schedule/run-agents.js';
import type { AgentResult } from '../../src/types.js';
import { context, spec, tempDir } from '../support/agents.js';
import { useStandIns } from '../support/fixture.js';

// The real Claude Code CLI against the stand-in model: only the model is stood in for.
const standIns = useStandIns({ model: { latencyMs: 1500 } });

const filesUnder = (dir: string): string[] =>
  fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).map(String).sort() : [];

describe('a matrix of real CLI agents', () => {
  let results: AgentResult[];
  let runDir: string;
  const finishedOrder: string[] = [];

  beforeAll(async () => {
    const ctx = context(standIns.model.url);
    runDir = ctx.runDir;
    standIns.model.stats.maxInFlight = 0;
    results = await runAgents(
      [
        spec('writer', 'Write the report\n@write report.md findings go here', { allowedTools: ['Write'] }),
        spec('reader', 'Say hello\n@answer hello there'),
        spec('broken', 'This one fails\n@fail 400'),
        spec('third', 'Count to three\n@answer one two three'),
      ],
      { maxParallel: 4, ctx, onFinished: (r) => finishedOrder.push(r.id) },
    );
  });

  it('runs them at the same time', () => {
    // Four agents, one answer each, and the stand-in saw them waiting on it together.
    expect(standIns.model.stats.maxInFlight).toBeGreaterThanOrEqual(3);
    expect(finishedOrder).toHaveLength(4);
  });

  it('reports each agent from its result event', () => {
    const byId = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(byId.reader).toMatchObject({ status: 'success', exitCode: 0, turns: 1, answer: 'hello there', error: null });
    expect(byId.reader?.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(byId.reader?.costUsd).toBeGreaterThan(0);
    expect(byId.third).toMatchObject({ status: 'success', answer: 'one two three' });
    expect(byId.writer).toMatchObject({ status: 'success', turns: 2 });
    for (const r of results) expect(Date.parse(r.finishedAt) - Date.parse(r.startedAt)).toBe(r.durationMs);
  });

  it('keeps a failing agent from disturbing the others', () => {
    const broken = results.find((r) => r.id === 'broken');
    expect(broken?.status).toBe('failure');
    expect(broken?.error).toMatch(/400/);
    expect(results.filter((r) => r.status === 'success')).toHaveLength(3);
  });

  it('gives each agent its own folder, and a Write lands only in its own workspace', () => {
    expect(fs.readFileSync(path.join(runDir, 'writer', 'workspace', 'report.md'), 'utf8')).toBe('findings go here\n');
    for (const id of ['reader', 'broken', 'third']) expect(filesUnder(path.join(runDir, id, 'workspace'))).toEqual([]);
    expect(fs.readdirSync(runDir).sort()).toEqual(['broken', 'reader', 'third', 'writer']);
    for (const id of ['writer', 'reader', 'third']) {
      const dir = path.join(runDir, id);
      expect(fs.existsSync(path.join(dir, 'config', '.claude.json'))).toBe(true);
      expect(fs.readFileSync(path.join(dir, 'result.md'), 'utf8')).toBe(results.find((r) => r.id === id)?.answer);
      const events = fs.readFileSync(path.join(dir, 'events.jsonl'), 'utf8').trim().split('\n');
      expect(JSON.parse(events.at(-1) ?? '{}').type).toBe('result');
      expect(JSON.parse(events[0] ?? '{}')).toMatchObject({
        type: 'system',
        subtype: 'init',
        cwd: path.join(dir, 'workspace'),
      });
    }
  });
});

describe('one agent', () => {
  it('reads a 200 KB prompt from a prompt-file through stdin', async () => {
    const dir = tempDir('prompt-file-');
    const file = path.join(dir, 'big.md');
    const filler = 'lorem ipsum dolor sit amet '.repeat(8000);
    fs.writeFileSync(file, `Summarize this\n@answer summarized\n${filler}\nEND-OF-PROMPT`);
    expect(fs.statSync(file).size).toBeGreaterThan(200_000);
    const result = await runAgent(
      spec('big', '', { prompt: undefined, promptFile: file }),
      context(standIns.model.url),
    );
    expect(result).toMatchObject({ status: 'success', answer: 'summarized' });
    expect(standIns.model.stats.prompts.some((p) => p.length > 200_000 && p.endsWith('END-OF-PROMPT'))).toBe(true);
  });

  it('starts an agent again after a transient API failure, in a fresh workspace, keeping the first try', async () => {
    const ctx = context(standIns.model.url, { retries: 2 });
    const result = await runAgent(spec('flaky', 'Overloaded once\n@fail 529 1\n@answer second time lucky'), ctx);
    expect(result).toMatchObject({ status: 'success', attempts: 2, answer: 'second time lucky' });
    const first = path.join(result.outputDir, 'attempt-1');
    expect(fs.readFileSync(path.join(first, 'events.jsonl'), 'utf8')).toContain('"api_error_status":529');
    expect(fs.existsSync(path.join(first, 'workspace'))).toBe(true);
  });

  it('gives up after the retries when the API stays overloaded', async () => {
    const ctx = context(standIns.model.url, { retries: 1 });
    const result = await runAgent(spec('overloaded', 'Always overloaded\n@fail 529'), ctx);
    expect(result).toMatchObject({ status: 'failure', attempts: 2 });
    expect(result.error).toMatch(/529/);
  });

  it('stops an agent whose answer never comes when its time is up', async () => {
    const result = await runAgent(
      spec('hung', 'Never answered\n@hang', { timeoutMinutes: 0.05 }),
      context(standIns.model.url),
    );
    expect(result).toMatchObject({ status: 'timeout', attempts: 1 });
    expect(result.error).toMatch(/0.05 minutes/);
  });

  it('does not retry a failure of the task itself', async () => {
    const ctx = context(standIns.model.url, { retries: 2 });
    const result = await runAgent(
      spec('turns', 'Too many turns\n@write a.md x', { maxTurns: 1, allowedTools: ['Write'] }),
      ctx,
    );
    expect(result).toMatchObject({ status: 'failure', attempts: 1 });
    expect(result.error).toMatch(/error_max_turns/);
  });
});
