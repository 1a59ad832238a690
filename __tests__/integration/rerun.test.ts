import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CLAUDE, startAction } from '../../stand-ins/run-action.js';
import type { AgentResult } from '../../src/types.js';
import { readZip } from '../../stand-ins/artifact-service.js';
import { tempDir } from '../support/agents.js';
import { useStandIns } from '../support/fixture.js';

// "Re-run failed jobs", with the bundled action (dist/index.js, dist/aggregate/index.js) run as the runner runs
// it: attempt 1 of a run, then `newAttempt()` on the artifact stand-in (a new job id in the runtime token, the
// earlier artifacts still there and their names still taken), then attempt 2 of the same step. The stand-in model
// answers 500 to the first request of a prompt with `@fail 500 1`, so that agent fails in attempt 1 (neither the
// CLI nor the action retries here) and succeeds when it runs again.
const standIns = useStandIns({ model: { latencyMs: 200 }, artifactService: true });

type Run = Awaited<ReturnType<typeof startAction>['done']>;

function runAction(inputs: Record<string, string>, extra: { action?: string; env?: Record<string, string> } = {}) {
  return startAction({
    action: extra.action,
    dir: tempDir('rerun-'),
    inputs:
      extra.action === 'aggregate'
        ? inputs
        : { 'claude-path': LOCAL_CLAUDE, 'anthropic-api-key': 'sk-ant-rerun-secret', retries: '0', ...inputs },
    env: { ...standIns.env(), ...extra.env },
  }).done;
}

const resultsOf = (run: Run) =>
  Object.fromEntries((JSON.parse(run.outputs.results ?? '[]') as AgentResult[]).map((r) => [r.id, r]));
const artifactsNamed = (name: string) => standIns.artifactService.artifacts.filter((a) => a.name === name);
const requests = () => standIns.model.stats.requests;
const noConflict = (run: Run) => {
  for (const r of Object.values(resultsOf(run))) expect(r.uploadWarning, r.id).toBeUndefined();
  expect(run.stdout).not.toMatch(/::warning::.*409/);
};

describe('a re-run of a job whose first attempt partly failed', () => {
  const prompts = JSON.stringify(
    ['a', 'b', 'c', 'd', 'e'].map((id) => ({
      id,
      prompt: ['d', 'e'].includes(id) ? `Flaky ${id}\n@fail 500 1\n@answer ${id} again` : `Steady ${id}\n@answer ${id}`,
    })),
  );
  const inputs = { prompts, 'artifact-prefix': 'one' };
  let first: Run;
  let second: Run;
  let modelRequests: number;
  let attempt: number;

  beforeAll(async () => {
    first = await runAction(inputs);
    standIns.artifactService.newAttempt();
    attempt = standIns.artifactService.attempt;
    const before = requests();
    second = await runAction(inputs);
    modelRequests = requests() - before;
  }, 300_000);

  it('fails the first attempt on the two agents the model failed', () => {
    expect(first.code).toBe(1);
    const byId = resultsOf(first);
    expect(['a', 'b', 'c', 'd', 'e'].map((id) => byId[id]?.status)).toEqual([
      'success',
      'success',
      'success',
      'failure',
      'failure',
    ]);
  });

  it('runs only those two again, passes, and reuses the other three', () => {
    expect(second.code).toBe(0);
    expect(modelRequests).toBe(2);
    const byId = resultsOf(second);
    for (const id of ['a', 'b', 'c']) expect(byId[id], id).toMatchObject({ status: 'success', reusedFrom: 1 });
    for (const id of ['d', 'e']) {
      expect(byId[id]?.status, id).toBe('success');
      expect(byId[id]?.reusedFrom, id).toBeUndefined();
      expect(byId[id]?.answer).toBe(`${id} again`);
    }
    expect(second.outputs.succeeded).toBe('5');
    expect(second.outputs.failed).toBe('0');
  });

  it('leaves exactly one artifact per agent: the earlier ones for the reused, new ones for the two', async () => {
    const byId = resultsOf(second);
    for (const id of ['a', 'b', 'c', 'd', 'e']) {
      const [only, ...more] = artifactsNamed(`one-${id}`);
      expect(more, id).toEqual([]);
      expect(only?.attempt, id).toBe(['d', 'e'].includes(id) ? attempt : attempt - 1);
      expect(byId[id]?.artifactId, id).toBe(only?.id);
    }
    const zip = readZip(await standIns.artifactService.download('one-d'));
    expect(zip.get('result.md')?.toString()).toBe('d again');
    expect(JSON.parse(zip.get('agent.json')!.toString())).toMatchObject({ attempt, result: { status: 'success' } });
    noConflict(second);
  });

  it('replaces the report artifact, and says in the summary and report.md what was reused', async () => {
    expect(artifactsNamed('one-report').map((a) => a.attempt)).toEqual([attempt]);
    const note =
      "3 of 5 agents come from attempt 1, where they succeeded; they did not run again. Wall time and speedup are this attempt's, counting only the 2 agents run in it.";
    expect(second.summary).toContain(note);
    expect(second.summary).toMatch(/^\| \[`a`\]\([^)]+\) \| ✅ success \(from attempt 1\) \|/m);
    const report = readZip(await standIns.artifactService.download('one-report'))
      .get('report.md')
      ?.toString();
    expect(report).toContain(note);
    expect(second.stdout).toContain(
      `Attempt ${attempt} of this workflow run: agents that succeeded in an earlier attempt are not run again.`,
    );
  });

  it('with rerun: all, runs every agent again and replaces every artifact, without a 409', async () => {
    standIns.artifactService.newAttempt();
    const all = standIns.artifactService.attempt;
    const before = requests();
    const third = await runAction({ ...inputs, rerun: 'all' });
    expect(third.code).toBe(0);
    expect(requests() - before).toBe(5);
    for (const r of Object.values(resultsOf(third))) expect(r.reusedFrom, r.id).toBeUndefined();
    for (const name of ['a', 'b', 'c', 'd', 'e', 'report'].map((id) => `one-${id}`)) {
      expect(
        artifactsNamed(name).map((a) => a.attempt),
        name,
      ).toEqual([all]);
    }
    noConflict(third);
  }, 300_000);
});

