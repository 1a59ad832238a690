import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runAgent } from '../../src/agent/run.js';
import type { Pushback } from '../../src/agent/events.js';
import { startApiProxy, type AgentPass } from '../../src/isolation/api-proxy.js';
import type { AgentResult } from '../../src/types.js';
import { FAKE_CLAUDE, LOCAL_CLAUDE, startAction } from '../../stand-ins/run-action.js';
import { context, spec, tempDir } from '../support/agents.js';
import { useStandIns } from '../support/fixture.js';
import { ensurePackage } from '../support/packages.js';
import { sudoRunner } from '../support/sudo-runner.js';

// node dist/index.js as a runner runs it, with the API proxy on (the default): an agent with Bash goes looking
// for every credential it could want (the API key, the OAuth token, ACTIONS_RUNTIME_TOKEN) in its environment,
// every /proc/*/environ and /proc/*/cmdline it can read, its own files and $RUNNER_TEMP, and finds none, while
// the stand-in model gets the real key or token on every request.

const standIns = useStandIns({ model: true, artifactService: true });

// Each secret has a marker the probe searches for without holding it: `[C]` matches C, but is not "CAMTEST".
const API_KEY = 'sk-ant-api03-CAMTEST-4f1e2d3c4b5a69788796a5b4c3d2e1f0';
const OAUTH_TOKEN = 'sk-ant-oat01-CAMTEST-0a1b2c3d4e5f60718293a4b5c6d7e8f9';
// ACTIONS_RUNTIME_TOKEN is a JWT: its header, base64url, starts so.
const PATTERN = 'CAMTES[T]-|eyJ0eXAiOiJ[K]V1Qi';

const PROBE = `pat='${PATTERN}'
echo "user=$(id -un) base=$ANTHROPIC_BASE_URL"
env | grep -E "$pat" | head -c 2000
e=0; c=0; f=0
for d in /proc/[0-9]*; do
  if x=$(tr '\\0' '\\n' 2>/dev/null < "$d/environ"); then
    e=$((e+1)); printf '%s\\n' "$x" | grep -E "$pat" | head -c 2000
    # What the CLI holds in place of a credential: the first characters of each (its Bash gets no OAuth token).
    printf '%s\\n' "$x" | grep -E '^(ANTHROPIC_API_KEY|CLAUDE_CODE_OAUTH_TOKEN)=' | cut -c1-28 | sed 's/^/holds /'
  fi
  if x=$(tr '\\0' ' ' 2>/dev/null < "$d/cmdline"); then c=$((c+1)); printf '%s\\n' "$x" | grep -E "$pat" | head -c 2000; fi
done
for dir in "$HOME" "$CLAUDE_CONFIG_DIR" "$PWD" "$TMPDIR" "$RUNNER_TEMP" "$(dirname "$0")"; do
  f=$((f + $(find "$dir" -type f 2>/dev/null | wc -l)))
  grep -rIEo "($pat).{0,60}" "$dir" 2>/dev/null | head -c 2000
done
if ls "$RUNNER_TEMP" > /dev/null 2>&1; then echo "listed RUNNER_TEMP"; else echo "denied RUNNER_TEMP"; fi
echo "searched environ=$e cmdline=$c files=$f"
echo "probe done"
`;

interface Hunt {
  run: Awaited<ReturnType<typeof startAction>['done']>;
  result: AgentResult;
  /** What the agent's Bash printed, raw: the agent's own events.jsonl, never redacted. */
  seen: string;
  /** The credential of every request the stand-in model got during the run. */
  credentials: string[];
}

