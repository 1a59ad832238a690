import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FAKE_CLAUDE, LOCAL_CLAUDE, startAction } from '../../stand-ins/run-action.js';
import type { AgentResult } from '../../src/types.js';
import { readZip } from '../../stand-ins/artifact-service.js';
import { alive, processesWith, tempDir } from '../support/agents.js';
import { useStandIns } from '../support/fixture.js';

// A run cancelled from the runner: SIGINT to node dist/index.js while two of three real CLI agents still wait
// on the model. The runner sends SIGTERM 7.5 s after SIGINT and SIGKILL after that, so the action has 7 s.

const standIns = useStandIns({ model: true, artifactService: true });

describe('node dist/index.js cancelled by the runner', () => {
  const dir = tempDir('cancel-');
  // Every agent's CLI gets CLAUDE_CONFIG_DIR under the run folder in RUNNER_TEMP.
  const configMarker = `CLAUDE_CONFIG_DIR=${path.join(dir, 'runner-temp')}${path.sep}`;
  let run: {
    code: number | null;
    signal: string | null;
    stdout: string;
    outputs: Record<string, string>;
    summary: string;
  };
  let results: AgentResult[];
  let exitMs = 0;
  let agentsAtCancel: number[] = [];

  beforeAll(async () => {
    let cancelledAt = 0;
    const action = startAction({
      dir,
      inputs: {
        prompts: [
          '- id: fast',
          '  prompt: "Answer quickly\\n@latency 500\\n@answer quick answer"',
          '- id: slow',
          '  prompt: "Take a minute\\n@latency 60000"',
          '- id: silent',
          '  prompt: "Never answer\\n@hang"',
        ].join('\n'),
        'claude-path': LOCAL_CLAUDE,
        'anthropic-api-key': 'sk-ant-cancel-test-0123456789',
        upload: 'per-agent',
      },
      env: standIns.env(),
      onLine(line) {
        if (cancelledAt || !line.includes('■ fast success')) return;
        agentsAtCancel = processesWith(configMarker);
        cancelledAt = Date.now();
        action.child.kill('SIGINT');
      },
    });
    action.child.once('exit', () => (exitMs = Date.now() - cancelledAt));
    run = (await action.done) as typeof run;
    results = JSON.parse(run.outputs.results ?? '[]');
    expect(cancelledAt, 'the fast agent finished and the run was cancelled').toBeGreaterThan(0);
  });

  it('exits within 7 s of SIGINT, failing the step', () => {
    console.info(`exited ${exitMs} ms after SIGINT`);
    expect(exitMs).toBeGreaterThan(0);
    expect(exitMs).toBeLessThan(7000);
    expect(run.signal).toBeNull();
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::warning::Cancelled: stopping every agent; no new agent starts.');
  });

  it('leaves no agent process behind', async () => {
    // Two CLIs were waiting on the model when the signal came.
    expect(agentsAtCancel.length).toBeGreaterThanOrEqual(2);
    const until = Date.now() + 5000;
    while (agentsAtCancel.some(alive) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(agentsAtCancel.filter(alive)).toEqual([]);
    expect(processesWith(configMarker)).toEqual([]);
  });

  it('reports the finished agent as a success and the others as cancelled', () => {
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['fast', 'success'],
      ['slow', 'cancelled'],
      ['silent', 'cancelled'],
    ]);
    expect(results[0]?.answer).toBe('quick answer');
    for (const r of results.slice(1)) expect(r.error).toBe('cancelled with the run');
    expect(run.outputs).toMatchObject({ succeeded: '1', failed: '2' });
  });

  it('writes the summary with the cancelled rows', () => {
    expect(run.summary).toContain('## Claude agents: 1 of 3 succeeded');
    expect(run.summary).toMatch(/\| \[?`fast`.*\| ✅ success \|/);
    expect(run.summary).toMatch(/\| \[?`slow`.*\| ⏹️ cancelled \|.*cancelled with the run/);
    expect(run.summary).toMatch(/\| \[?`silent`.*\| ⏹️ cancelled \|.*cancelled with the run/);
  });

  it("lands the finished agent's artifact", async () => {
    const fast = results.find((r) => r.id === 'fast');
    expect(fast?.uploadWarning).toBeUndefined();
    expect(fast?.artifactName).toBe('agent-fast');
    expect(fast?.artifactId).toBe(standIns.artifactService.artifacts.find((a) => a.name === 'agent-fast')?.id);
    const files = readZip(await standIns.artifactService.download('agent-fast'));
    expect(files.get('result.md')?.toString()).toBe('quick answer');
    expect(files.has('events.jsonl')).toBe(true);
  });
});

describe('node dist/index.js cancelled while an agent ignores SIGTERM', () => {
  const dir = tempDir('cancel-stubborn-');
  let run: { code: number | null; outputs: Record<string, string>; summary: string };
  let exitMs = 0;

  beforeAll(async () => {
    let cancelledAt = 0;
    let quickDone = false;
    const action = startAction({
      dir,
      inputs: {
        prompts: [
          '- id: quick',
          '  prompt: "@result quick answer"',
          '- id: stubborn',
          '  prompt: "@trap\\n@pid\\n@orphan\\n@hang"',
        ].join('\n'),
        'claude-path': FAKE_CLAUDE,
        'anthropic-api-key': 'sk-ant-cancel-test-0123456789',
        upload: 'per-agent',
      },
      env: standIns.env(),
      onLine(line) {
        if (quickDone || !line.includes('■ quick success')) return;
        quickDone = true;
        // Cancel only once the stubborn CLI ignores SIGTERM: it writes its pid right after setting the trap.
        const poll = setInterval(() => {
          if (!stubbornPidWritten(dir)) return;
          clearInterval(poll);
          cancelledAt = Date.now();
          action.child.kill('SIGINT');
        }, 20);
        action.child.once('exit', () => clearInterval(poll));
      },
    });
    action.child.once('exit', () => (exitMs = Date.now() - cancelledAt));
    run = await action.done;
    expect(cancelledAt, 'the quick agent finished and the run was cancelled').toBeGreaterThan(0);
  });

  it('kills it after the grace period and still exits within 7 s, with everything written', async () => {
    // SIGTERM is ignored, so the agent goes only with the SIGKILL 2.5 s later.
    console.info(`exited ${exitMs} ms after SIGINT`);
    expect(exitMs).toBeGreaterThanOrEqual(2400);
    expect(exitMs).toBeLessThan(7000);
    const results: AgentResult[] = JSON.parse(run.outputs.results ?? '[]');
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['quick', 'success'],
      ['stubborn', 'cancelled'],
    ]);
    expect(run.summary).toMatch(/\| \[?`stubborn`.*\| ⏹️ cancelled \|/);
    const workspace = path.join(path.dirname(results[1]?.outputDir ?? ''), 'stubborn', 'workspace');
    for (const file of ['claude.pid', 'orphan.pid']) {
      const pid = Number(fs.readFileSync(path.join(workspace, file), 'utf8'));
      const until = Date.now() + 5000;
      while (alive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(alive(pid), file).toBe(false);
    }
    expect(processesWith(`CLAUDE_CONFIG_DIR=${path.join(dir, 'runner-temp')}${path.sep}`)).toEqual([]);
    expect(
      readZip(await standIns.artifactService.download('agent-quick'))
        .get('result.md')
        ?.toString(),
    ).toBe('quick answer');
  });
});

/** Whether the stubborn agent's CLI has written claude.pid in its workspace yet. */
function stubbornPidWritten(dir: string): boolean {
  const temp = path.join(dir, 'runner-temp');
  return fs.readdirSync(temp).some((run) => fs.existsSync(path.join(temp, run, 'stubborn', 'workspace', 'claude.pid')));
}