describe('a re-run of a graph', () => {
  // x ─▶ w; y (fails first) ─▶ z; s needs x and y, whatever they did; plan adds plan.worker.
  const items = [
    { id: 'x', prompt: 'Graph x\n@answer x' },
    { id: 'y', prompt: 'Graph y\n@fail 500 1\n@answer y' },
    { id: 'w', needs: 'x', prompt: 'Graph w\n@answer w' },
    { id: 'z', needs: 'y', prompt: 'Graph z\n@answer z' },
    { id: 's', needs: ['x', 'y'], 'run-if': 'always', prompt: 'Graph s\n@answer s' },
    {
      id: 'plan',
      spawn: true,
      'allowed-tools': 'Write',
      prompt: 'Graph plan\n@write agents.yml - id: worker\\n  prompt: Graph worker\n@answer planned',
    },
  ];
  const inputs = { prompts: JSON.stringify(items), 'artifact-prefix': 'graph' };
  let first: Run;
  let second: Run;
  let modelRequests: number;

  beforeAll(async () => {
    first = await runAction(inputs);
    standIns.artifactService.newAttempt();
    const before = requests();
    second = await runAction(inputs);
    modelRequests = requests() - before;
  }, 300_000);

  it('runs again the failed need and what depends on it, and reuses the rest, the planner and its agent too', () => {
    const was = resultsOf(first);
    expect([was.y?.status, was.z?.status, was.s?.status, was['plan.worker']?.status]).toEqual([
      'failure',
      'skipped',
      'success',
      'success',
    ]);
    expect(second.code).toBe(0);
    const byId = resultsOf(second);
    expect(Object.keys(byId).sort()).toEqual(['plan', 'plan.worker', 's', 'w', 'x', 'y', 'z']);
    const reused = Object.values(byId)
      .filter((r) => r.reusedFrom !== undefined)
      .map((r) => r.id)
      .sort();
    expect(reused).toEqual(['plan', 'plan.worker', 'w', 'x']);
    for (const r of Object.values(byId)) expect(r.status, r.id).toBe('success');
    // y, z and s asked the model once each; nothing else did.
    expect(modelRequests).toBe(3);
  });

  it("hands a reused need's output to an agent run again", () => {
    const s = resultsOf(second).s!;
    const inputsDir = path.join(s.outputDir, 'workspace', '.agent-inputs');
    expect(fs.readFileSync(path.join(inputsDir, 'x', 'answer.md'), 'utf8')).toBe('x');
    expect(fs.readFileSync(path.join(inputsDir, 'y', 'answer.md'), 'utf8')).toBe('y');
    noConflict(second);
  });
});

