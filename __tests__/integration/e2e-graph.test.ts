import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { AgentResult } from '../../src/types.js';
import { tempDir } from '../support/agents.js';
import { LOCAL_CLAUDE, ROOT, startAction } from '../../stand-ins/run-action.js';
import { useStandIns } from '../support/fixture.js';

// dist/index.js run as a runner runs it, with agents that build on each other.
const standIns = useStandIns({ model: { latencyMs: 300 } });

const API_KEY = 'sk-ant-e2e-graph-key-7';

function runAction(dir: string, inputs: Record<string, string>) {
  return startAction({
    dir,
    inputs: { 'claude-path': LOCAL_CLAUDE, upload: 'none', 'anthropic-api-key': API_KEY, ...inputs },
    env: { ...standIns.env(), ANTHROPIC_API_KEY: '' },
  }).done;
}

interface Workflow {
  jobs: Record<string, { steps: { uses?: string; with?: Record<string, string | number>; run?: string }[] }>;
}
interface Item {
  id: string;
  prompt: string;
  [key: string]: unknown;
}

describe('examples/map-reduce.yml against the stand-in', () => {
  const folders = ['docs', 'src', 'tests'];
  let dir: string;
  let run: Awaited<ReturnType<typeof runAction>>;
  let byId: Record<string, AgentResult>;

  beforeAll(async () => {
    const workflow = parse(fs.readFileSync(path.join(ROOT, 'examples', 'map-reduce.yml'), 'utf8')) as Workflow;
    const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
    // Outputs reach scripts through env:, never pasted into them.
    for (const s of steps) expect(s.run ?? '').not.toMatch(/\$\{\{\s*(steps|needs|github\.event)\./);
    const step = steps.find((s) => s.uses?.endsWith('@v1'))!;

    // The repository the planner splits.
    dir = tempDir('map-reduce-');
    for (const f of folders) {
      fs.mkdirSync(path.join(dir, f));
      fs.writeFileSync(path.join(dir, f, 'index.md'), `${f}\n`);
    }
    // What the runner does with the step's inputs: fill in the expressions.
    const inputs: Record<string, string> = {};
    for (const [name, value] of Object.entries(step.with!)) {
      inputs[name] = String(value)
        .replaceAll('${{ github.workspace }}', dir)
        .replaceAll('${{ secrets.ANTHROPIC_API_KEY }}', API_KEY);
    }
    // The stand-in plays each model: the planner writes one reviewer per folder, as its prompt asks; each reviewer
    // and the report answer.
    const items = parse(inputs.prompts!) as Item[];
    const plan = items.find((i) => i.spawn)!;
    const reviewers = folders.map((f) =>
      [
        `- id: ${f}`,
        '  allowed-tools: Read Grep Glob',
        '  prompt: |',
        `    Review the folder ${f}/ of the repository at ${dir}.`,
        `    @answer ${f}: no findings`,
      ].join('\\n'),
    );
    plan.prompt += `\n@write agents.yml ${reviewers.join('\\n')}\n@answer ${folders.join(', ')}`;
    const report = items.find((i) => i.needs === plan.id)!;
    report.prompt += '\n@answer # Report\n';
    inputs.prompts = stringify(items);

    // Outside GitHub Actions the artifacts are zips in artifacts-dir.
    run = await runAction(dir, { ...inputs, upload: 'per-agent' });
    byId = Object.fromEntries((JSON.parse(run.outputs.results ?? '[]') as AgentResult[]).map((r) => [r.id, r]));
  });

  it('runs the planner, one reviewer per folder, and the report', () => {
    expect(run.code).toBe(0);
    expect(Object.keys(byId)).toEqual(['plan', 'synthesis', 'plan.docs', 'plan.src', 'plan.tests']);
    for (const r of Object.values(byId)) expect(r.status, r.id).toBe('success');
    expect(byId['plan.src']).toMatchObject({ addedBy: 'plan', answer: 'src: no findings' });
    expect(byId.synthesis?.needs).toEqual(['plan']);
  });

  it('starts the report after every reviewer ended, with all their answers', () => {
    const report = byId.synthesis!;
    for (const f of folders) {
      const reviewer = byId[`plan.${f}`]!;
      expect(Date.parse(report.startedAt)).toBeGreaterThanOrEqual(Date.parse(reviewer.finishedAt));
      const answer = path.join(report.outputDir, 'workspace', '.agent-inputs', `plan.${f}`, 'answer.md');
      expect(fs.readFileSync(answer, 'utf8')).toBe(`${f}: no findings`);
    }
  });

  it("uploads the added agents' artifacts as it does the matrix's", () => {
    for (const id of Object.keys(byId)) {
      expect(byId[id]?.artifactName).toBe(`agent-${id}`);
      expect(fs.existsSync(path.join(dir, 'agent-artifacts', `agent-${id}.zip`)), id).toBe(true);
    }
  });

  it('shows the graph and the critical path in the summary', () => {
    expect(run.summary).toContain('```mermaid\nflowchart LR');
    expect(run.summary).toMatch(/critical path [\d.]+ s \(`plan` → `plan\.\w+` → `synthesis`\)/);
    expect(run.summary).toMatch(/allows a speedup of at most \d+\.\d\d×/);
    expect(run.summary).toContain('```mermaid\ngantt');
    expect(run.stdout).toContain('⊕ plan added 3 agents: plan.docs, plan.src, plan.tests');
  });
});

describe('node dist/index.js with a bad graph or schema', () => {
  it('reports an unknown id, a self-need and a cycle in one error, before any agent starts', async () => {
    const before = standIns.model.stats.requests;
    const run = await runAction(tempDir('bad-graph-'), {
      prompts: [
        '- {id: a, prompt: x, needs: b}',
        '- {id: b, prompt: y, needs: a}',
        '- {id: c, prompt: z, needs: c}',
        '- {id: d, prompt: w, needs: nobody}',
      ].join('\n'),
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      [
        `::error::3 problems:`,
        `- Input 'prompts': item 2 (id "c"): 'needs' names the item itself; an agent cannot wait for its own end`,
        `- Input 'prompts': item 3 (id "d"): 'needs' names "nobody", which no item has`,
        `- Input 'prompts': the needs form a cycle: a → b → a; no agent of it could ever start`,
      ].join('%0A'),
    );
    expect(standIns.model.stats.requests).toBe(before);
    expect(run.outputs.results).toBeUndefined();
  });

  it('refuses a json-schema that is not a valid JSON Schema, before any agent starts', async () => {
    const before = standIns.model.stats.requests;
    const run = await runAction(tempDir('bad-schema-'), { prompts: '- x', 'json-schema': '{"type": "objekt"}' });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::Input 'json-schema' is not a valid JSON Schema/);
    expect(standIns.model.stats.requests).toBe(before);
  });

  it('puts a structured output in results', async () => {
    const run = await runAction(tempDir('structured-'), {
      prompts: '- "Count\\n@structured {\\"count\\": 2}"',
      'json-schema': '{"type":"object","properties":{"count":{"type":"integer"}},"required":["count"]}',
    });
    expect(run.code).toBe(0);
    const [result] = JSON.parse(run.outputs.results ?? '[]') as AgentResult[];
    expect(result).toMatchObject({ status: 'success', structured: { count: 2 } });
  });
});
