import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AgentContext } from '../../src/agent/context.js';
import { DEFAULT_AGENT_USER, setUpAgentUser } from '../../src/isolation/user.js';
import type { AgentUser } from '../../src/isolation/run-as.js';
import { runAgents } from '../../src/schedule/run-agents.js';
import type { AgentResult, AgentSpec } from '../../src/types.js';
import { planWorkspaces } from '../../src/workspace/checkout.js';
import { ownMountSource } from '../../src/workspace/overlay-mounts.js';
import { openWorkspaces, type EnginePreference } from '../../src/workspace/workspaces.js';
import { context, spec, tempDir } from '../support/agents.js';
import { checkoutState, commitAll, git, makeRepo, writeFiles } from '../support/repos.js';
import { useStandIns } from '../support/fixture.js';

// Overlay mounts as the agents' worktrees and copies, on real mounts (the tests run as root): what git sees in the
// merged view, the shared lower layer, cancel and a killed run's leftovers, the agent user, and the fallback to git
// when the kernel refuses the layers.
const standIns = useStandIns({ model: { latencyMs: 300 } });

/** Lines of /proc/self/mounts whose source is this test's own (what the engine mounts in this process). */
const ownMounts = () =>
  fs
    .readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .filter((line) => line.startsWith(`${ownMountSource()} `));

interface RunOptions {
  ref?: string;
  engine?: EnginePreference;
  ctx?: Partial<AgentContext>;
  onStarted?: () => void;
}

async function run(specs: AgentSpec[], workingDirectory: string, options: RunOptions = {}) {
  const ctx = context(standIns.model.url, { retries: 0, ...options.ctx });
  if (ctx.agentUser) fs.chmodSync(ctx.runDir, 0o711);
  const plan = await planWorkspaces({ workingDirectory, ref: options.ref ?? '', specs });
  const engine = options.engine ?? 'auto';
  const { runDir, signal, agentUser } = ctx;
  const workspaces = openWorkspaces(plan, { runDir, signal, specs, engine, agentUser });
  let results: AgentResult[];
  try {
    results = await runAgents(specs, {
      maxParallel: specs.length,
      ctx,
      workspaces,
      onEvent: (e) => (e.kind === 'started' ? options.onStarted?.() : undefined),
    });
  } finally {
    await workspaces.close();
  }
  const byId = Object.fromEntries(results.map((r) => [r.id, r]));
  return { results, byId, runDir: ctx.runDir, served: await workspaces.served() };
}

afterEach(() => {
  expect(ownMounts()).toEqual([]);
});

describe('git in the merged view', () => {
  it('is clean before the agent starts, and the patch of its edits is the one a git worktree gives', async () => {
    const repo = makeRepo({
      'a.txt': 'a\n',
      'gone.txt': 'to be deleted\n',
      'old-name.txt': 'moved along\n',
      'run.sh': 'echo run\n',
      'data.bin': Buffer.from([0, 1, 2, 3]),
      'sub/a.txt': 'a\n',
      'sub/b.txt': 'b\n',
    });
    const before = checkoutState(repo);
    const edits = [
      'git status --porcelain',
      'echo END-OF-STATUS',
      'echo more >> a.txt',
      'rm gone.txt',
      'mv old-name.txt new-name.txt',
      'chmod +x run.sh',
      "printf '\\000\\001changed' > data.bin",
      // A folder removed and made again: its upper layer hides the lower's files without a whiteout each.
      'rm -rf sub && mkdir sub && echo new > sub/new.txt',
      'git add -A',
      'git -c user.name=a -c user.email=a@a commit -qm agent-commit',
      'git log --format=%s -1',
    ].join(' && ');
    const specs = [spec('gitter', `Edit\n@bash ${edits}`, { allowedTools: ['Bash'] })];
    const patches: Record<string, string> = {};
    for (const engine of ['git', 'auto'] as const) {
      const { byId, served } = await run(specs, repo, { engine });
      const gitter = byId.gitter!;
      expect(served).toBe(engine === 'git' ? undefined : 'worktree by overlay mounts');
      expect(gitter.status).toBe('success');
      // Nothing before the marker: git saw no change in the files the overlay shows, stat data and all.
      expect(gitter.answer).toMatch(/Tool said:\s+END-OF-STATUS\s+agent-commit/);
      // The rename is a deletion and an addition, as the patch is made with --no-renames.
      expect(gitter.changes).toMatchObject({ files: 9 });
      patches[engine] = fs.readFileSync(gitter.changes!.patch!, 'utf8');
    }
    expect(patches.auto).toBe(patches.git);
    expect(patches.auto).toContain('deleted file mode 100644');
    expect(patches.auto).toContain('old mode 100644\nnew mode 100755');
    expect(patches.auto).toContain('GIT binary patch');
    expect(patches.auto).toContain('+++ b/new-name.txt');
    // The agent's deletion and its commit stayed in its upper layer.
    expect(fs.readFileSync(path.join(repo, 'gone.txt'), 'utf8')).toBe('to be deleted\n');
    expect(checkoutState(repo)).toEqual(before);
  });
});

