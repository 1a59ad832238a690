import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentResult } from '../../src/types.js';
import { LOCAL_CLAUDE, startAction } from '../../stand-ins/run-action.js';
import { tempDir } from '../support/agents.js';
import { useStandIns } from '../support/fixture.js';

// node dist/index.js on a checkout that holds the job's token both ways actions/checkout leaves it: v4's
// `http.<server>/.extraheader` in `.git/config`, and v6's credentials file in $RUNNER_TEMP, included through
// `includeIf "gitdir:…"` for the checkout and its worktrees. An agent with Bash, in its worktree, looks for it in
// its environment, every process's environ and command line it can read, its worktree's git config, the
// checkout's `.git/config` and $RUNNER_TEMP. It finds nothing; after the step the checkout's git has the token
// again, as the steps after it expect.

const standIns = useStandIns({ model: true });

const TOKEN = 'ghs_jobTokenThatCheckoutKeeps0123456789';
const BASIC = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');
const HEADER = `AUTHORIZATION: basic ${BASIC}`;
const KEY = 'http.https://github.com/.extraheader';

// What the agent runs: it hunts for the header, the token's prefix and v6's file name wherever it can read.
const PROBE = `cd "$(git rev-parse --show-toplevel)"
echo "probe in $(pwd) as $(id -un)"
hunt() { grep -h -a -o -i -E 'authorization: basic [A-Za-z0-9+/=]+|x-access-token:[A-Za-z0-9_]+|git-credentials-[0-9a-f-]+[.]config' "$@" 2>/dev/null | sort -u | sed "s|^|found in $label: |"; }
label=environment; env | hunt
label=processes; cat /proc/[0-9]*/environ /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' '\\n' | hunt
label='worktree git config'; git config --list --show-origin 2>&1 | hunt
label='checkout git config'; git -C "$GITHUB_WORKSPACE" config --list 2>&1 | hunt
label='checkout .git/config'; hunt "$GITHUB_WORKSPACE/.git/config"
label='runner temp'; hunt -r "$RUNNER_TEMP"
echo "checkout config readable: $(head -1 "$GITHUB_WORKSPACE/.git/config")"
echo "probe done"
`;

/** A checkout as actions/checkout leaves it with persist-credentials (both forms), and the probe. */
function checkout(prefix: string): { dir: string; config: string; credentials: string } {
  const dir = tempDir(prefix);
  fs.chmodSync(dir, 0o755);
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@localhost', ...args], { stdio: 'pipe' });
  git('init', '-q');
  fs.writeFileSync(path.join(dir, 'probe.sh'), PROBE);
  git('add', '-A');
  git('commit', '-q', '-m', 'the checkout');
  git('config', '--local', KEY, HEADER);
  const temp = path.join(dir, 'runner-temp');
  fs.mkdirSync(temp);
  const credentials = path.join(temp, 'git-credentials-5a0e7c1e-2f4b-4d8e-9a6c-0d1b2c3e4f5a.config');
  fs.writeFileSync(credentials, `[http "https://github.com/"]\n\textraheader = ${HEADER}\n`);
  const gitDir = path.join(dir, '.git');
  git('config', '--local', `includeIf.gitdir:${gitDir}.path`, credentials);
  git('config', '--local', `includeIf.gitdir:${gitDir}/worktrees/*.path`, credentials);
  return { dir, config: path.join(gitDir, 'config'), credentials };
}

interface Probed {
  stdout: string;
  seen: string;
  dir: string;
  config: string;
  before: string;
  credentials: string;
}

async function probe(prefix: string, agentUser: string): Promise<Probed> {
  const { dir, config, credentials } = checkout(prefix);
  const before = fs.readFileSync(config, 'utf8');
  const run = await startAction({
    dir,
    inputs: {
      prompts: JSON.stringify([{ id: 'probe', prompt: `Look for a token\n@bash sh ${dir}/probe.sh` }]),
      'claude-path': LOCAL_CLAUDE,
      'anthropic-api-key': 'sk-ant-checkout-token-test-0123456789',
      'allowed-tools': 'Bash',
      'agent-user': agentUser,
      upload: 'none',
      'github-token': 'ghs_anotherTokenForTheActionItself0000',
    },
    env: { ...standIns.env(), ANTHROPIC_API_KEY: '', HOME: dir, RUNNER_ENVIRONMENT: 'github-hosted' },
  }).done;
  const [result] = JSON.parse(run.outputs.results ?? '[]') as AgentResult[];
  expect(result?.status, run.stdout).toBe('success');
  // The agent's own, unredacted events: what its Bash printed, as it printed it.
  const seen = fs.readFileSync(path.join(result!.outputDir, 'events.jsonl'), 'utf8');
  expect(seen).toContain('probe done');
  return { stdout: run.stdout, seen, dir, config, before, credentials };
}

/** Every extra header the checkout's git sends (includes followed), as a step after this one would. */
const headersOf = (dir: string) =>
  execFileSync('git', ['-C', dir, 'config', '--get-all', KEY], { encoding: 'utf8' }).trim().split('\n');

function theStepsAfter(get: () => Probed) {
  it("leaves the checkout's git config exactly as it was, with the token, for the steps after", () => {
    const { config, before, dir, credentials } = get();
    expect(fs.readFileSync(config, 'utf8')).toBe(before);
    expect(headersOf(dir)).toEqual([HEADER, HEADER]);
    expect(fs.readFileSync(credentials, 'utf8')).toContain(BASIC);
    expect(fs.readdirSync(path.join(dir, 'runner-temp'))).not.toContain('claude-agent-matrix-git-credentials');
  });
}

describe.runIf(process.getuid?.() === 0)('the checkout token, with agents as a user of their own', () => {
  let probed: Probed;
  beforeAll(async () => {
    probed = await probe('checkout-token-', 'auto');
  });

  it('is nowhere an agent with Bash looks: environment, processes, git configs, $RUNNER_TEMP', () => {
    const { seen } = probed;
    expect(seen).toContain('as claude-agent');
    expect(seen).toContain('checkout config readable: [core]');
    expect(seen).not.toContain('found in');
    expect(seen).not.toContain(TOKEN);
    expect(seen).not.toContain(BASIC);
    expect(seen).not.toContain('git-credentials-5a0e7c1e');
  });

  it('says in the log that the token is out of the config while agents run, and warns of nothing', () => {
    expect(probed.stdout).toMatch(/The job's git token is out of .*\.git\/config while agents run/);
    expect(probed.stdout).not.toContain('persist-credentials: false');
  });

  theStepsAfter(() => probed);
});

describe('the checkout token, with agents as the runner’s own user', () => {
  let probed: Probed;
  beforeAll(async () => {
    probed = await probe('checkout-token-none-', 'none');
  });

  it('is out of every git config the agent reads, and one warning names persist-credentials: false', () => {
    const { seen, stdout } = probed;
    expect(seen).toContain('checkout config readable: [core]');
    for (const where of ['worktree git config', 'checkout git config', 'checkout .git/config']) {
      expect(seen).not.toContain(`found in ${where}`);
    }
    const warnings = stdout.split('\n').filter((l) => l.startsWith('::warning::') && l.includes('persist-credentials'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("the agents run as the runner's own user");
  });

  theStepsAfter(() => probed);
});