describe('a re-run of one shard', () => {
  // Round-robin over 2 shards: p r | q t; q fails in attempt 1.
  const matrix = JSON.stringify(
    ['p', 'q', 'r', 't'].map((id) => ({
      id,
      prompt: id === 'q' ? 'Shard q\n@fail 500 1\n@answer q' : `Shard ${id}\n@answer ${id}`,
    })),
  );
  const shardInputs = (i: number) => ({ prompts: matrix, shard: `${i}/2`, 'artifact-prefix': 'sh' });

  it('is aggregated with the shard that was not run again, saying which attempt each agent comes from', async () => {
    const [one, two] = await Promise.all([runAction(shardInputs(1)), runAction(shardInputs(2))]);
    expect([one.code, two.code]).toEqual([0, 1]);
    const failedAggregate = await runAction({ 'artifact-prefix': 'sh' }, { action: 'aggregate' });
    expect(failedAggregate.code).toBe(1);

    // "Re-run failed jobs": shard 2 and the aggregate step that needs it.
    standIns.artifactService.newAttempt();
    const attempt = standIns.artifactService.attempt;
    const twoAgain = await runAction(shardInputs(2));
    expect(twoAgain.code).toBe(0);
    expect([resultsOf(twoAgain).q?.reusedFrom, resultsOf(twoAgain).t?.reusedFrom]).toEqual([undefined, attempt - 1]);
    expect(artifactsNamed('sh-shard-2-of-2').map((a) => a.attempt)).toEqual([attempt]);
    const aggregate = await runAction({ 'artifact-prefix': 'sh' }, { action: 'aggregate' });
    expect(aggregate.code).toBe(0);
    const byId = resultsOf(aggregate);
    expect(Object.keys(byId)).toEqual(['p', 'q', 'r', 't']);
    for (const r of Object.values(byId)) expect(r.status, r.id).toBe('success');
    expect([byId.p?.reusedFrom, byId.q?.reusedFrom, byId.r?.reusedFrom, byId.t?.reusedFrom]).toEqual([
      attempt - 1,
      undefined,
      attempt - 1,
      attempt - 1,
    ]);
    expect(aggregate.summary).toContain(`3 of 4 agents come from attempt ${attempt - 1}`);
    expect(aggregate.summary).toContain(`shard 1 of 2 (attempt ${attempt - 1})`);
    expect(artifactsNamed('sh-report').map((a) => a.attempt)).toEqual([attempt]);
  }, 300_000);
});

describe('a re-run outside GitHub Actions, from artifacts-dir', () => {
  it('reuses what the zips of the earlier attempt say', async () => {
    const artifactsDir = tempDir('rerun-local-');
    const local = { ACTIONS_RUNTIME_TOKEN: '' };
    const inputs = {
      prompts: JSON.stringify([
        { id: 'k', prompt: 'Local k\n@answer k' },
        { id: 'm', prompt: 'Local m\n@fail 500 1\n@answer m' },
      ]),
      'artifacts-dir': artifactsDir,
    };
    const first = await runAction(inputs, { env: { ...local, GITHUB_RUN_ATTEMPT: '1' } });
    expect(first.code).toBe(1);
    const before = requests();
    const second = await runAction(inputs, { env: { ...local, GITHUB_RUN_ATTEMPT: '2' } });
    expect(second.code).toBe(0);
    expect(requests() - before).toBe(1);
    expect(resultsOf(second)).toMatchObject({
      k: { reusedFrom: 1, artifactUrl: path.join(artifactsDir, 'agent-k.zip') },
      m: { status: 'success' },
    });
    expect(resultsOf(second).m?.reusedFrom).toBeUndefined();
  }, 300_000);
});
