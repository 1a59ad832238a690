import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { agentPaths } from '../../src/agent/context.js';
import { runAgent } from '../../src/agent/run.js';
import type { AgentResult } from '../../src/types.js';
import type { AgentUser } from '../../src/isolation/run-as.js';
import { DEFAULT_AGENT_USER, setUpAgentUser } from '../../src/isolation/user.js';
import { alive, cliEnv, context, processesWith, spec, tempDir } from '../support/agents.js';
import { readZip } from '../../stand-ins/artifact-service.js';
import { FAKE_CLAUDE, LOCAL_CLAUDE, startAction } from '../../stand-ins/run-action.js';
import { sudoRunner } from '../support/sudo-runner.js';
import { useStandIns } from '../support/fixture.js';

// node dist/index.js with `agent-user`, as the runner runs it: an agent whose Bash goes looking for the
// runner's secrets (the action's /proc/<pid>/environ, the GITHUB_OUTPUT file, a file only the runner's user
// may read, $RUNNER_TEMP), reads the checkout and writes a private file of its own. As root (this CI, a
// container) and through sudo (GitHub's hosted runners) it finds nothing; with agent-user: none, as today, it
// finds everything.

const standIns = useStandIns({ model: true, artifactService: true });

const API_KEY = 'sk-ant-agent-user-test-0123456789';

// What the agent runs: it walks up its parents reading each one's environment, then tries each file named.
const PROBE = `echo "user=$(id -un)"
p=$PPID
while [ "$p" -gt 1 ]; do
  if environ=$(tr '\\0' '\\n' < "/proc/$p/environ" 2>/dev/null); then
    echo "environ of $p: read"
    printf '%s\\n' "$environ" | grep -E '^(INPUT_|ACTIONS_RUNTIME_TOKEN=)'
  else
    echo "environ of $p: denied"
  fi
  p=$(awk '/^PPid:/ { print $2 }' "/proc/$p/status")
done
for f in "$@"; do
  if content=$(cat "$f" 2>/dev/null); then echo "read $f: $content"; else echo "denied $f"; fi
done
if ls "$RUNNER_TEMP" > /dev/null 2>&1; then echo "listed RUNNER_TEMP"; else echo "denied RUNNER_TEMP"; fi
echo "checkout says: $(cat "$(dirname "$0")/checkout.txt")"
echo "git says: $(git -C "$(dirname "$0")" log --format=%s -1 2>&1)"
umask 077
echo "written by the agent" > private.txt && echo "wrote private.txt"
`;

/** A workspace as a checkout is: readable by all, with the probe, and a file only the runner's user may read. */
function checkout(prefix: string, owner?: { uid: number; gid: number }): string {
  const dir = tempDir(prefix);
  fs.chmodSync(dir, 0o755);
  fs.writeFileSync(path.join(dir, 'probe.sh'), PROBE);
  fs.writeFileSync(path.join(dir, 'checkout.txt'), 'the checkout is readable');
  fs.writeFileSync(path.join(dir, 'runner-only.txt'), 'runner-only-secret', { mode: 0o600 });
  const git = (...args: string[]) => execFileSync('git', ['-C', dir, ...args], { stdio: 'ignore' });
  git('init', '-q');
  git(
    '-c',
    'user.name=test',
    '-c',
    'user.email=test@localhost',
    'commit',
    '-q',
    '--allow-empty',
    '-m',
    'the last commit',
  );
  if (owner) execFileSync('chown', ['-R', `${owner.uid}:${owner.gid}`, path.join(dir, '.git')]);
  if (owner)
    for (const f of ['', 'probe.sh', 'checkout.txt', 'runner-only.txt'])
      fs.chownSync(path.join(dir, f), owner.uid, owner.gid);
  return dir;
}

interface Probed {
  run: Awaited<ReturnType<typeof startAction>['done']>;
  actionPid: number;
  dir: string;
  result: AgentResult;
  /** What the agent saw, unredacted, from its own folder. */
  seen: string;
  artifact: Map<string, Buffer>;
}