describe('the lower layer', () => {
  it('for another ref is one checkout of it, shared by every agent', async () => {
    const repo = makeRepo({ 'a.txt': 'first\n' });
    const first = git(repo, 'rev-parse', 'HEAD').trim();
    writeFiles(repo, { 'b.txt': 'second\n' });
    commitAll(repo, 'second');
    const before = checkoutState(repo);
    const look = (id: string) => spec(id, 'Look\n@bash ls && stat -c inode=%i a.txt', { allowedTools: ['Bash'] });
    const { results, served } = await run([look('one'), look('two'), look('three')], repo, { ref: first });
    expect(served).toBe('worktree by overlay mounts');
    const inodes = results.map((r) => {
      expect(r.status).toBe('success');
      // Only the command's lines: a login shell of the machine may print its own before them.
      expect(r.answer).toMatch(/^a\.txt\ninode=\d+$/m);
      expect(r.answer).not.toContain('b.txt');
      return /inode=(\d+)/.exec(r.answer!)![1];
    });
    // The same file for all: one lower layer, made once; and not the checkout's own, which is at another commit.
    expect(new Set(inodes).size).toBe(1);
    expect(inodes[0]).not.toBe(String(fs.statSync(path.join(repo, 'a.txt')).ino));
    expect(checkoutState(repo)).toEqual(before);
  });

  it('for a copy is the checkout itself: its untracked and ignored files are there, its own changes are no patch', async () => {
    const repo = makeRepo({ '.gitignore': 'node_modules/\n', 'app.js': 'one\n' });
    writeFiles(repo, { 'node_modules/dep/index.js': 'dep\n', 'notes.txt': 'untracked\n', 'app.js': 'one\nlocal\n' });
    const before = checkoutState(repo);
    const { byId, served } = await run(
      [
        spec('copier', 'Look\n@bash cat node_modules/dep/index.js notes.txt && echo more >> app.js && rm notes.txt', {
          allowedTools: ['Bash'],
          workspace: 'copy',
        }),
      ],
      repo,
    );
    expect(served).toBe('copy by overlay mounts');
    const copier = byId.copier!;
    expect(copier.answer).toContain('dep\nuntracked');
    const patch = fs.readFileSync(copier.changes!.patch!, 'utf8');
    expect(patch).toContain('+more');
    expect(patch).not.toContain('+local');
    expect(patch).toContain('deleted file mode 100644');
    expect(copier.changes).toMatchObject({ files: 2, insertions: 1, deletions: 1 });
    expect(fs.readFileSync(path.join(repo, 'notes.txt'), 'utf8')).toBe('untracked\n');
    expect(checkoutState(repo)).toEqual(before);
  });
});

