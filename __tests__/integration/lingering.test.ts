import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAgent } from '../../src/agent/run.js';
import { FAKE_CLAUDE, startAction } from '../../stand-ins/run-action.js';
import type { AgentResult } from '../../src/types.js';
import { context, spec, tempDir } from '../support/agents.js';
import { useStandIns } from '../support/fixture.js';

const standIns = useStandIns({ model: true });

describe('agents that do not end cleanly', () => {
  it('does not wait for a process outside the group that holds stdout open', async () => {
    const result = await runAgent(
      spec('escape', 'escape the group\n@escape\n@result done', { timeoutMinutes: 0.05 }),
      context(standIns.model.url, { claude: FAKE_CLAUDE }),
    );
    expect(result).toMatchObject({ status: 'success', answer: 'done', exitCode: 0 });
    expect(result.durationMs).toBeLessThan(10_000);
  });

  it('a cancelled run exits within 7 s even when an agent left such a process', async () => {
    let cancelledAt = 0;
    const action = startAction({
      dir: tempDir('pending-cancel-'),
      inputs: {
        prompts: '- id: quick\n  prompt: "@result ok"\n- id: escaper\n  prompt: "@escape\\n@hang"',
        'claude-path': FAKE_CLAUDE,
        upload: 'none',
      },
      env: { ...standIns.env(), ANTHROPIC_API_KEY: 'sk-ant-lingering-stand-in' },
      onLine(line) {
        if (cancelledAt || !line.includes('■ quick success')) return;
        cancelledAt = Date.now();
        action.child.kill('SIGINT');
      },
    });
    let exitMs = 0;
    action.child.once('exit', () => (exitMs = Date.now() - cancelledAt));
    await action.done;
    expect(exitMs).toBeLessThan(7000);
  });

  it('takes the result of a CLI that does not exit after it, without waiting for the timeout', async () => {
    const result = await runAgent(
      spec('linger', 'finish but stay\n@result done\n@hang', { timeoutMinutes: 1 }),
      context(standIns.model.url, { claude: FAKE_CLAUDE }),
    );
    expect(result).toMatchObject({ status: 'success', answer: 'done' });
    expect(result.durationMs).toBeLessThan(30_000);
  });

  it("hands the agents none of the runner's command files", async () => {
    const dir = tempDir('pending-files-');
    const run = await startAction({
      dir,
      inputs: {
        prompts: JSON.stringify([{ id: 'probe', prompt: '@env' }]),
        'claude-path': FAKE_CLAUDE,
        upload: 'none',
      },
      env: {
        ANTHROPIC_API_KEY: 'sk-ant-lingering-stand-in',
        GITHUB_ENV: path.join(dir, 'github-env'),
        GITHUB_PATH: path.join(dir, 'github-path'),
        GITHUB_STATE: path.join(dir, 'github-state'),
      },
    }).done;
    const [r] = JSON.parse(run.outputs.results ?? '[]') as AgentResult[];
    const seen = JSON.parse(fs.readFileSync(path.join(r!.outputDir, 'result.md'), 'utf8'));
    expect(
      Object.keys(seen.env).filter((k: string) => /^GITHUB_(ENV|PATH|OUTPUT|STATE|STEP_SUMMARY)$/.test(k)),
    ).toEqual([]);
  });
});
