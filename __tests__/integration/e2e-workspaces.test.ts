import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentResult } from '../../src/types.js';
import { tempDir } from '../support/agents.js';
import { readZip } from '../../stand-ins/artifact-service.js';
import { checkoutState, git, makeRepo } from '../support/repos.js';
import { LOCAL_CLAUDE, startAction } from '../../stand-ins/run-action.js';
import { useStandIns } from '../support/fixture.js';

// dist/index.js as the runner runs it, on a real repository: the README's pull-request example, a cancelled run,
// and bad input.
const standIns = useStandIns({ model: { latencyMs: 500 }, artifactService: true });

const SOURCE = {
  'src/db.js': 'export const find = (name) => db.query("SELECT * FROM users WHERE name = \'" + name + "\'");\n',
  'src/util.js': '/** Adds. */\nexport const add = (a, b) => a + b;\nexport const sub = (a, b) => a - b;\n',
  'README.md': '# A project\n',
};

function startOn(repo: string, inputs: Record<string, string>, onLine?: (line: string) => void) {
  return startAction({
    dir: tempDir('e2e-workspaces-'),
    inputs: {
      'claude-path': LOCAL_CLAUDE,
      'anthropic-api-key': 'sk-ant-workspaces-secret',
      'working-directory': repo,
      ...inputs,
    },
    env: standIns.env(),
    onLine,
  });
}

// The engines that give each agent a tree of its own on a git checkout: the example holds for each.
const OWN_TREE_ENGINES = ['worktree', 'copy'] as const;

describe.each(OWN_TREE_ENGINES)("the README's pull-request example, on a checkout, in a %s each", (engine) => {
  let repo: string;
  let before: ReturnType<typeof checkoutState>;
  let run: Awaited<ReturnType<typeof startOn>['done']>;
  let results: AgentResult[];

  beforeAll(async () => {
    repo = makeRepo(SOURCE);
    before = checkoutState(repo);
    const prompts = [
      '- id: security',
      '  prompt: |',
      '    Review src/ for injection bugs and write findings to findings.md',
      '    @bash grep -rn "SELECT" src',
      '    @write findings.md src/db.js builds SQL from input',
      '  allowed-tools: Read Grep Bash Write',
      '- id: docs',
      '  prompt: |',
      '    List every public function without a doc comment',
      '    @read src/util.js',
      '  allowed-tools: Read',
      '- Summarize the last 20 commits in three bullet points',
    ].join('\n');
    const prefix = `pr-${engine}`;
    run = await startOn(repo, { prompts, workspace: engine, upload: 'per-agent', 'artifact-prefix': prefix }).done;
    results = JSON.parse(run.outputs.results ?? '[]');
  });

  it(`runs every agent in a ${engine} of the checkout, where it reads the repository`, () => {
    expect(run.code).toBe(0);
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['security', 'success'],
      ['docs', 'success'],
      ['agent-3', 'success'],
    ]);
    expect(run.stdout).toContain(`▶ security started in its ${engine}`);
    // The security agent's grep found the query in the worktree's src/; the docs agent read src/util.js.
    const events = fs.readFileSync(path.join(results[0]!.outputDir, 'events.jsonl'), 'utf8');
    expect(events).toContain('src/db.js:1:export const find');
    expect(results[1]!.answer).toContain('export const sub');
  });

  it("reports each agent's changes in the results and the summary", () => {
    expect(results[0]!.changes).toMatchObject({ files: 1, insertions: 1, deletions: 0 });
    expect(results[1]!.changes).toMatchObject({ files: 0 });
    expect(run.summary).toContain('| Agent | Status | Duration | Turns | Cost | Changes | Answer |');
    expect(run.summary).toMatch(/`security`.*\| \+1 −0 in 1 file \|/);
    // A read-only agent says nothing of changes: no "+0 −0 in 0 files", no "none".
    expect(run.summary).toMatch(/`docs`.*\| – \|/);
    expect(run.summary).not.toMatch(/\+0 −0|in 0 files/);
  });

  it("uploads the patch and the agent's new file, never the untouched checkout", async () => {
    const zip = readZip(await standIns.artifactService.download(`pr-${engine}-security`));
    expect(zip.get('workspace/findings.md')?.toString()).toBe('src/db.js builds SQL from input\n');
    expect(zip.get('changes.patch')?.toString()).toContain('+++ b/findings.md');
    expect([...zip.keys()].filter((k) => k.startsWith('workspace/'))).toEqual(['workspace/findings.md']);
    const docs = readZip(await standIns.artifactService.download(`pr-${engine}-docs`));
    expect([...docs.keys()].some((k) => k.startsWith('workspace/'))).toBe(false);
    // It changed nothing: no patch, which `git apply` would refuse as empty.
    expect(docs.has('changes.patch')).toBe(false);
    expect(results[1]!.changes).toEqual({ files: 0, insertions: 0, deletions: 0 });
  });

  it('leaves the checkout as it was', () => {
    expect(checkoutState(repo)).toEqual(before);
  });
});

