import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentResult } from '../../src/types.js';
import { LOCAL_CLAUDE, startAction } from '../../stand-ins/run-action.js';
import { tempDir } from '../support/agents.js';
import { useStandIns } from '../support/fixture.js';
import { git, makeRepo } from '../support/repos.js';

// The split of examples/fix-in-parallel.yml, as two jobs run it: dist/index.js runs the agents (real CLIs against
// the stand-in model) with no GitHub token at all, and dist/apply/index.js, in a "later job" with its own
// workspace, reads their artifacts and opens the pull requests on a real git remote and the stand-in API.
const standIns = useStandIns({ model: { latencyMs: 200 }, github: {} });
const TOKEN = 'ghs_apply_job_token_0123456789';

const PROMPTS = [
  '- id: lint',
  '  prompt: |',
  '    Fix the lint',
  '    @write src/a.js export const a = 1;',
  '    @answer Fixed the lint in src/a.js',
  '  allowed-tools: Write',
  '  commit-message: Fix lint in a.js',
  '- id: docs',
  '  prompt: |',
  '    Write the guide',
  '    @write docs/guide.md # Guide',
  '    @answer Wrote docs/guide.md for @octo',
  '  allowed-tools: Write',
  '- id: reader',
  '  prompt: |',
  '    Read only',
  '    @answer Nothing to change',
  '  allowed-tools: Read',
].join('\n');

function remote() {
  const seed = makeRepo({ 'src/a.js': 'var a = 1\n', 'README.md': '# r\n' }, 'e2e-changes-seed-');
  const origin = path.join(tempDir('e2e-changes-origin-'), 'origin.git');
  git(seed, 'clone', '-q', '--bare', seed, origin);
  const checkout = path.join(tempDir('e2e-changes-checkout-'), 'checkout');
  git(seed, 'clone', '-q', `file://${origin}`, checkout);
  return { origin, checkout, base: git(checkout, 'rev-parse', 'HEAD').trim() };
}

const GITHUB_ENV = (url: string) => ({
  GITHUB_API_URL: url,
  GITHUB_REPOSITORY: 'octo/fixes',
  GITHUB_SERVER_URL: 'https://github.localhost',
  GITHUB_RUN_ID: '42',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_EVENT_NAME: 'workflow_dispatch',
});

