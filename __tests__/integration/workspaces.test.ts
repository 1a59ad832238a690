import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stageAgentFolder } from '../../src/artifacts/stage.js';
import { runAgents } from '../../src/schedule/run-agents.js';
import type { AgentResult, AgentSpec } from '../../src/types.js';
import { planWorkspaces } from '../../src/workspace/checkout.js';
import { openWorkspaces, type EnginePreference } from '../../src/workspace/workspaces.js';
import { context, spec, tempDir } from '../support/agents.js';
import { checkoutState, commitAll, git, makeRepo, writeFiles } from '../support/repos.js';
import { useStandIns } from '../support/fixture.js';

// Real CLIs against the stand-in model, working in worktrees and copies of real repositories made here.
const standIns = useStandIns({ model: { latencyMs: 300 } });

/** Runs the agents on the checkout at `workingDirectory` as the action does: plan, agents, close. */
async function run(
  specs: AgentSpec[],
  workingDirectory: string,
  options: { ref?: string; retries?: number; maxParallel?: number; engine?: EnginePreference } = {},
) {
  const ctx = context(standIns.model.url, { retries: options.retries ?? 0 });
  const plan = await planWorkspaces({ workingDirectory, ref: options.ref ?? '', specs });
  const workspaces = openWorkspaces(plan, { runDir: ctx.runDir, signal: ctx.signal, specs, engine: options.engine });
  let results: AgentResult[];
  try {
    results = await runAgents(specs, { maxParallel: options.maxParallel ?? specs.length, ctx, workspaces });
  } finally {
    await workspaces.close();
  }
  const byId = Object.fromEntries(results.map((r) => [r.id, r]));
  return { results, byId, runDir: ctx.runDir, served: await workspaces.served() };
}

const filesUnder = (dir: string): string[] =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
        .sort()
    : [];

// The modes that give each agent a tree of its own on a git checkout, each served by git (worktrees, copies) and
// by overlay mounts (this machine can mount: the tests run as root): every test of this block holds for each.
const OWN_TREE_ENGINES = [
  ['worktree', 'git'],
  ['copy', 'git'],
  ['worktree', 'auto'],
  ['copy', 'auto'],
] as const;