describe('mounts taken down', () => {
  it('after a cancel, with agents still running in their overlays', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const controller = new AbortController();
    const slow = (id: string) => spec(id, 'Wait\n@bash sleep 60', { allowedTools: ['Bash'] });
    const { results, runDir } = await run([slow('w1'), slow('w2')], repo, {
      ctx: { signal: controller.signal },
      onStarted: () => controller.abort(),
    });
    expect(results.map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
    expect(fs.existsSync(path.join(runDir, '.workspaces'))).toBe(false);
  });

  it("after a killed run, at the next run's start: only this action's, only those whose maker is gone", async () => {
    const scratch = fs.realpathSync(tempDir('overlay-left-'));
    const layer = (name: string) => {
      const dirs = ['lower', 'upper', 'work', 'merged'].map((d) => path.join(scratch, name, d));
      for (const d of dirs) fs.mkdirSync(d, { recursive: true });
      const [lower, upper, work, merged] = dirs as [string, string, string, string];
      return { options: `lowerdir=${lower},upperdir=${upper},workdir=${work}`, merged };
    };
    const killed = layer('killed');
    const foreign = layer('foreign');
    const live = layer('live');
    // A process of "the action" that mounts as the action names its mounts (pid and start time: `exec` keeps
    // both), and is then killed outright.
    const script =
      `s=$(cut -d' ' -f22 /proc/$$/stat); ` +
      `mount -t overlay -o ${killed.options} -- claude-agent-matrix-overlay-$$.$s ${killed.merged} && echo mounted && exec sleep 600`;
    const child = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    execFileSync('mount', ['-t', 'overlay', '-o', foreign.options, '--', 'cam-overlay-test-foreign', foreign.merged]);
    execFileSync('mount', ['-t', 'overlay', '-o', live.options, '--', ownMountSource(), live.merged]);
    const mounted = (dir: string) => fs.readFileSync('/proc/self/mounts', 'utf8').includes(` ${dir} overlay `);
    try {
      expect(mounted(killed.merged)).toBe(true);
      const repo = makeRepo({ 'a.txt': 'a\n' });
      const { byId } = await run([spec('next', 'Next\n@answer next')], repo);
      expect(byId.next!.status).toBe('success');
      expect(mounted(killed.merged)).toBe(false);
      expect(mounted(foreign.merged)).toBe(true);
      expect(mounted(live.merged)).toBe(true);
    } finally {
      for (const dir of [killed.merged, foreign.merged, live.merged]) {
        if (mounted(dir)) execFileSync('umount', ['-l', dir]);
      }
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });
});

describe('with the agent user, as root', () => {
  let user: AgentUser;
  beforeAll(async () => {
    user = await setUpAgentUser(DEFAULT_AGENT_USER);
  });

  it("gives the agent its upper layer; the lower stays the runner's, unwritten", async () => {
    const repo = makeRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    fs.chmodSync(repo, 0o755);
    const before = checkoutState(repo);
    const owners = () => execFileSync('find', [repo, '-printf', '%u %m %p\\n'], { encoding: 'utf8' });
    const ownersBefore = owners();
    const edits = [
      // HEAD is the action's write (the detached commit), handed over with the agent's tree.
      'echo "uid=$(id -u) owner=$(stat -c %u a.txt) head=$(stat -c %u .git/HEAD) changed=$(git status --porcelain | wc -l)"',
      'echo more >> a.txt',
      'rm b.txt',
      'git checkout -qb mine',
      'git -c user.name=a -c user.email=a@a commit -qam mine',
      'git log --format=%s -1',
    ].join(' && ');
    const { byId, served } = await run([spec('owned', `Edit\n@bash ${edits}`, { allowedTools: ['Bash'] })], repo, {
      ctx: { agentUser: user },
    });
    expect(served).toBe('worktree by overlay mounts');
    const owned = byId.owned!;
    expect(owned.status, owned.error ?? '').toBe('success');
    expect(owned.answer).toContain(`uid=${user.uid} owner=${user.uid} head=${user.uid} changed=0`);
    expect(owned.answer).toMatch(/\bmine\s*$/);
    expect(owned.changes).toMatchObject({ files: 2, insertions: 1, deletions: 1 });
    expect(owners()).toBe(ownersBefore);
    expect(checkoutState(repo)).toEqual(before);
  });
});

describe('where the kernel refuses the layers', () => {
  it('serves the agents from git worktrees, and says why in one line', async () => {
    // An upper layer on an overlay is refused: the run's folder on one is a runner whose temp folder is there.
    const scratch = fs.realpathSync(tempDir('overlay-refused-'));
    const dirs = ['lower', 'upper', 'work', 'temp'].map((d) => path.join(scratch, d));
    for (const d of dirs) fs.mkdirSync(d);
    const [lower, upper, work, temp] = dirs as [string, string, string, string];
    const options = `lowerdir=${lower},upperdir=${upper},workdir=${work}`;
    execFileSync('mount', ['-t', 'overlay', '-o', options, '--', 'cam-overlay-test-refused', temp]);
    const logged: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk, ...rest) => {
      logged.push(String(chunk));
      return write(chunk, ...(rest as []));
    });
    try {
      const repo = makeRepo({ 'a.txt': 'a\n' });
      const before = checkoutState(repo);
      const runDir = fs.mkdtempSync(path.join(temp, 'run-'));
      const { byId, served } = await run(
        [spec('plain', 'Edit\n@bash echo more >> a.txt', { allowedTools: ['Bash'] })],
        repo,
        { ctx: { runDir } },
      );
      expect(served).toBe('worktree by git');
      expect(byId.plain).toMatchObject({ status: 'success', changes: { files: 1, insertions: 1 } });
      const why = logged
        .join('')
        .split('\n')
        .filter((l) => l.startsWith('Worktrees:'));
      expect(why).toHaveLength(1);
      expect(why[0]).toMatch(/^Worktrees: git worktrees, not overlay mounts \(mount -t overlay over .*: .+\)$/);
      expect(checkoutState(repo)).toEqual(before);
    } finally {
      spy.mockRestore();
      execFileSync('umount', ['-l', temp]);
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });
});
