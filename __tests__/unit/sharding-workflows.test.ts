import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../../stand-ins/run-action.js';

// The workflows of the sharding docs, the example and the act tests: they parse, their `run:` scripts take
// outputs through `env:` (never an expression pasted into the script), and the act workflows, which run,
// use only declared inputs.

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  jobs: Record<string, { steps: Step[] }>;
}

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const yamlBlocks = (markdown: string) => [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps);

const workflows: [string, Workflow][] = [
  ...yamlBlocks(read('docs/sharding.md')).map((text, i): [string, Workflow] => [
    `docs/sharding.md #${i + 1}`,
    parse(text),
  ]),
  ['examples/sharded.yml', parse(read('examples/sharded.yml'))],
  ['__tests__/act/single.yml', parse(read('__tests__/act/single.yml'))],
  ['__tests__/act/sharded.yml', parse(read('__tests__/act/sharded.yml'))],
];

describe('the sharding workflows', () => {
  it.each(workflows)('%s parses, and its run: scripts hold no expression', (_, workflow) => {
    expect(steps(workflow).length).toBeGreaterThan(0);
    for (const step of steps(workflow)) if (step.run) expect(step.run).not.toContain('${{');
  });

  it.each(workflows)('%s splits with shard: i/n and aggregates in a job that needs the shards', (_, workflow) => {
    const all = steps(workflow);
    const shard = all.find((s) => s.with?.shard !== undefined);
    if (!shard) return expect(all.some((s) => s.uses === './')).toBe(true);
    expect(String(shard.with!.shard)).toMatch(/^\$\{\{ matrix\.shard \}\}\/\d+$/);
    const aggregate = Object.entries(workflow.jobs).find(([, j]) => j.steps.some((s) => s.uses?.includes('aggregate')));
    expect(aggregate).toBeDefined();
    expect((workflow.jobs[aggregate![0]] as { needs?: unknown }).needs).toBeDefined();
  });

  it.each(workflows.filter(([name]) => name.startsWith('__tests__/act/')))(
    '%s gives each action only inputs its action.yml declares',
    (_, workflow) => {
      for (const step of steps(workflow).filter((s) => s.uses?.startsWith('./'))) {
        const declared = Object.keys((parse(read(path.join(step.uses!, 'action.yml'))) as { inputs: object }).inputs);
        for (const name of Object.keys(step.with ?? {})) expect(declared, `${step.uses} ${name}`).toContain(name);
      }
    },
  );
});