describe.each(OWN_TREE_ENGINES)('agents, each in its own %s of a repository (engine %s)', (engine, preference) => {
  let repo: string;
  let commit: string;
  let before: ReturnType<typeof checkoutState>;
  let outcome: Awaited<ReturnType<typeof run>>;

  beforeAll(async () => {
    repo = makeRepo({
      'README.md': 'The magic word is AUBERGINE.\n',
      'CLAUDE.md': '# Project rules\nAlways mention the word PERSIMMON.\n',
      '.claude/settings.json': JSON.stringify({ model: 'stand-in-from-project-settings' }),
      '.gitignore': 'build/\n',
      'src/app.js': 'console.log("one");\n',
      'src/old.js': 'to be deleted\n',
      'shared.txt': 'line 1\n',
    });
    commit = git(repo, 'rev-parse', 'HEAD').trim();
    before = checkoutState(repo);
    const edit = [
      'printf "console.log(\\"two\\");\\n" >> src/app.js',
      'rm src/old.js',
      'mkdir -p src/new build',
      'printf "fresh\\n" > src/new/added.js',
      "printf '\\000\\001\\002binary' > src/new/blob.bin",
      'echo ignored > build/out.txt',
    ].join(' && ');
    // Two agents edit shared.txt at once; each sleeps so that both edits are made before either reads it back.
    const shared = (who: string) => `@bash echo from-${who} >> shared.txt && sleep 2 && cat shared.txt`;
    outcome = await run(
      [
        spec('reader', 'Quote the readme\n@read README.md\n@answer the readme says', { allowedTools: ['Read'] }),
        spec('editor', `Edit the code\n@bash ${edit}\n@answer edited`, { allowedTools: ['Bash'] }),
        spec('alice', `Append\n${shared('alice')}`, { allowedTools: ['Bash'] }),
        spec('bob', `Append\n${shared('bob')}`, { allowedTools: ['Bash'] }),
        spec(
          'brancher',
          'Commit on a branch, then run out of turns\n@bash echo wip >> README.md && git checkout -q -b agent-branch && git -c user.name=a -c user.email=a@a commit -qam wip',
          { allowedTools: ['Bash'], maxTurns: 1 },
        ),
      ].map((s) => ({ ...s, workspace: engine })),
      repo,
      { engine: preference },
    );
  });

  it(`is served by ${preference === 'git' ? 'git' : 'overlay mounts'}`, () => {
    expect(outcome.served).toBe(preference === 'git' ? undefined : `${engine} by overlay mounts`);
  });

  it('lets an agent read a file of the repository from its working directory', () => {
    const reader = outcome.byId.reader!;
    expect(reader.status).toBe('success');
    expect(reader.answer).toContain('The magic word is AUBERGINE.');
    expect(reader.changes).toMatchObject({ files: 0, insertions: 0, deletions: 0 });
    const init = JSON.parse(fs.readFileSync(path.join(reader.outputDir, 'events.jsonl'), 'utf8').split('\n')[0]!);
    expect(init.cwd).toBe(path.join(outcome.runDir, '.workspaces', 'reader'));
  });

  it("loads the repository's CLAUDE.md and .claude/settings.json into the agent", () => {
    const seen = standIns.model.stats.seen.find((s) => s.prompt.startsWith('Quote the readme'))!;
    expect(seen.context).toContain('Always mention the word PERSIMMON.');
    expect(seen.model).toBe('stand-in-from-project-settings');
  });

  it('writes no patch for an agent that changed nothing, since git apply refuses an empty one', () => {
    const reader = outcome.byId.reader!;
    expect(reader.changes).toEqual({ files: 0, insertions: 0, deletions: 0 });
    expect(fs.existsSync(path.join(reader.outputDir, 'changes.patch'))).toBe(false);
    expect(filesUnder(path.join(reader.outputDir, 'workspace'))).toEqual([]);
  });

  it('collects an edit, a deletion and additions as a patch that applies to the commit', () => {
    const editor = outcome.byId.editor!;
    expect(editor.status).toBe('success');
    expect(editor.changes).toEqual({
      files: 4,
      insertions: 2,
      deletions: 1,
      patch: path.join(editor.outputDir, 'changes.patch'),
      // A worktree starts from the commit, so its patch can become a commit on it (`changes`); a copy, from a tree.
      ...(engine === 'worktree' ? { base: commit } : {}),
    });
    const patch = fs.readFileSync(editor.changes!.patch!, 'utf8');
    expect(patch).toContain('GIT binary patch');
    expect(patch).not.toContain('build/out.txt');
    // The checkout is still at the commit the agent started from, untouched: the patch applies to it.
    expect(git(repo, 'rev-parse', 'HEAD').trim()).toBe(commit);
    git(repo, 'apply', '--check', editor.changes!.patch!);
    const applied = fs.realpathSync(tempDir('applied-'));
    git(applied, 'clone', '-q', repo, '.');
    git(applied, 'apply', editor.changes!.patch!);
    expect(fs.readFileSync(path.join(applied, 'src/new/blob.bin'))).toEqual(
      Buffer.from('\x00\x01\x02binary', 'latin1'),
    );
    expect(fs.existsSync(path.join(applied, 'src/old.js'))).toBe(false);
  });

  it('keeps only the added and changed files, never the untouched checkout, and uploads them with the patch', async () => {
    const editor = outcome.byId.editor!;
    expect(filesUnder(path.join(editor.outputDir, 'workspace'))).toEqual([
      'src/app.js',
      'src/new/added.js',
      'src/new/blob.bin',
    ]);
    const staged = fs.realpathSync(tempDir('staged-'));
    await stageAgentFolder(editor.outputDir, staged, []);
    const uploaded = filesUnder(staged);
    expect(uploaded).toEqual(expect.arrayContaining(['changes.patch', 'workspace/src/new/added.js']));
    expect(uploaded.filter((f) => f.startsWith('workspace/'))).toHaveLength(3);
  });

  it('isolates agents that edit the same file at the same time', () => {
    for (const [me, other] of [
      ['alice', 'bob'],
      ['bob', 'alice'],
    ] as const) {
      const r = outcome.byId[me]!;
      expect(r.status).toBe('success');
      expect(r.answer).toContain(`from-${me}`);
      expect(r.answer).not.toContain(`from-${other}`);
      const patch = fs.readFileSync(r.changes!.patch!, 'utf8');
      expect(patch).toContain(`+from-${me}`);
      expect(patch).not.toContain(`from-${other}`);
    }
    expect(fs.readFileSync(path.join(repo, 'shared.txt'), 'utf8')).toBe('line 1\n');
  });

  it('collects the changes of an agent that failed, and its commit on a new branch is undone in the checkout', () => {
    const brancher = outcome.byId.brancher!;
    expect(brancher.status).toBe('failure');
    expect(brancher.error).toMatch(/error_max_turns/);
    expect(brancher.changes).toMatchObject({ files: 1, insertions: 1, deletions: 0 });
  });

  it('leaves the checkout exactly as it was, with no worktree or record behind', () => {
    expect(checkoutState(repo)).toEqual(before);
    expect(fs.existsSync(path.join(outcome.runDir, '.workspaces'))).toBe(false);
  });
});