async function hunt(prefix: string, credential: Record<string, string>, as?: { uid: number; gid: number }) {
  const dir = tempDir(prefix);
  fs.chmodSync(dir, 0o755);
  fs.writeFileSync(path.join(dir, 'probe.sh'), PROBE);
  if (as) fs.chownSync(path.join(dir, 'probe.sh'), as.uid, as.gid);
  const before = standIns.model.stats.credentials.length;
  const run = await startAction({
    dir,
    as,
    inputs: {
      prompts: JSON.stringify([{ id: 'hunt', prompt: `Look for credentials\n@bash sh ${dir}/probe.sh` }]),
      'claude-path': LOCAL_CLAUDE,
      'allowed-tools': 'Bash',
      'artifact-prefix': prefix,
      ...credential,
    },
    env: { ...standIns.env(), ANTHROPIC_API_KEY: '', HOME: dir, RUNNER_ENVIRONMENT: 'github-hosted' },
  }).done;
  const [result] = JSON.parse(run.outputs.results ?? '[]') as AgentResult[];
  expect(result?.status, run.stdout).toBe('success');
  const seen = fs.readFileSync(path.join(result!.outputDir, 'events.jsonl'), 'utf8');
  return { run, result: result!, seen, credentials: standIns.model.stats.credentials.slice(before) };
}

/** The checks of a hunt that must find nothing, for the credential `real` the action holds. */
function findsNothing(get: () => Hunt, real: string, holds: 'ANTHROPIC_API_KEY' | 'CLAUDE_CODE_OAUTH_TOKEN') {
  it('ran the whole probe as the agent user, through the proxy, holding a token of its own', () => {
    const { seen, run } = get();
    expect(seen).toContain('probe done');
    expect(seen).toContain('user=claude-agent');
    expect(seen).toContain(`holds ${holds}=cam-`);
    expect(seen).toMatch(/base=http:\/\/127\.0\.0\.1:\d+/);
    expect(run.stdout).toMatch(/api-proxy: agents reach http:\/\/127\.0\.0\.1:\d+ through the action at/);
    // It looked: processes of its own, every command line, its files.
    const [, environs, cmdlines, files] = /searched environ=(\d+) cmdline=(\d+) files=(\d+)/.exec(seen) ?? [];
    expect(Number(environs)).toBeGreaterThanOrEqual(2);
    expect(Number(cmdlines)).toBeGreaterThan(Number(environs));
    expect(Number(files)).toBeGreaterThan(0);
    expect(seen).toContain('denied RUNNER_TEMP');
  });

  it('found neither the API key, nor the OAuth token, nor ACTIONS_RUNTIME_TOKEN', () => {
    const { seen } = get();
    expect(seen).not.toContain('CAMTEST');
    expect(seen).not.toContain('eyJ0eXAiOiJKV1Qi');
    expect(seen).not.toContain(real);
    expect(seen).not.toContain(standIns.artifactService.env().ACTIONS_RUNTIME_TOKEN);
  });

  it('while the stand-in model got the real credential on every request, and never a token', () => {
    const { credentials } = get();
    expect(credentials.length).toBeGreaterThanOrEqual(2);
    const expected = holds === 'ANTHROPIC_API_KEY' ? real : `Bearer ${real}`;
    expect(credentials.filter((c) => c !== expected)).toEqual([]);
  });

  it('left the proxy stopped with the step: its address answers nothing', async () => {
    const base = /base=(http:\/\/127\.0\.0\.1:\d+)/.exec(get().seen)?.[1] ?? '';
    const refused = await new Promise<string>((resolve) => {
      http
        .get(base, (res) => resolve(`answered ${res.statusCode}`))
        .once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    });
    expect(refused).toBe('ECONNREFUSED');
  });
}

describe('an agent hunting for the API key, as root runs it (agent-user auto)', () => {
  let found: Hunt;
  beforeAll(async () => {
    found = await hunt('hunt-key', { 'anthropic-api-key': API_KEY });
  });
  findsNothing(() => found, API_KEY, 'ANTHROPIC_API_KEY');
});

describe('an agent hunting for the OAuth token (agent-user auto)', () => {
  let found: Hunt;
  beforeAll(async () => {
    found = await hunt('hunt-oauth', { 'claude-code-oauth-token': OAUTH_TOKEN });
  });
  findsNothing(() => found, OAUTH_TOKEN, 'CLAUDE_CODE_OAUTH_TOKEN');
});

