import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentResult } from '../../src/types.js';
import { tempDir } from '../support/agents.js';
import { readZip } from '../../stand-ins/artifact-service.js';
import { checkoutState, git, makeRepo } from '../support/repos.js';
import { LOCAL_CLAUDE, startAction } from '../../stand-ins/run-action.js';
import { useStandIns } from '../support/fixture.js';
import { sudoRunner } from '../support/sudo-runner.js';
import { DEFAULT_AGENT_USER } from '../../src/isolation/user.js';

// dist/index.js as the runner runs it, on a real repository: the README's pull-request example, a cancelled run,
// and bad input.
const standIns = useStandIns({ model: { latencyMs: 500 }, artifactService: true });

const SOURCE = {
  'src/db.js': 'export const find = (name) => db.query("SELECT * FROM users WHERE name = \'" + name + "\'");\n',
  'src/util.js': '/** Adds. */\nexport const add = (a, b) => a + b;\nexport const sub = (a, b) => a - b;\n',
  'README.md': '# A project\n',
};

function startOn(
  repo: string,
  inputs: Record<string, string>,
  onLine?: (line: string) => void,
  as?: { uid: number; gid: number },
  env: Record<string, string> = {},
) {
  return startAction({
    dir: tempDir('e2e-workspaces-'),
    as,
    inputs: {
      'claude-path': LOCAL_CLAUDE,
      'anthropic-api-key': 'sk-ant-workspaces-secret',
      'working-directory': repo,
      ...inputs,
    },
    env: { ...standIns.env(), ...env },
    onLine,
  });
}

/** The overlays a run of the action (its pid) left mounted. */
const mountsOf = (pid: number) =>
  fs
    .readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .filter((line) => line.startsWith(`claude-agent-matrix-overlay-${pid}.`));

// The modes that give each agent a tree of its own on a git checkout, made by git and by overlay mounts (the
// tests run as root, so `auto` mounts): the example holds for each.
const OWN_TREE_ENGINES = [
  ['worktree', 'git'],
  ['copy', 'git'],
  ['worktree', 'auto'],
  ['copy', 'auto'],
] as const;

describe.each(OWN_TREE_ENGINES)(
  "the README's pull-request example, on a checkout, in a %s each (engine %s)",
  (engine, preference) => {
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
      const prefix = `pr-${engine}-${preference}`;
      const inputs = { prompts, workspace: engine, 'workspace-engine': preference, 'artifact-prefix': prefix };
      run = await startOn(repo, { ...inputs, upload: 'per-agent' }).done;
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
      if (preference === 'auto') {
        expect(run.stdout).toMatch(/^(Worktrees|Copies): overlay mounts over the checkout /m);
        expect(run.summary).toContain(`Workspaces: ${engine} by overlay mounts.`);
      } else {
        expect(run.stdout).not.toContain('overlay mounts');
        expect(run.summary).not.toContain('Workspaces:');
      }
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
      const zip = readZip(await standIns.artifactService.download(`pr-${engine}-${preference}-security`));
      expect(zip.get('workspace/findings.md')?.toString()).toBe('src/db.js builds SQL from input\n');
      expect(zip.get('changes.patch')?.toString()).toContain('+++ b/findings.md');
      expect([...zip.keys()].filter((k) => k.startsWith('workspace/'))).toEqual(['workspace/findings.md']);
      const docs = readZip(await standIns.artifactService.download(`pr-${engine}-${preference}-docs`));
      expect([...docs.keys()].some((k) => k.startsWith('workspace/'))).toBe(false);
      // It changed nothing: no patch, which `git apply` would refuse as empty.
      expect(docs.has('changes.patch')).toBe(false);
      expect(results[1]!.changes).toEqual({ files: 0, insertions: 0, deletions: 0 });
    });

    it('leaves the checkout as it was', () => {
      expect(checkoutState(repo)).toEqual(before);
    });
  },
);

describe.each(['git', 'auto'])('a run on worktrees cancelled by the runner (engine %s)', (preference) => {
  it('stops in time and leaves the checkout as it was, with no worktree or mount behind', async () => {
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
        'workspace-engine': preference,
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
    expect(mountsOf(action.child.pid!)).toEqual([]);
  });
});

describe('overlays of a step killed outright', () => {
  it('are taken down when the next run starts', async () => {
    const repo = makeRepo(SOURCE);
    const before = checkoutState(repo);
    const prompts = '- id: slow\n  prompt: "Think for a minute\\n@latency 60000"';
    const killed = startOn(repo, { prompts, upload: 'none' }, (line) => {
      if (line.includes('▶ slow started')) killed.child.kill('SIGKILL');
    });
    await killed.done;
    const left = mountsOf(killed.child.pid!);
    expect(left).toHaveLength(1);
    const next = await startOn(repo, { prompts: JSON.stringify(['Quick\n@answer quick']), upload: 'none' }).done;
    expect(next.code, next.stdout).toBe(0);
    expect(next.stdout).toMatch(/^Took down 1 overlay mounts an earlier run left: /m);
    expect(mountsOf(killed.child.pid!)).toEqual([]);
    expect(checkoutState(repo)).toEqual(before);
  });
});

describe('overlays through sudo, as on a GitHub-hosted runner', () => {
  it('are mounted, handed to the agent user, and taken down', async () => {
    const runner = sudoRunner();
    const repo = makeRepo(SOURCE);
    const before = checkoutState(repo);
    // The checkout is the runner's; git run by root here would refuse it as another user's, so it goes back after.
    if (runner) execFileSync('chown', ['-R', `${runner.uid}:${runner.gid}`, repo]);
    fs.chmodSync(repo, 0o755);
    const owners = () => execFileSync('find', [repo, '-printf', '%U %m %p\\n'], { encoding: 'utf8' });
    const ownersBefore = owners();
    const prompts = [
      '- id: editor',
      '  prompt: "Edit\\n@bash id -un && echo more >> README.md && rm src/util.js"',
      '  allowed-tools: Bash',
    ].join('\n');
    const action = startOn(repo, { prompts, upload: 'none', 'agent-user': 'auto' }, undefined, runner, {
      RUNNER_ENVIRONMENT: 'github-hosted',
    });
    const run = await action.done;
    const [editor] = JSON.parse(run.outputs.results ?? '[]') as AgentResult[];
    expect(editor?.status, run.stdout).toBe('success');
    expect(run.stdout).toContain('the action acts for it through sudo');
    expect(run.stdout).toMatch(/^Worktrees: overlay mounts over the checkout /m);
    expect(editor!.answer).toContain(DEFAULT_AGENT_USER);
    expect(editor!.changes).toMatchObject({ files: 2, insertions: 1, deletions: 3 });
    expect(mountsOf(action.child.pid!)).toEqual([]);
    expect(fs.existsSync(path.join(repo, 'src/util.js'))).toBe(true);
    // The lower layer was never written: every file's owner and mode as they were.
    expect(owners()).toBe(ownersBefore);
    if (runner) execFileSync('chown', ['-R', '0:0', repo]);
    expect(checkoutState(repo)).toEqual(before);
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