async function probe(prefix: string, agentUser: string, as?: { uid: number; gid: number }): Promise<Probed> {
  const dir = checkout(prefix, as);
  const files = [path.join(dir, 'github-output'), path.join(dir, 'runner-only.txt')];
  const action = startAction({
    dir,
    as,
    inputs: {
      prompts: JSON.stringify([{ id: 'probe', prompt: `Look around\n@bash sh ${dir}/probe.sh ${files.join(' ')}` }]),
      'claude-path': LOCAL_CLAUDE,
      'anthropic-api-key': API_KEY,
      'allowed-tools': 'Bash',
      'artifact-prefix': prefix,
      'agent-user': agentUser,
    },
    env: {
      ...standIns.env(),
      ANTHROPIC_API_KEY: '',
      HOME: dir,
      RUNNER_ENVIRONMENT: 'github-hosted',
    },
  });
  const run = await action.done;
  const [result] = JSON.parse(run.outputs.results ?? '[]') as AgentResult[];
  expect(result?.status, run.stdout).toBe('success');
  const seen = fs.readFileSync(path.join(result!.outputDir, 'events.jsonl'), 'utf8');
  const artifact = readZip(await standIns.artifactService.download(`${prefix}-probe`));
  return { run, actionPid: action.child.pid!, dir, result: result!, seen, artifact };
}

