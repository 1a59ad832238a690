import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../../stand-ins/run-action.js';

// The workflows people copy: examples/ and the ones in the README and docs/publishing.md. They parse, use only
// inputs that action.yml declares, and never paste an output or the event into a script.

interface Step {
  id?: string;
  uses?: string;
  with?: Record<string, unknown>;
  run?: string;
  if?: string;
  env?: Record<string, string>;
}
interface Job {
  if?: string;
  'timeout-minutes'?: number;
  steps: Step[];
}
interface Workflow {
  on?: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
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
  ...workflowsIn('docs/sharding.md').map((w, i): [string, Workflow] => [`docs/sharding.md workflow ${i + 1}`, w]),
];

/** A step that uses this action: `./` or the published `OWNER/REPO@...`. */
const isOurs = (s: Step) => s.uses === './' || /^OWNER\/REPO@/.test(s.uses ?? '');
const ours = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps.filter(isOurs));
const examples = EXAMPLES.map((f): [string, Workflow] => [f, parse(read(f)) as Workflow]);
const AGENT_TIMEOUT_DEFAULT = Number(
  (parse(read('action.yml')) as { inputs: Record<string, { default: string }> }).inputs['timeout-minutes']!.default,
);

describe('the example workflows', () => {
  it('are the ones the README promises', () => {
    expect(EXAMPLES.sort()).toEqual([
      'examples/basic.yml',
      'examples/fix-in-parallel.yml',
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
    // The split: the agents' job reads; only the apply job, which runs no agent, may write.
    const split = parse(read('examples/fix-in-parallel.yml')) as Workflow & {
      jobs: Record<string, Job & { permissions?: Record<string, string>; needs?: string }>;
    };
    expect(split.permissions).toEqual({ contents: 'read' });
    expect(split.jobs.agents!.permissions).toBeUndefined();
    expect(split.jobs.apply!.needs).toBe('agents');
    expect(split.jobs.apply!.permissions).toEqual({ contents: 'write', 'pull-requests': 'write' });
    expect(split.jobs.apply!.steps.some(isOurs)).toBe(false);
    expect(split.jobs.apply!.steps.map((s) => s.uses)).toContain('OWNER/REPO/apply@v1');
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

// What a user copies must work as written, and not cost or leak more than it says. Each check is a defect the
// examples once had.
describe('the example workflows, as a careful team would run them', () => {
  const jobsWithAgents = workflows.flatMap(([name, w]) =>
    Object.entries(w.jobs)
      .filter(([, job]) => job.steps.some(isOurs))
      .map(([id, job]): [string, Job] => [`${name} job ${id}`, job]),
  );

  it.each(jobsWithAgents)('%s keeps the token out of a checkout its agents can read', (_name, job) => {
    for (const step of job.steps.filter((s) => /^actions\/checkout@/.test(s.uses ?? ''))) {
      expect(step.with?.['persist-credentials']).toBe(false);
    }
  });

  it.each(examples)('%s caps what each agent may spend', (_name, workflow) => {
    for (const step of ours(workflow)) expect(Number(step.with?.['max-budget-usd'])).toBeGreaterThan(0);
  });

  it.each(examples)('%s gives the job more time than its agents, so their own timeout fires first', (_name, w) => {
    for (const job of Object.values(w.jobs).filter((j) => j['timeout-minutes'] !== undefined)) {
      for (const step of job.steps.filter(isOurs)) {
        const agentTimeout = Number(step.with?.['timeout-minutes'] ?? AGENT_TIMEOUT_DEFAULT);
        // With `max-parallel` below the number of agents, they run in rounds, one after another.
        const count = step.with?.prompts ? (parse(String(step.with.prompts)) as unknown[]).length : 1;
        const rounds = Math.ceil(count / Number(step.with?.['max-parallel'] ?? count));
        expect(job['timeout-minutes']).toBeGreaterThanOrEqual(rounds * agentTimeout + 5);
      }
    }
  });

  it.each(examples.filter(([, w]) => w.on && 'pull_request' in w.on))(
    '%s skips Dependabot’s pull requests, which get no secrets',
    (_name, workflow) => {
      for (const job of Object.values(workflow.jobs).filter((j) => j.steps.some(isOurs))) {
        expect(job.if).toContain("github.actor != 'dependabot[bot]'");
      }
    },
  );

  it('shards are not told to stay off the pull request: they do without being told', () => {
    for (const [, workflow] of workflows) {
      for (const step of ours(workflow).filter((s) => s.with?.shard !== undefined)) {
        expect(step.with).not.toHaveProperty('comment');
        expect(step.with).not.toHaveProperty('issue-title');
      }
    }
  });

  it('the quick start’s agent that reads the history has a git tool and the history', () => {
    const [quickStart] = workflowsIn('README.md');
    const steps = Object.values(quickStart!.jobs).flatMap((j) => j.steps);
    const items = parse(String(steps.find(isOurs)!.with!.prompts)) as (string | Record<string, string>)[];
    const history = items.find((i) => typeof i === 'object' && /commits/.test(i.prompt ?? ''));
    expect(history).toBeDefined();
    expect((history as Record<string, string>)['allowed-tools']).toMatch(/\bBash\(git log\b/);
    const checkout = steps.find((s) => /^actions\/checkout@/.test(s.uses ?? ''))!;
    expect(checkout.with?.['fetch-depth']).toBe(0);
  });

  it.each(['pr-review', 'nightly-report'])(
    '%s keeps its read-only agents off the network but for the model API',
    (name) => {
      const workflow = parse(read(`examples/${name}.yml`)) as Workflow;
      for (const step of ours(workflow)) {
        expect(step.with?.['allowed-hosts']).toBe('none');
        expect(String(step.with?.['allowed-tools'])).not.toMatch(/Bash|WebFetch|WebSearch/);
      }
    },
  );

  it('map-reduce writes its report also when the agents step failed, and when the synthesis wrote none', () => {
    const workflow = parse(read('examples/map-reduce.yml')) as Workflow;
    const steps = workflow.jobs.review!.steps;
    const agents = steps.find(isOurs)!;
    // The step fails when any reviewer does (fail-on: any, the default); the report step must run then.
    expect(agents.with?.['fail-on'] ?? 'any').toBe('any');
    const report = steps.find((s) => s.run?.includes('GITHUB_STEP_SUMMARY'))!;
    expect(report.if).toMatch(/!\s*cancelled\(\)|always\(\)/);
    // result.md is read only once it is known to be there.
    const script = report.run!;
    expect(script).toMatch(/\[ -[sf] "\$dir\/result\.md" \]/);
    expect(script.indexOf('result.md" ]')).toBeLessThan(script.indexOf('cat "$dir/result.md"'));
  });
});