describe('a run on worktrees cancelled by the runner', () => {
  it('stops in time and leaves the checkout as it was, with no worktree behind', async () => {
    const repo = makeRepo(SOURCE);
    const before = checkoutState(repo);
    let cancelledAt = 0;
    const action = startOn(
      repo,
      {
        prompts: [
          '- id: fast',
          '  prompt: "Edit fast\\n@bash echo edit >> README.md && git checkout -q -b from-agent\\n@answer quick"',
          '  allowed-tools: Bash',
          '- id: slow',
          '  prompt: "Edit, then think for a minute\\n@bash echo slow >> README.md\\n@latency 60000"',
          '  allowed-tools: Bash',
        ].join('\n'),
        upload: 'none',
      },
      (line) => {
        if (cancelledAt || !line.includes('■ fast success')) return;
        cancelledAt = Date.now();
        action.child.kill('SIGINT');
      },
    );
    let exitMs = 0;
    action.child.once('exit', () => (exitMs = Date.now() - cancelledAt));
    const run = await action.done;
    expect(cancelledAt, 'the fast agent finished and the run was cancelled').toBeGreaterThan(0);
    expect(exitMs).toBeLessThan(7000);
    const results: AgentResult[] = JSON.parse(run.outputs.results ?? '[]');
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['fast', 'success'],
      ['slow', 'cancelled'],
    ]);
    expect(checkoutState(repo)).toEqual(before);
    const runDir = path.dirname(results[0]!.outputDir);
    expect(fs.existsSync(path.join(runDir, '.workspaces'))).toBe(false);
  });
});

describe('bad input', () => {
  it('fails the step before any agent starts, naming the input', async () => {
    const repo = makeRepo(SOURCE);
    const run = await startOn(repo, { prompts: '- hello', ref: 'no-such-ref', upload: 'none' }).done;
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::Input 'ref': "no-such-ref" is not a commit/);
    expect(run.stdout).not.toContain('▶');
    expect(git(repo, 'worktree', 'list').trim().split('\n')).toHaveLength(1);

    const plain = tempDir('no-repo-');
    const outside = await startOn(plain, { prompts: '- hello', workspace: 'worktree', upload: 'none' }).done;
    expect(outside.code).toBe(1);
    expect(outside.stdout).toMatch(/::error::Input 'workspace' is "worktree" \(agent agent-1\), but working-directory/);

    const missing = await startOn(path.join(plain, 'nowhere'), { prompts: '- hello', upload: 'none' }).done;
    expect(missing.stdout).toMatch(/::error::Input 'working-directory': ".*nowhere" does not exist/);

    const unknown = await startOn(repo, { prompts: '- hello', workspace: 'sandbox', upload: 'none' }).done;
    expect(unknown.stdout).toMatch(
      /::error::Input 'workspace' must be one of worktree, copy, shared, empty; got "sandbox"/,
    );
  });
});