/** The checks every way of running agents as a user of their own must pass. */
function keptOut(get: () => Probed) {
  it('runs the agent as the agent user, who reads the checkout', () => {
    const { seen, run } = get();
    expect(seen).toContain('user=claude-agent');
    expect(seen).toContain('checkout says: the checkout is readable');
    // git refuses a repository its user does not own, unless told to trust it: the agent's HOME does.
    expect(seen).toContain('git says: the last commit');
    expect(run.stdout).toMatch(/Agents run as claude-agent \(uid \d+/);
  });

  it("cannot read the action's environment, the runner's command file, its private file or $RUNNER_TEMP", () => {
    const { seen, actionPid, dir } = get();
    expect(seen).toContain(`environ of ${actionPid}: denied`);
    expect(seen).not.toContain('INPUT_');
    expect(seen).not.toContain(standIns.artifactService.env().ACTIONS_RUNTIME_TOKEN);
    expect(seen).toContain(`denied ${dir}/github-output`);
    expect(seen).toContain(`denied ${dir}/runner-only.txt`);
    expect(seen).not.toContain('runner-only-secret');
    expect(seen).toContain('denied RUNNER_TEMP');
  });

  it('writes its own folder; the action takes it back and uploads even a file only the agent could read', () => {
    const { seen, result, artifact } = get();
    expect(seen).toContain('wrote private.txt');
    const file = path.join(result.outputDir, 'workspace', 'private.txt');
    expect(fs.statSync(file).uid).toBe(fs.statSync(result.outputDir).uid);
    expect(artifact.get('workspace/private.txt')?.toString()).toBe('written by the agent\n');
    expect([...artifact.keys()].some((k) => /^(config|home|tmp)\//.test(k))).toBe(false);
  });

  it('leaves $RUNNER_TEMP closed to other users, and the folders above the checkout as they were', () => {
    const { dir } = get();
    expect(fs.statSync(path.join(dir, 'runner-temp')).mode & 0o077).toBe(0);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o755);
  });
}

describe('agent-user auto, as the tests run (root here, a user with sudo on GitHub): a user of its own', () => {
  let probed: Probed;
  beforeAll(async () => {
    probed = await probe('user-root', 'auto');
  });
  keptOut(() => probed);
});

describe('agent-user auto through sudo, as on a GitHub-hosted runner', () => {
  let probed: Probed;
  beforeAll(async () => {
    probed = await probe('user-sudo', 'auto', sudoRunner());
  });
  keptOut(() => probed);

  it('says the action acts for it through sudo', () => {
    expect(probed.run.stdout).toContain('the action acts for it through sudo');
  });
});

describe('agent-user none: as today', () => {
  it("runs the agent as the runner's user, who can read all of it", async () => {
    const { seen, actionPid, dir, run } = await probe('user-none', 'none');
    const self = execFileSync('id', ['-un'], { encoding: 'utf8' }).trim();
    expect(seen).toContain(`user=${self}`);
    expect(seen).toContain(`environ of ${actionPid}: read`);
    expect(seen).toContain('INPUT_ANTHROPIC-API-KEY=');
    expect(seen).toContain(`ACTIONS_RUNTIME_TOKEN=${standIns.artifactService.env().ACTIONS_RUNTIME_TOKEN}`);
    expect(seen).toContain(`read ${dir}/runner-only.txt: runner-only-secret`);
    expect(run.stdout).not.toContain('Agents run as');
  });
});

describe('through sudo: timeouts and cancelling reach the agent user’s processes', () => {
  const runner = sudoRunner();
  // The stand-in CLI ignoring SIGTERM, with a child in its group that ignores it too: only a SIGKILL sent as
  // the agent user ends them, since the action can signal sudo, the group's leader, and nothing else in it.
  const stubborn = '@trap\n@pid\n@orphan\n@hang';
  const start = (dir: string, prompts: object[], onLine?: (line: string) => void) =>
    startAction({
      dir,
      as: runner,
      inputs: {
        prompts: JSON.stringify(prompts),
        'claude-path': FAKE_CLAUDE,
        'anthropic-api-key': API_KEY,
        upload: 'none',
      },
      env: { ...cliEnv(standIns.model.url), HOME: dir, RUNNER_ENVIRONMENT: 'github-hosted' },
      onLine,
    });

  it('stops an agent at its timeout, and nothing it started is left', async () => {
    const dir = tempDir('user-timeout-');
    const run = await start(dir, [{ id: 'stubborn', prompt: stubborn, 'timeout-minutes': 0.05 }]).done;
    const [result] = JSON.parse(run.outputs.results ?? '[]') as AgentResult[];
    expect(result).toMatchObject({ id: 'stubborn', status: 'timeout' });
    expect(run.stdout).toContain('the action acts for it through sudo');
    await expectGone(result!, dir);
  });

  it('exits within 7 s of SIGINT, every agent stopped and nothing they started left', async () => {
    const dir = tempDir('user-cancel-');
    let cancelledAt = 0;
    let exitMs = 0;
    const action = start(
      dir,
      [
        { id: 'quick', prompt: '@result quick answer' },
        { id: 'stubborn', prompt: stubborn },
      ],
      (line) => {
        if (cancelledAt || !line.includes('■ quick success')) return;
        // Cancel once the stubborn CLI ignores SIGTERM: it writes its pid right after setting the trap.
        const poll = setInterval(() => {
          if (!fs.existsSync(path.join(folderOf(dir, 'stubborn'), 'workspace', 'orphan.pid'))) return;
          clearInterval(poll);
          cancelledAt = Date.now();
          action.child.kill('SIGINT');
        }, 20);
        action.child.once('exit', () => clearInterval(poll));
      },
    );
    action.child.once('exit', () => (exitMs = Date.now() - cancelledAt));
    const run = await action.done;
    expect(cancelledAt, 'the quick agent finished and the run was cancelled').toBeGreaterThan(0);
    expect(exitMs).toBeLessThan(7000);
    const results = JSON.parse(run.outputs.results ?? '[]') as AgentResult[];
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['quick', 'success'],
      ['stubborn', 'cancelled'],
    ]);
    await expectGone(results[1]!, dir);
  });
});

/** The folder of agent `id` in the run whose workspace is `dir`. */
function folderOf(dir: string, id: string): string {
  const temp = path.join(dir, 'runner-temp');
  const runDir = fs.readdirSync(temp).find((n) => n.startsWith('claude-agent-matrix-'));
  return path.join(temp, runDir ?? 'no-run-folder', id);
}

