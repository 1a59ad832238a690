import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentResult } from '../../src/types.js';
import { tempDir } from '../support/agents.js';
import { readZip } from '../../stand-ins/artifact-service.js';
import { FAKE_CLAUDE, startAction } from '../../stand-ins/run-action.js';
import { useStandIns } from '../support/fixture.js';

// A matrix split over three shards and made one by the aggregate action, both bundled (dist/index.js,
// dist/aggregate/index.js) and run as the runner runs them, with the fake CLI (it answers at once): through
// `artifacts-dir` as outside GitHub Actions, and through the real artifact client and a local artifact service.

/** Seven agents; `b` fails. Round-robin over 3 shards: a d g | b e | c f. */
const MATRIX = JSON.stringify(
  ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((id) => ({
    id,
    prompt: id === 'b' ? '@sleep 200\n@error b broke' : `@sleep 200\n@result answer of ${id}`,
  })),
);
const ORDER = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];

function runShard(dir: string, index: number, inputs: Record<string, string> = {}, env: Record<string, string> = {}) {
  fs.mkdirSync(dir, { recursive: true });
  return startAction({
    dir,
    inputs: { prompts: MATRIX, 'claude-path': FAKE_CLAUDE, shard: `${index}/3`, ...inputs },
    env: { ACTIONS_RUNTIME_TOKEN: '', ANTHROPIC_API_KEY: 'sk-ant-shards-stand-in', ...env },
  }).done;
}

function runAggregate(dir: string, inputs: Record<string, string> = {}, env: Record<string, string> = {}) {
  fs.mkdirSync(dir, { recursive: true });
  return startAction({ action: 'aggregate', dir, inputs, env: { ACTIONS_RUNTIME_TOKEN: '', ...env } }).done;
}

const ids = (json: string | undefined) => (JSON.parse(json ?? '[]') as AgentResult[]).map((r) => r.id);

describe('shards through artifacts-dir, outside GitHub Actions', () => {
  const root = tempDir('shards-');
  const artifactsDir = path.join(root, 'artifacts');
  let shards: Awaited<ReturnType<typeof runShard>>[];

  beforeAll(async () => {
    shards = await Promise.all(
      [1, 2, 3].map((i) => runShard(path.join(root, `shard-${i}`), i, { 'artifacts-dir': artifactsDir })),
    );
  });

  it('runs each agent in one shard only, round-robin', () => {
    expect(shards.map((s) => ids(s.outputs.results))).toEqual([
      ['a', 'd', 'g'],
      ['b', 'e'],
      ['c', 'f'],
    ]);
    // The shard holding the failed agent fails, as one run would; the others succeed.
    expect(shards.map((s) => s.code)).toEqual([0, 1, 0]);
    expect(shards[0]!.stdout).toContain("Shard 1 of 3: 3 of the matrix's 7 agents (a, d, g)");
  });

  it('writes each agent’s artifact and each shard’s own, even the failed shard’s', () => {
    const zips = fs.readdirSync(artifactsDir).sort();
    expect(zips).toEqual(
      [...ORDER.map((id) => `agent-${id}.zip`), ...[1, 2, 3].map((i) => `agent-shard-${i}-of-3.zip`)].sort(),
    );
    const files = readZip(fs.readFileSync(path.join(artifactsDir, 'agent-shard-2-of-3.zip')));
    expect([...files.keys()].sort()).toEqual(['answers.json', 'report.md', 'results.json', 'shard.json', 'summary.md']);
    expect(JSON.parse(files.get('answers.json')!.toString())).toEqual({ b: 'b broke', e: 'answer of e' });
    expect(files.get('results.json')!.toString()).toBe(shards[1]!.outputs.results);
    expect(JSON.parse(files.get('shard.json')!.toString())).toMatchObject({
      shard: { index: 2, count: 3 },
      matrixAgents: 7,
      positions: [1, 4],
    });
  });

  it('aggregates them into one run: every agent in matrix order, one summary across runners', async () => {
    const run = await runAggregate(path.join(root, 'aggregate'), { 'artifacts-dir': artifactsDir });
    expect(ids(run.outputs.results)).toEqual(ORDER);
    expect(run.outputs).toMatchObject({ succeeded: '6', failed: '1' });
    for (const name of ['wall-time-ms', 'speedup', 'efficiency', 'total-cost-usd']) {
      expect(Number(run.outputs[name]), name).toBeGreaterThanOrEqual(0);
    }
    expect(Number(run.outputs['wall-time-ms'])).toBeGreaterThan(0);
    expect(fs.readFileSync(run.outputs['results-file']!, 'utf8')).toBe(run.outputs.results);
    // fail-on: any, over every shard's agents.
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::1 of 7 agents did not succeed:%0Ab \(failure\)/);
    expect(run.summary).toContain('## Claude agents: 6 of 7 succeeded');
    for (const i of [1, 2, 3]) expect(run.summary).toContain(`| shard ${i} of 3 | `);
    expect(run.summary).toContain('  section shard 3 of 3');
  });

  it('names a missing shard, or warns with allow-missing and aggregates the others', async () => {
    const partial = path.join(root, 'partial');
    fs.mkdirSync(partial);
    for (const f of fs.readdirSync(artifactsDir).filter((f) => f !== 'agent-shard-2-of-3.zip')) {
      fs.copyFileSync(path.join(artifactsDir, f), path.join(partial, f));
    }
    const strict = await runAggregate(path.join(root, 'strict'), { 'artifacts-dir': partial });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/::error::1 of 3 shards have no artifact: agent-shard-2-of-3\..*allow-missing: true/);
    expect(strict.outputs.results).toBeUndefined();

    const lenient = await runAggregate(path.join(root, 'lenient'), {
      'artifacts-dir': partial,
      'allow-missing': 'true',
    });
    expect(lenient.stdout).toContain('::warning::1 of 3 shards have no artifact: agent-shard-2-of-3.');
    expect(ids(lenient.outputs.results)).toEqual(['a', 'c', 'd', 'f', 'g']);
    expect(lenient.code).toBe(0);
    expect(lenient.summary).toContain('agent-shard-2-of-3');
  });

  it('says where it looked when there is no shard artifact at all', async () => {
    const run = await runAggregate(path.join(root, 'none'), { 'artifacts-dir': path.join(root, 'nowhere') });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::error::No shard artifact agent-shard-<i>-of-<n> was found in ');
  });
});

