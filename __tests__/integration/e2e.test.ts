import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { LOCAL_CLAUDE, ROOT, startAction } from '../../stand-ins/run-action.js';
import type { AgentResult } from '../../src/types.js';
import { tempDir } from '../support/agents.js';
import { useStandIns } from '../support/fixture.js';

interface ActionYml {
  outputs: Record<string, unknown>;
}

// dist/index.js run as the runner runs it: INPUT_* variables with action.yml's defaults, and the
// GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files.
const standIns = useStandIns({ model: { latencyMs: 5000 } });

const API_KEY = 'sk-ant-e2e-secret-value-42';

function runAction(inputs: Record<string, string>) {
  return startAction({
    dir: tempDir('e2e-'),
    inputs: { 'claude-path': LOCAL_CLAUDE, upload: 'none', 'anthropic-api-key': API_KEY, ...inputs },
    env: { ...standIns.env(), ANTHROPIC_API_KEY: '' },
  }).done;
}

describe('node dist/index.js', () => {
  let run: Awaited<ReturnType<typeof runAction>>;
  let results: AgentResult[];

  beforeAll(async () => {
    run = await runAction({
      prompts: [
        '- Summarize the last commits',
        '- id: docs',
        '  prompt: "List undocumented functions\\n@answer none | all | documented"',
        '- id: writer',
        '  prompt: "Write findings\\n@write findings.md nothing found"',
        '  allowed-tools: Read Write',
      ].join('\n'),
    });
    results = JSON.parse(run.outputs.results ?? '[]');
  });

  it('reports all three agents as successes', () => {
    expect(run.code).toBe(0);
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['agent-1', 'success'],
      ['docs', 'success'],
      ['writer', 'success'],
    ]);
    expect(run.outputs).toMatchObject({ succeeded: '3', failed: '0' });
  });

  it('runs them at once: every agent started before any finished', () => {
    const lastStart = Math.max(...results.map((r) => Date.parse(r.startedAt)));
    const firstFinish = Math.min(...results.map((r) => Date.parse(r.finishedAt)));
    expect(lastStart).toBeLessThan(firstFinish);
    // Agents that overlapped took less time together than one after another. How much less depends on how busy
    // the machine is (start-ups share its cores), which is the benchmark's to measure, not a test's.
    expect(Number(run.outputs.speedup)).toBeGreaterThan(1);
    expect(Number(run.outputs['wall-time-ms'])).toBeGreaterThan(0);
    // The estimate never counts more than the agents' summed durations.
    const sum = results.reduce((s, r) => s + r.durationMs, 0);
    expect(Number(run.outputs.speedup)).toBeLessThanOrEqual(sum / Number(run.outputs['wall-time-ms']) + 0.01);
    expect(Number(run.outputs.efficiency)).toBeCloseTo(Number(run.outputs.speedup) / 3, 1);
  });

  it('writes every output action.yml declares, and the results file holds the same JSON', () => {
    const declared = Object.keys((parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as ActionYml).outputs);
    expect(declared.length).toBeGreaterThan(5);
    // A comment and an issue are written only on GitHub, when asked for; so are their pages. Findings, their
    // SARIF file and the review's page only with reviewers (review: comments), which this run has none of.
    const published = ['comment-url', 'issue-url', 'findings', 'findings-file', 'review-url'];
    for (const name of declared.filter((n) => !published.includes(n))) expect(run.outputs[name], name).toBeTruthy();
    for (const name of published) expect(run.outputs[name], name).toBeUndefined();
    expect(fs.readFileSync(run.outputs['results-file'] ?? '', 'utf8')).toBe(run.outputs.results);
    expect(Number(run.outputs['total-cost-usd'])).toBeGreaterThan(0);
    expect(fs.readFileSync(`${results[2]?.outputDir}/workspace/findings.md`, 'utf8')).toBe('nothing found\n');
  });

  it('writes a job summary with the table, the totals and the chart', () => {
    expect(run.summary).toContain('## Claude agents: 3 of 3 succeeded');
    expect(run.summary).toContain('| `docs` | ✅ success |');
    expect(run.summary).toContain('none \\| all \\| documented');
    expect(run.summary).toMatch(/speedup \d+\.\d+×/);
    expect(run.summary).toContain('```mermaid\ngantt');
  });

  it('writes report.md with the outcome and every agent, in matrix order', () => {
    const report = fs.readFileSync(run.outputs['report-file'] ?? '', 'utf8');
    expect(report.split('\n')[0]).toBe('# Claude Agent Matrix: ✅ all 3 agents succeeded');
    expect([...report.matchAll(/^## `([^`]+)`/gm)].map((m) => m[1])).toEqual(['agent-1', 'docs', 'writer']);
    expect(report).toContain('> none | all | documented');
  });

  it('masks the API key and never prints it', () => {
    expect(run.stdout).toContain(`::add-mask::${API_KEY}`);
    expect(run.stdout.replace(`::add-mask::${API_KEY}`, '')).not.toContain(API_KEY);
    expect(run.summary + JSON.stringify(run.outputs)).not.toContain(API_KEY);
    expect(fs.readFileSync(run.outputs['report-file'] ?? '', 'utf8')).not.toContain(API_KEY);
  });
});

describe('node dist/index.js with bad input', () => {
  it('fails before any agent starts, naming the input, the item and the fix', async () => {
    const before = standIns.model.stats.requests;
    const run = await runAction({ prompts: '- id: one\n  promt: hello' });
    expect(run.code).toBe(1);
    // Both problems of the item in one error, one to a line (%0A in a workflow command).
    expect(run.stdout).toContain(
      `::error::2 problems:%0A- Input 'prompts': item 0 (id "one"): unknown key "promt"; did you mean "prompt"?`,
    );
    expect(run.stdout).toContain(`%0A- Input 'prompts': item 0 (id "one"): needs a 'prompt' or a 'prompt-file'`);
    expect(standIns.model.stats.requests).toBe(before);
    expect(run.outputs.results).toBeUndefined();
  });

  it("fails before any agent starts without a credential, as on Dependabot's pull requests", async () => {
    const before = standIns.model.stats.requests;
    // An empty secret: what a workflow passes when the event gets no secrets.
    const run = await runAction({ prompts: '- hi\n- there', 'anthropic-api-key': '' });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /::error::Input 'anthropic-api-key' or input 'claude-code-oauth-token' is required, and both are empty: .*Dependabot's pull requests get no Actions secrets/,
    );
    expect(run.stdout).not.toContain('■');
    expect(standIns.model.stats.requests).toBe(before);
    expect(run.outputs.results).toBeUndefined();
  });

  it('names max-parallel when it is not a positive whole number', async () => {
    const run = await runAction({ prompts: '- hi', 'max-parallel': '0' });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::Input 'max-parallel' must be a positive whole number/);
  });
});

describe('node dist/index.js when an agent fails', () => {
  const prompts = '- id: good\n  prompt: "fine\\n@latency 10"\n- id: bad\n  prompt: "broken\\n@fail 400\\n@latency 10"';

  it('fails the step with fail-on any, after writing the summary and outputs', async () => {
    const run = await runAction({ prompts });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::1 of 2 agents did not succeed:%0Abad \(failure\): .*400/);
    expect(run.outputs).toMatchObject({ succeeded: '1', failed: '1' });
    expect(run.summary).toContain('| `bad` | ❌ failure |');
  });

  it('passes the step with fail-on never, and with fail-on all while one succeeded', async () => {
    for (const failOn of ['never', 'all']) {
      const run = await runAction({ prompts, 'fail-on': failOn });
      expect(run.code, failOn).toBe(0);
      expect(run.outputs.failed).toBe('1');
    }
  });
});