describe('what actions/checkout leaves', () => {
  it('works on a shallow clone of a merge commit with a detached HEAD, and at another ref', async () => {
    const origin = makeRepo({ 'a.txt': 'base\n' }, 'origin-');
    git(origin, 'checkout', '-q', '-b', 'feature');
    writeFiles(origin, { 'b.txt': 'feature\n' });
    commitAll(origin, 'feature');
    git(origin, 'checkout', '-q', 'main');
    writeFiles(origin, { 'c.txt': 'main\n' });
    commitAll(origin, 'main');
    git(origin, 'merge', '-q', '--no-edit', 'feature');
    const clone = fs.realpathSync(tempDir('shallow-'));
    git(clone, 'clone', '-q', '--depth', '1', `file://${origin}`, '.');
    git(clone, 'checkout', '-q', '--detach');
    expect(git(clone, 'rev-parse', '--is-shallow-repository').trim()).toBe('true');
    const before = checkoutState(clone);

    const { byId } = await run(
      [spec('shallow', 'List the files\n@bash ls && echo x >> a.txt\n@answer listed', { allowedTools: ['Bash'] })],
      clone,
    );
    expect(byId.shallow).toMatchObject({ status: 'success', changes: { files: 1, insertions: 1 } });
    expect(byId.shallow!.answer).toMatch(/a\.txt\s+b\.txt\s+c\.txt/);
    git(clone, 'apply', '--check', byId.shallow!.changes!.patch!);
    expect(checkoutState(clone)).toEqual(before);

    // `ref` picks the commit the worktrees start from.
    const first = git(origin, 'rev-list', '--max-parents=0', 'HEAD').trim();
    const older = await run([spec('older', 'List\n@bash ls\n@answer listed', { allowedTools: ['Bash'] })], origin, {
      ref: first,
    });
    expect(older.byId.older!.answer).toMatch(/Tool said:\s+a\.txt\s*$/);
  });
});

describe('a copy, the checkout itself, and a working directory below the top', () => {
  it('gives a copy the untracked and ignored files, and makes its patch against the copied tree', async () => {
    const repo = makeRepo({ '.gitignore': 'node_modules/\n', 'app.js': 'one\n' });
    writeFiles(repo, { 'node_modules/dep/index.js': 'dep\n', 'notes.txt': 'untracked\n', 'app.js': 'one\nlocal\n' });
    const before = checkoutState(repo);
    const { byId } = await run(
      [
        spec('copier', 'Look\n@bash cat node_modules/dep/index.js notes.txt && echo more >> app.js', {
          allowedTools: ['Bash'],
          workspace: 'copy',
        }),
      ],
      repo,
    );
    const copier = byId.copier!;
    expect(copier.status).toBe('success');
    expect(copier.answer).toContain('dep\nuntracked');
    // The checkout's own uncommitted line is in the copy, so the patch holds only the agent's.
    const patch = fs.readFileSync(copier.changes!.patch!, 'utf8');
    expect(patch).toContain('+more');
    expect(patch).not.toContain('+local');
    expect(copier.changes).toMatchObject({ files: 1, insertions: 1, deletions: 0 });
    expect(checkoutState(repo)).toEqual(before);
  });

  it('runs a shared agent in the checkout itself, with no patch', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const { byId } = await run(
      [spec('sharer', 'Write\n@write note.md shared note', { allowedTools: ['Write'], workspace: 'shared' })],
      repo,
    );
    expect(byId.sharer).toMatchObject({ status: 'success' });
    expect(byId.sharer!.changes).toBeUndefined();
    expect(fs.readFileSync(path.join(repo, 'note.md'), 'utf8')).toBe('shared note\n');
  });

  it('starts an agent in the same folder of its worktree as working-directory is in the checkout', async () => {
    const repo = makeRepo({ 'packages/web/index.js': 'web\n', 'top.txt': 'top\n' });
    const { byId, runDir } = await run(
      [spec('sub', 'Where\n@bash pwd && echo more >> index.js', { allowedTools: ['Bash'] })],
      path.join(repo, 'packages', 'web'),
    );
    expect(byId.sub!.answer).toContain(path.join(runDir, '.workspaces', 'sub', 'packages', 'web'));
    // The patch is made from the top of the repository, as `git apply` in the checkout expects it.
    expect(fs.readFileSync(byId.sub!.changes!.patch!, 'utf8')).toContain('+++ b/packages/web/index.js');
  });

  it('fails only the agent whose worktree cannot be made, with the reason', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const before = checkoutState(repo);
    const ctx = context(standIns.model.url);
    const specs = [spec('blocked', 'Blocked\n@answer never'), spec('fine', 'Fine\n@answer fine')];
    // Something already occupies where the worktree should go: git refuses to make it there.
    fs.mkdirSync(path.join(ctx.runDir, '.workspaces', 'blocked'), { recursive: true });
    fs.writeFileSync(path.join(ctx.runDir, '.workspaces', 'blocked', 'in-the-way'), 'x');
    const plan = await planWorkspaces({ workingDirectory: repo, ref: '', specs });
    const workspaces = openWorkspaces(plan, { runDir: ctx.runDir, signal: ctx.signal, specs });
    const results = await runAgents(specs, { maxParallel: 2, ctx, workspaces });
    await workspaces.close();
    expect(results[0]).toMatchObject({ id: 'blocked', status: 'failure', attempts: 0 });
    expect(results[0]!.error).toMatch(/^its worktree could not be made: git worktree: .*already exists/);
    expect(results[1]).toMatchObject({ id: 'fine', status: 'success', answer: 'fine' });
    expect(checkoutState(repo)).toEqual(before);
  });

  it('starts an agent again in a fresh worktree after a transient failure, keeping the first attempt', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const { byId } = await run(
      [spec('flaky', 'Overloaded once\n@fail 529 1\n@bash echo again >> a.txt', { allowedTools: ['Bash'] })],
      repo,
      { retries: 1 },
    );
    const flaky = byId.flaky!;
    expect(flaky).toMatchObject({ status: 'success', attempts: 2, changes: { files: 1, insertions: 1 } });
    // The first attempt changed nothing: it has no patch (an empty one would make `git apply` fail).
    expect(fs.existsSync(path.join(flaky.outputDir, 'attempt-1', 'changes.patch'))).toBe(false);
  });
});