describe('the aggregate step ends as the main step does', () => {
  const root = tempDir('shards-ending-');
  const artifactsDir = path.join(root, 'artifacts');
  // Known to the aggregate step only: the shards could not scrub it from what their agents wrote.
  const token = 'ghs_aggregate0nly_t0ken';
  const long = `${'whole answer '.repeat(400)}end of the long answer`;
  const matrix = JSON.stringify([
    { id: 'long', prompt: `@result ${long}` },
    { id: 'leaky', prompt: `@error leaked ${token} in the error` },
  ]);

  beforeAll(async () => {
    await Promise.all(
      [1, 2].map((i) => {
        const dir = path.join(root, `shard-${i}`);
        fs.mkdirSync(dir, { recursive: true });
        const inputs = { prompts: matrix, 'claude-path': FAKE_CLAUDE, shard: `${i}/2`, 'artifacts-dir': artifactsDir };
        return startAction({
          dir,
          inputs,
          env: { ACTIONS_RUNTIME_TOKEN: '', ANTHROPIC_API_KEY: 'sk-ant-shards-stand-in' },
        }).done;
      }),
    );
  });

  it('shows every agent’s whole answer, not the 2,000-character excerpt its result carries', async () => {
    const run = await runAggregate(path.join(root, 'aggregate'), { 'artifacts-dir': artifactsDir });
    const report = fs.readFileSync(run.outputs['report-file']!, 'utf8');
    expect(long.length).toBeGreaterThan(2000);
    expect(report).toContain('end of the long answer');
    const [result] = JSON.parse(run.outputs.results!) as AgentResult[];
    expect(result!.answer).not.toContain('end of the long answer');
  });

  it('scrubs its own secrets from every place the run ends in, its failure too', async () => {
    const run = await runAggregate(path.join(root, 'secret'), { 'artifacts-dir': artifactsDir, 'github-token': token });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /::error::1 of 2 agents did not succeed:%0Aleaky \(failure\): error_during_execution: leaked \*\*\* in the error/,
    );
    const report = fs.readFileSync(run.outputs['report-file']!, 'utf8');
    // The one place it may stand: the runner's own mask command, which hides it in the log.
    const log = run.stdout.replace(/^::add-mask::.*$/gm, '');
    for (const text of [log, run.summary, run.outputs.results, report]) expect(text).not.toContain(token);
  });
});