describe('an agent hunting for the API key, the action acting through sudo as on a GitHub-hosted runner', () => {
  let found: Hunt;
  beforeAll(async () => {
    found = await hunt('hunt-sudo', { 'anthropic-api-key': API_KEY }, sudoRunner());
  });
  findsNothing(() => found, API_KEY, 'ANTHROPIC_API_KEY');
});

describe('a token after its agent ended', () => {
  beforeAll(() =>
    ensurePackage('curl', ['curl', '--version'], "this test calls the proxy with curl, from an agent's Bash"),
  );
  it('gets 401 from the proxy, while a running agent’s own token gets through', async () => {
    const dir = tempDir('hunt-old-token-');
    // `first` shows its token in its answer; `second` needs it, so runs after first has ended, and tries it.
    const curl = (name: string, token: string) =>
      `curl -s -o /dev/null -w '${name}=%{http_code} ' -X POST -H "x-api-key: ${token}" -H 'content-type: application/json' -d '{}' "$ANTHROPIC_BASE_URL/v1/messages"`;
    const old = `$(grep -o 'cam-[0-9a-f]*' .agent-inputs/first/answer.md | head -1)`;
    const run = await startAction({
      dir,
      inputs: {
        prompts: JSON.stringify([
          { id: 'first', prompt: 'Show the token\n@bash echo "token $ANTHROPIC_API_KEY"' },
          {
            id: 'second',
            needs: ['first'],
            prompt: `Try it\n@bash ${curl('old', old)}; ${curl('own', '$ANTHROPIC_API_KEY')}`,
          },
        ]),
        'claude-path': LOCAL_CLAUDE,
        'allowed-tools': 'Bash',
        'anthropic-api-key': API_KEY,
        upload: 'none',
      },
      env: { ...standIns.env(), ANTHROPIC_API_KEY: '', HOME: dir },
    }).done;
    const results = JSON.parse(run.outputs.results ?? '[]') as AgentResult[];
    expect(results.map((r) => r.status)).toEqual(['success', 'success']);
    expect(results[0]?.answer).toMatch(/token cam-[0-9a-f]{64}/);
    expect(results[1]?.answer).toContain('old=401 own=200');
  });
});

describe('api-proxy off, and Bedrock or Vertex AI in the job environment', () => {
  /** What the stand-in CLI saw of its environment (its `@env` answer, from its own folder). */
  async function envSeen(inputs: Record<string, string>, env: Record<string, string>) {
    const dir = tempDir('proxy-env-');
    const run = await startAction({
      dir,
      inputs: {
        prompts: JSON.stringify([{ id: 'env', prompt: 'Show the environment\n@env' }]),
        'claude-path': FAKE_CLAUDE,
        'anthropic-api-key': API_KEY,
        upload: 'none',
        'agent-user': 'none',
        ...inputs,
      },
      env: { ...standIns.env(), ANTHROPIC_API_KEY: '', HOME: dir, ...env },
    }).done;
    const [result] = JSON.parse(run.outputs.results ?? '[]') as AgentResult[];
    expect(result?.status, run.stdout).toBe('success');
    const seen = JSON.parse(fs.readFileSync(path.join(result!.outputDir, 'result.md'), 'utf8')) as {
      env: Record<string, string>;
    };
    return { run, env: seen.env };
  }

  it('with api-proxy off, hands the agent the key and the job’s base URL, as before', async () => {
    const { env, run } = await envSeen({ 'api-proxy': 'off' }, {});
    expect(env.ANTHROPIC_API_KEY).toBe(API_KEY);
    expect(env.ANTHROPIC_BASE_URL).toBe(standIns.model.url);
    expect(run.stdout).toContain('api-proxy is off: agents hold the API key or OAuth token');
  });

  it.each([
    ['CLAUDE_CODE_USE_BEDROCK', { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'AKIACAMTESTBEDROCK' }],
    ['CLAUDE_CODE_USE_VERTEX', { CLOUD_ML_REGION: 'us-east5', ANTHROPIC_VERTEX_PROJECT_ID: 'cam-test-project' }],
  ])('with %s, leaves the proxy off and hands the provider’s variables to the CLI', async (name, vars) => {
    const { env, run } = await envSeen({}, { [name]: '1', ...vars });
    expect(env).toMatchObject({ [name]: '1', ...vars });
    expect(run.stdout).toContain(`api-proxy: ${name} is set`);
    expect(run.stdout).not.toContain('through the action at');
  });
});