describe('settings and MCP servers for the CLI', () => {
  it('passes settings and mcp-config, given as JSON text, to every agent', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const mcp = JSON.stringify({ mcpServers: { probe: { command: 'node', args: ['-e', '0'] } } });
    const { byId } = await run(
      [
        spec('configured', 'Configured\n@answer ok', {
          settings: JSON.stringify({ model: 'stand-in-from-settings-input' }),
          mcpConfig: mcp,
        }),
      ],
      repo,
    );
    const configured = byId.configured!;
    expect(configured.status).toBe('success');
    expect(standIns.model.stats.seen.find((s) => s.prompt.startsWith('Configured'))?.model).toBe(
      'stand-in-from-settings-input',
    );
    const init = JSON.parse(fs.readFileSync(path.join(configured.outputDir, 'events.jsonl'), 'utf8').split('\n')[0]!);
    expect(init.mcp_servers.map((s: { name: string }) => s.name)).toContain('probe');
    // Kept off the command line, in the agent's config folder, which is never uploaded.
    expect(fs.readFileSync(path.join(configured.outputDir, 'config', 'cli-mcp-config.json'), 'utf8')).toBe(mcp);
  });
});

describe('bad input', () => {
  const plan = (workingDirectory: string, ref: string, workspace?: AgentSpec['workspace']) =>
    planWorkspaces({ workingDirectory, ref, specs: [spec('a', 'x', { workspace })] });

  it('refuses a worktree or a copy outside a git work tree', async () => {
    const plain = tempDir('not-a-repo-');
    await expect(plan(plain, '', 'worktree')).rejects.toThrow(
      /Input 'workspace' is "worktree" \(agent a\), but working-directory .* is not in a git work tree/,
    );
    await expect(plan(plain, '', 'copy')).rejects.toThrow(/"copy".*not in a git work tree.*workspace: empty/);
    expect((await plan(plain, '')).modeOf(spec('a', 'x'))).toBe('empty');
  });

  it('refuses a ref the checkout does not have', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    await expect(plan(repo, 'no-such-branch')).rejects.toThrow(
      /Input 'ref': "no-such-branch" is not a commit in .*fetch-depth/,
    );
    await expect(plan(repo, '--output=x')).rejects.toThrow(/Input 'ref'/);
    expect((await plan(repo, 'main')).modeOf(spec('a', 'x'))).toBe('worktree');
  });

  it('refuses a working directory that a worktree would not hold', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    fs.mkdirSync(path.join(repo, 'scratch'));
    await expect(plan(path.join(repo, 'scratch'), '')).rejects.toThrow(
      /Input 'working-directory': "scratch" is not a folder of commit .*workspace: copy/,
    );
  });
});