describe('the split: agents with no write token, then the apply action in a later job', () => {
  const r = { origin: '', checkout: '', base: '' };
  let agents: Awaited<ReturnType<typeof startAction>['done']>;
  let apply: Awaited<ReturnType<typeof startAction>['done']>;
  let artifacts: string;

  beforeAll(async () => {
    Object.assign(r, remote());
    artifacts = tempDir('e2e-changes-artifacts-');
    agents = await startAction({
      dir: tempDir('e2e-changes-agents-'),
      inputs: {
        'claude-path': LOCAL_CLAUDE,
        'anthropic-api-key': 'sk-ant-e2e-changes',
        'working-directory': r.checkout,
        'artifacts-dir': artifacts,
        'github-token': '',
        prompts: PROMPTS,
      },
      env: standIns.model ? { ...standIns.env(), ACTIONS_RUNTIME_TOKEN: '' } : {},
    }).done;
    standIns.github.reset();
    apply = await startAction({
      dir: tempDir('e2e-changes-apply-'),
      action: 'apply',
      inputs: {
        changes: 'pull-request',
        'working-directory': r.checkout,
        'artifacts-dir': artifacts,
        'github-token': TOKEN,
      },
      env: GITHUB_ENV(standIns.github.url),
    }).done;
  }, 240_000);

  it('runs the agents and pushes nothing from their job', () => {
    expect(agents.code).toBe(0);
    const results = JSON.parse(agents.outputs.results ?? '[]') as AgentResult[];
    expect(results.map((x) => [x.id, x.status, x.changes?.files])).toEqual([
      ['lint', 'success', 1],
      ['docs', 'success', 1],
      ['reader', 'success', 0],
    ]);
    expect(results[0]!.changes?.base).toBe(r.base);
    expect(agents.outputs['pull-requests']).toBe('[]');
    expect(fs.readdirSync(artifacts).sort()).toContain('agent-lint.zip');
  });

  it('opens one pull request per agent that changed files, from their artifacts, with the write token', () => {
    expect(apply.code, apply.stdout).toBe(0);
    expect(git(r.origin, 'show', 'agent/lint:src/a.js')).toBe('export const a = 1;\n');
    expect(git(r.origin, 'log', '-1', '--format=%s', 'agent/lint').trim()).toBe('Fix lint in a.js');
    expect(git(r.origin, 'rev-parse', 'agent/docs^').trim()).toBe(r.base);
    expect(git(r.origin, 'branch', '--list', 'agent/reader').trim()).toBe('');
    const pulls = standIns.github.pulls();
    expect(pulls.map((p) => p.title)).toEqual(['Fix lint in a.js', 'Wrote docs/guide.md for @\u200docto']);
    expect(pulls[1]!.body).toContain('> Wrote docs/guide.md for @\u200docto');
    const creates = standIns.github.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/pulls'));
    expect(creates.map((q) => q.auth)).toEqual([`token ${TOKEN}`, `token ${TOKEN}`]);
  });

  it('gives the pull requests as an output and links them from the summary', () => {
    const listed = JSON.parse(apply.outputs['pull-requests'] ?? '[]') as { id: string; url: string; files: number }[];
    expect(listed.map((p) => [p.id, p.files])).toEqual([
      ['lint', 1],
      ['docs', 1],
    ]);
    expect(apply.summary).toContain('### Changes');
    expect(apply.summary).toContain(`- lint: [#${standIns.github.pulls()[0]!.number}](${listed[0]!.url}) (agent/lint)`);
    // Masked (the runner's ::add-mask::) and then never printed.
    const lines = String(apply.stdout)
      .split('\n')
      .filter((l: string) => l.includes(TOKEN));
    expect(lines).toEqual([`::add-mask::${TOKEN}`]);
  });
});

describe('changes in the agents’ own step, when the token may not open pull requests', () => {
  it('pushes, names the permission, and still uploads the results and writes the summary', async () => {
    const r = remote();
    const artifacts = tempDir('e2e-changes-same-');
    standIns.github.reset();
    standIns.github.fail({
      method: 'POST',
      path: /\/pulls$/,
      status: 403,
      message: 'Resource not accessible by integration',
    });
    const run = await startAction({
      dir: tempDir('e2e-changes-same-step-'),
      inputs: {
        'claude-path': LOCAL_CLAUDE,
        'anthropic-api-key': 'sk-ant-e2e-changes',
        'working-directory': r.checkout,
        'artifacts-dir': artifacts,
        'github-token': TOKEN,
        changes: 'pull-request',
        'branch-prefix': 'bots',
        prompts: PROMPTS.split('\n- id: docs')[0]!,
      },
      env: { ...standIns.env(), ...GITHUB_ENV(standIns.github.url) },
    }).done;
    standIns.github.reset();
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::.*the job's token needs `pull-requests: write`/);
    expect(git(r.origin, 'log', '-1', '--format=%s', 'bots/lint').trim()).toBe('Fix lint in a.js');
    expect(fs.readdirSync(artifacts).sort()).toEqual(['agent-lint.zip', 'agent-report.zip']);
    expect(run.summary).toMatch(/^\| \[`lint`\]\(.*agent-lint\.zip\) \| ✅ success \|/m);
    expect(run.summary).not.toContain('### Changes');
    expect(JSON.parse(run.outputs.results ?? '[]')[0].status).toBe('success');
    expect(run.outputs['pull-requests']).toBe('[]');
  }, 240_000);
});