describe('shards through the artifact service', () => {
  const standIns = useStandIns({ artifactService: true });

  it('uploads each shard’s artifacts, and the aggregate step lists and downloads the shards', async () => {
    const root = tempDir('shards-service-');
    const shards = await Promise.all(
      [1, 2, 3].map((i) => runShard(path.join(root, `shard-${i}`), i, {}, standIns.artifactService.env())),
    );
    expect(shards.map((s) => s.code)).toEqual([0, 1, 0]);
    const names = standIns.artifactService.artifacts.map((a) => a.name).sort();
    expect(names).toEqual(
      [...ORDER.map((id) => `agent-${id}`), ...[1, 2, 3].map((i) => `agent-shard-${i}-of-3`)].sort(),
    );

    const run = await runAggregate(path.join(root, 'aggregate'), {}, standIns.artifactService.env());
    expect(run.stdout).toContain('3 shard artifacts of prefix agent among the run');
    expect(ids(run.outputs.results)).toEqual(ORDER);
    expect(run.outputs).toMatchObject({ succeeded: '6', failed: '1' });
    expect(standIns.artifactService.requests.filter((r) => r.method === 'GetSignedArtifactURL')).toHaveLength(3);
  });

  it('refuses, before any agent starts, a step that would pass 500 artifacts in its job with earlier steps', async () => {
    const job = tempDir('shards-budget-');
    // A first step uploads 3 artifacts (two agents and its shard's): the job's ledger counts them.
    const first = await startAction({
      dir: job,
      inputs: {
        prompts: JSON.stringify(['@result one', '@result two']),
        'claude-path': FAKE_CLAUDE,
        'artifact-prefix': 'first',
        shard: '1/1',
      },
      env: { ...standIns.artifactService.env(), ANTHROPIC_API_KEY: 'sk-ant-shards-stand-in' },
    }).done;
    expect(first.code).toBe(0);
    // 498 more in the same job (the same RUNNER_TEMP) would be 501.
    const second = await startAction({
      dir: job,
      inputs: {
        prompts: JSON.stringify(Array.from({ length: 498 }, (_, i) => `@result ${i}`)),
        'max-agents': '498',
        'claude-path': FAKE_CLAUDE,
        'artifact-prefix': 'second',
      },
      env: { ...standIns.artifactService.env(), ANTHROPIC_API_KEY: 'sk-ant-shards-stand-in' },
    }).done;
    expect(second.code).toBe(1);
    expect(second.stdout).toContain(
      '::error::This step would upload 499 artifacts, and earlier steps of this job already used the action for 3',
    );
    expect(second.stdout).toMatch(/`shard` input.*`upload: combined`/);
    expect(second.stdout).not.toContain('▶');
  });
});

describe('shards on a pull request, and the aggregate step publishing for all of them', () => {
  const root = tempDir('shards-pr-');
  const artifactsDir = path.join(root, 'artifacts');
  const eventPath = path.join(root, 'event.json');
  const standIns = useStandIns({ github: { permissions: { octo: 'admin' } } });
  let github: Record<string, string>;

  beforeAll(async () => {
    fs.writeFileSync(
      eventPath,
      JSON.stringify({
        action: 'opened',
        number: 7,
        pull_request: {
          number: 7,
          head: { repo: { full_name: 'octo/repo' } },
          base: { repo: { full_name: 'octo/repo' } },
        },
        repository: { full_name: 'octo/repo', private: false },
      }),
    );
    github = {
      GITHUB_API_URL: standIns.github.url,
      GITHUB_SERVER_URL: 'http://github.localhost',
      GITHUB_REPOSITORY: 'octo/repo',
      GITHUB_RUN_ID: '41',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_ACTOR: 'octo',
    };
  });

  it('leaves the comment to the aggregate step, which writes one with every agent and the report', async () => {
    const inputs = { 'artifacts-dir': artifactsDir, 'github-token': 'ghs_shardsToken0123456789' };
    const shards = await Promise.all([1, 2, 3].map((i) => runShard(path.join(root, `shard-${i}`), i, inputs, github)));
    expect(shards[0]!.stdout).toContain('Shards do not comment or write the issue');
    expect(standIns.github.writes()).toEqual([]);

    const run = await runAggregate(path.join(root, 'aggregate'), inputs, github);
    const comments = standIns.github.comments.filter((c) => c.issue === 7);
    expect(comments).toHaveLength(1);
    for (const id of ORDER) expect(comments[0]!.body).toContain(`\`${id}\``);
    expect(run.outputs['comment-url']).toBeTruthy();
    expect(fs.readFileSync(run.outputs['report-file']!, 'utf8')).toContain('## `b`: ❌ failure');
    expect(fs.readdirSync(artifactsDir)).toContain('agent-report.zip');
  });
});
