import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CLAUDE, startAction } from '../../stand-ins/run-action.js';
import type { AgentResult } from '../../src/types.js';
import { readZip } from '../../stand-ins/artifact-service.js';
import { tempDir } from '../support/agents.js';
import { useStandIns } from '../support/fixture.js';

// dist/index.js as the runner runs it, uploading through the real @actions/artifact client to a local
// artifact service (a Twirp JSON server handing out upload URLs into Azurite).
const standIns = useStandIns({ model: { latencyMs: 500 }, artifactService: true });

function runAction(inputs: Record<string, string>) {
  return startAction({
    dir: tempDir('e2e-artifacts-'),
    inputs: { 'claude-path': LOCAL_CLAUDE, 'anthropic-api-key': 'sk-ant-artifacts-secret', ...inputs },
    env: standIns.env(),
  }).done;
}

/** The ISO time at the start of the first log line matching `pattern`. */
function loggedAt(stdout: string, pattern: RegExp): number {
  const line = stdout.split('\n').find((l) => pattern.test(l));
  const stamp = /(\d{4}-\d\d-\d\dT[\d:.]+Z)/.exec(line ?? '')?.[1];
  if (!stamp) throw new Error(`no log line matches ${pattern}`);
  return Date.parse(stamp);
}

describe('per-agent artifacts', () => {
  let run: Awaited<ReturnType<typeof runAction>>;
  let results: AgentResult[];

  beforeAll(async () => {
    run = await runAction({
      prompts: JSON.stringify([
        { id: 'writer', prompt: 'Write the report\n@write report.md all clear', 'allowed-tools': 'Write' },
        { id: 'quick', prompt: 'Answer fast\n@answer quick answer' },
        { id: 'slow', prompt: 'Think long\n@latency 6000\n@answer slow answer' },
      ]),
    });
    results = JSON.parse(run.outputs.results ?? '[]');
  });

  it('lands one artifact per agent', () => {
    expect(run.code).toBe(0);
    const names = standIns.artifactService.artifacts.map((a) => a.name);
    expect(names).toEqual(expect.arrayContaining(['agent-writer', 'agent-quick', 'agent-slow']));
  });

  it("puts the agent's files and logs in its zip", async () => {
    const zip = readZip(await standIns.artifactService.download('agent-writer'));
    expect(zip.get('workspace/report.md')?.toString()).toBe('all clear\n');
    for (const file of ['result.md', 'result.json', 'events.jsonl', 'stderr.log'])
      expect(zip.has(file), file).toBe(true);
    expect([...zip.keys()].some((k) => k.startsWith('config/'))).toBe(false);
    expect(
      readZip(await standIns.artifactService.download('agent-slow'))
        .get('result.md')
        ?.toString(),
    ).toBe('slow answer');
  });

  it('uploads report.md as the report artifact', async () => {
    const zip = readZip(await standIns.artifactService.download('agent-report'));
    expect([...zip.keys()]).toEqual(['report.md']);
    expect(zip.get('report.md')?.toString()).toBe(fs.readFileSync(run.outputs['report-file'] ?? '', 'utf8'));
    expect(zip.get('report.md')?.toString()).toContain('## `slow`: ✅ success\n\n**Artifact:** [`agent-slow`](http://');
  });

  it('links every agent to its artifact, in the results and the summary', () => {
    for (const r of results) {
      const artifact = standIns.artifactService.artifacts.find((a) => a.name === `agent-${r.id}`);
      expect(r.artifactName).toBe(`agent-${r.id}`);
      expect(r.artifactId).toBe(artifact?.id);
      expect(r.artifactUrl).toBe(`http://github.localhost/owner/repo/actions/runs/4242/artifacts/${artifact?.id}`);
      expect(run.summary).toContain(`[\`${r.id}\`](${r.artifactUrl})`);
    }
  });

  it('starts uploading before the slowest agent has finished', () => {
    const firstUpload = loggedAt(run.stdout, /upload of agent-(quick|writer) .*started/);
    const slowDone = loggedAt(run.stdout, /■ slow success/);
    expect(firstUpload).toBeLessThan(slowDone);
  });
});

describe('an artifact name already taken in this run', () => {
  it("says so on that agent's row, uploads the others and fails the step at the end", async () => {
    standIns.artifactService.takeName('taken-b');
    const run = await runAction({
      'artifact-prefix': 'taken',
      prompts: '- id: a\n  prompt: first\n- id: b\n  prompt: second',
    });
    const results: AgentResult[] = JSON.parse(run.outputs.results ?? '[]');
    const b = results.find((r) => r.id === 'b');
    expect(b?.status).toBe('success');
    expect(b?.uploadWarning).toMatch(/409.*artifact-prefix/);
    expect(run.summary).toMatch(/\| `b` \| ✅ success \|.*⚠️ Artifact taken-b was not uploaded/);
    expect(standIns.artifactService.artifacts.map((a) => a.name)).toContain('taken-a');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::.*uploads failed for: b/);
  });
});
