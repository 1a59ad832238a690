import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../../stand-ins/run-action.js';

// The workflows people copy: examples/ and the ones in the README and docs/publishing.md. They parse, use only
// inputs that action.yml declares, and never paste an output or the event into a script.

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
  run?: string;
}
interface Workflow {
  permissions?: Record<string, string>;
  jobs: Record<string, { steps: Step[] }>;
}

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const declared = Object.keys((parse(read('action.yml')) as { inputs: Record<string, unknown> }).inputs);
const EXAMPLES = fs
  .readdirSync(path.join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.yml'))
  .map((f) => `examples/${f}`);

/** The workflows in a Markdown file's yaml blocks (blocks without `jobs:` are not workflows). */
function workflowsIn(file: string): Workflow[] {
  return [...read(file).matchAll(/```ya?ml\n([\s\S]*?)```/g)]
    .map((m) => parse(m[1]!) as Workflow)
    .filter((w) => w && typeof w === 'object' && 'jobs' in w);
}

const workflows: [string, Workflow][] = [
  ...EXAMPLES.map((f): [string, Workflow] => [f, parse(read(f)) as Workflow]),
  ...workflowsIn('README.md').map((w, i): [string, Workflow] => [`README.md workflow ${i + 1}`, w]),
  ...workflowsIn('docs/publishing.md').map((w, i): [string, Workflow] => [`docs/publishing.md workflow ${i + 1}`, w]),
];

/** Steps that use this action: `./` or the published `OWNER/REPO@...`. */
const ours = (w: Workflow) =>
  Object.values(w.jobs).flatMap((j) => j.steps.filter((s) => s.uses === './' || /^OWNER\/REPO@/.test(s.uses ?? '')));

describe('the example workflows', () => {
  it('are the ones the README promises', () => {
    expect(EXAMPLES.sort()).toEqual([
      'examples/basic.yml',
      'examples/map-reduce.yml',
      'examples/nightly-report.yml',
      'examples/pr-review.yml',
      'examples/sharded.yml',
    ]);
    expect(workflows.length).toBeGreaterThanOrEqual(EXAMPLES.length + 1);
  });

  it.each(workflows)('%s uses the action, with inputs action.yml declares', (_name, workflow) => {
    const steps = ours(workflow);
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) {
      const unknown = Object.keys(step.with ?? {}).filter((k) => !declared.includes(k));
      expect(unknown).toEqual([]);
    }
  });

  it.each(workflows)('%s passes outputs and the event to scripts through env:, never into run:', (_name, workflow) => {
    const scripts = Object.values(workflow.jobs).flatMap((j) => j.steps.map((s) => s.run ?? ''));
    for (const script of scripts) expect(script).not.toMatch(/\$\{\{\s*(steps|needs|github\.event)\./);
  });

  it('ask for the permissions they need, and no more', () => {
    const permissions = (f: string) => (parse(read(f)) as Workflow).permissions;
    expect(permissions('examples/pr-review.yml')).toEqual({ contents: 'read', 'pull-requests': 'write' });
    expect(permissions('examples/nightly-report.yml')).toEqual({ contents: 'read', issues: 'write' });
    expect(permissions('examples/basic.yml')).toEqual({ contents: 'read' });
  });

  it('are linked from the README’s quick start', () => {
    const readme = read('README.md');
    const quickStart = readme.slice(
      readme.indexOf('## Quick start'),
      readme.indexOf('\n## ', readme.indexOf('## Quick start') + 1),
    );
    for (const file of EXAMPLES) expect(quickStart).toContain(`](${file})`);
  });
});