describe('the proxy when the run is cancelled', () => {
  it('is stopped with the step while an agent’s streamed request hangs in it', async () => {
    const dir = tempDir('proxy-cancel-');
    let proxyUrl = '';
    const inFlight = standIns.model.stats.inFlight;
    const action = startAction({
      dir,
      inputs: {
        prompts: JSON.stringify([{ id: 'hang', prompt: 'Wait for ever\n@hang' }]),
        'claude-path': LOCAL_CLAUDE,
        'anthropic-api-key': API_KEY,
        upload: 'none',
      },
      env: { ...standIns.env(), ANTHROPIC_API_KEY: '', HOME: dir },
      onLine(line) {
        proxyUrl ||= /through the action at (http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1] ?? '';
      },
    });
    // The agent's request is in the proxy, waiting on the model: then the runner cancels.
    while (standIns.model.stats.inFlight === inFlight) await new Promise((r) => setTimeout(r, 50));
    action.child.kill('SIGINT');
    const run = await action.done;
    expect(run.code).not.toBe(0);
    expect(proxyUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const refused = await new Promise<string>((resolve) => {
      http
        .get(proxyUrl, (res) => resolve(`answered ${res.statusCode}`))
        .once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    });
    expect(refused).toBe('ECONNREFUSED');
    // The proxy gave up the upstream request with the step: the model has nothing in flight for it.
    while (standIns.model.stats.inFlight !== inFlight) await new Promise((r) => setTimeout(r, 50));
  });
});

describe('runAgent through the proxy', () => {
  it('gives each attempt a token of its own, ends it with the attempt, and hears each 429 as it passes', async () => {
    const proxy = await startApiProxy(standIns.model.url, { apiKey: API_KEY });
    const passes: AgentPass[] = [];
    const pushback: Pushback[] = [];
    const before = standIns.model.stats.credentials.length;
    try {
      const ctx = context(standIns.model.url, {
        credentials: { anthropicApiKey: API_KEY, oauthToken: '', githubToken: '' },
        retries: 1,
        apiProxy: { grant: (onAnswer) => passes[passes.push(proxy.grant(onAnswer)) - 1]! },
        onPushback: (p) => pushback.push(p),
      });
      const result = await runAgent(spec('flaky', 'Rate limited once\n@fail 429 1\n@answer second time'), ctx);
      expect(result).toMatchObject({ status: 'success', attempts: 2, answer: 'second time' });
      expect(passes).toHaveLength(2);
      expect(passes[0]?.token).not.toBe(passes[1]?.token);
      expect(passes[0]?.counts.rateLimited).toBe(1);
      expect(pushback).toEqual([{ status: 429, final: false }]);
      expect(standIns.model.stats.credentials.slice(before).every((c) => c === API_KEY)).toBe(true);
      for (const pass of passes) {
        const status = await new Promise<number | undefined>((resolve, reject) => {
          const req = http.request(`${pass.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': pass.token } });
          req.once('response', (res) => {
            res.resume();
            resolve(res.statusCode);
          });
          req.once('error', reject);
          req.end('{}');
        });
        expect(status).toBe(401);
      }
    } finally {
      await proxy.close();
    }
  });
});