/** Waits up to 5 s for the stubborn agent's CLI, its child and every process of the run to be gone. */
async function expectGone(result: AgentResult, dir: string): Promise<void> {
  const pids = ['claude.pid', 'orphan.pid'].map((f) =>
    Number(fs.readFileSync(path.join(result.outputDir, 'workspace', f), 'utf8')),
  );
  expect(pids.every((p) => p > 0)).toBe(true);
  const marker = `CLAUDE_CONFIG_DIR=${path.join(dir, 'runner-temp')}${path.sep}`;
  const until = Date.now() + 5000;
  while ((pids.some(alive) || processesWith(marker).length) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(pids.filter(alive)).toEqual([]);
  expect(processesWith(marker)).toEqual([]);
}

describe('one agent as the agent user, through runAgent', () => {
  let user: AgentUser;
  beforeAll(async () => {
    user = await setUpAgentUser(DEFAULT_AGENT_USER);
  });

  /** A context whose agents run as the agent user; the run folder searchable to it, as main.ts makes it. */
  function as(overrides: Parameters<typeof context>[1] = {}) {
    const ctx = context(standIns.model.url, { claude: FAKE_CLAUDE, agentUser: user, ...overrides });
    fs.chmodSync(ctx.runDir, 0o711);
    return ctx;
  }
  const pidIn = (result: AgentResult, file: string) =>
    Number(fs.readFileSync(path.join(result.outputDir, 'workspace', file), 'utf8'));
  async function gone(pid: number): Promise<boolean> {
    const until = Date.now() + 5000;
    while (alive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    return !alive(pid);
  }

  it('on timeout stops the whole group, a CLI and a child that ignore SIGTERM included', async () => {
    const result = await runAgent(
      spec('stubborn', 'ignore SIGTERM\n@trap\n@pid\n@orphan\n@hang', { timeoutMinutes: 0.05 }),
      as(),
    );
    expect(result).toMatchObject({ status: 'timeout', attempts: 1 });
    expect(await gone(pidIn(result, 'claude.pid'))).toBe(true);
    expect(await gone(pidIn(result, 'orphan.pid'))).toBe(true);
  });

  it('ends what an agent started when the agent ends by itself', async () => {
    const result = await runAgent(spec('leaver', 'leave a child, then finish\n@orphan\n@result finished'), as());
    expect(result).toMatchObject({ status: 'success', answer: 'finished' });
    expect(await gone(pidIn(result, 'orphan.pid'))).toBe(true);
  });

  it('stops an agent and its children when the run is cancelled', async () => {
    const controller = new AbortController();
    const ctx = as({ signal: controller.signal, retries: 2 });
    const running = runAgent(spec('cancelled', 'wait\n@orphan\n@hang'), ctx);
    const pidFile = path.join(agentPaths(ctx.runDir, 'cancelled').workspace, 'orphan.pid');
    const until = Date.now() + 10_000;
    while (!(fs.existsSync(pidFile) && fs.statSync(pidFile).size > 0) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
    }
    controller.abort();
    const result = await running;
    expect(result).toMatchObject({ status: 'cancelled', attempts: 1 });
    expect(await gone(Number(fs.readFileSync(pidFile, 'utf8')))).toBe(true);
  });

  it('hands each attempt a fresh folder of its own, and takes every one back when it ends', async () => {
    const result = await runAgent(
      spec('flaky', 'Overloaded once\n@fail 529 1\n@write note.md second try', { allowedTools: ['Write'] }),
      as({ claude: LOCAL_CLAUDE, retries: 1 }),
    );
    expect(result).toMatchObject({ status: 'success', attempts: 2 });
    const owner = process.getuid?.();
    for (const dir of ['workspace', 'config', 'home', 'attempt-1/workspace']) {
      expect(fs.statSync(path.join(result.outputDir, dir)).uid, dir).toBe(owner);
    }
    const note = path.join(result.outputDir, 'workspace', 'note.md');
    expect(fs.readFileSync(note, 'utf8')).toBe('second try\n');
    expect(fs.statSync(note).uid).toBe(owner);
  });
});
