import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FAKE_CLAUDE, LOCAL_CLAUDE, startAction } from '../../stand-ins/run-action.js';
import { RUNNER_SECRETS } from '../../src/util/runner.js';
import type { AgentResult } from '../../src/types.js';
import { readZip } from '../../stand-ins/artifact-service.js';
import { tempDir } from '../support/agents.js';
import { useStandIns } from '../support/fixture.js';

// What an agent can see of the runner's credentials, end to end through node dist/index.js: the runner's
// tokens must not reach it at all, and the API key it needs must not come back out in anything the action writes.
const API_KEY = 'sk-ant-environment-test-key-0123456789';
const GITHUB_TOKEN = 'ghs_environmentTestToken0123456789';
const OIDC_TOKEN = 'oidc-secret-environment-test-0123456789';

const standIns = useStandIns({ model: true, artifactService: true });

function runAction(claude: string, prompt: string, inputs: Record<string, string> = {}) {
  return startAction({
    dir: tempDir('environment-'),
    inputs: {
      prompts: JSON.stringify([{ id: 'probe', prompt }]),
      'claude-path': claude,
      'anthropic-api-key': API_KEY,
      'github-token': GITHUB_TOKEN,
      upload: 'per-agent',
      'artifact-prefix': `env-${path.basename(claude)}`,
      ...inputs,
    },
    env: {
      ...standIns.env(),
      ANTHROPIC_API_KEY: '',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: OIDC_TOKEN,
      ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/oidc/token',
      ACTIONS_CACHE_URL: 'http://127.0.0.1:9/cache/',
      ACTIONS_RUNTIME_URL: 'http://127.0.0.1:9/runtime/',
    },
  }).done;
}

/** Every file under `dir`, with its text. */
function filesUnder(dir: string): [string, string][] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const file = path.join(e.parentPath, e.name);
      return [path.relative(dir, file), fs.readFileSync(file, 'latin1')];
    });
}

describe("an agent's Bash looking for the runner's credentials", () => {
  const runtimeToken = () => standIns.artifactService.env().ACTIONS_RUNTIME_TOKEN as string;
  let run: Awaited<ReturnType<typeof runAction>>;
  let result: AgentResult;
  let artifact: Map<string, Buffer>;

  beforeAll(async () => {
    run = await runAction(
      LOCAL_CLAUDE,
      'Print the credentials\n@bash echo "rt=$ACTIONS_RUNTIME_TOKEN oidc=$ACTIONS_ID_TOKEN_REQUEST_TOKEN key=$ANTHROPIC_API_KEY"\n@answer probed',
      // With the API proxy off the agent holds the key itself: whatever it prints of it must come out masked.
      { 'allowed-tools': 'Bash', 'api-proxy': 'off' },
    );
    const results = JSON.parse(run.outputs.results ?? '[]') as AgentResult[];
    expect(results).toHaveLength(1);
    result = results[0] as AgentResult;
    artifact = readZip(await standIns.artifactService.download(`env-${path.basename(LOCAL_CLAUDE)}-probe`));
  });

  it('ran the command: the runner tokens were empty, the API key was there and comes out masked', () => {
    expect(run.code).toBe(0);
    expect(result).toMatchObject({ id: 'probe', status: 'success', turns: 2 });
    expect(result.answer).toContain('rt= oidc= key=***');
    expect(run.summary).toMatch(/\| \[`probe`\]\(http:\/\/github\.localhost\/.*\| ✅ success \|/);
  });

  it('has the runner tokens nowhere: outputs, summary, log, artifact, nor the agent folder on disk', () => {
    const places: [string, string][] = [
      ['results', run.outputs.results ?? ''],
      ['summary', run.summary],
      // The masks the action asks the runner for name the API and GitHub tokens, as they must.
      ['log', run.stdout.replace(/^::add-mask::.*$/gm, '')],
      ...[...artifact].map(([name, data]): [string, string] => [`artifact ${name}`, data.toString('latin1')]),
      ...filesUnder(result.outputDir).map(([name, text]): [string, string] => [`folder ${name}`, text]),
    ];
    expect(artifact.has('events.jsonl')).toBe(true);
    expect(places.length).toBeGreaterThan(5);
    for (const [where, text] of places) {
      expect(text.includes(runtimeToken()), `runtime token in ${where}`).toBe(false);
      expect(text.includes(OIDC_TOKEN), `OIDC token in ${where}`).toBe(false);
      expect(text.includes(GITHUB_TOKEN), `GitHub token in ${where}`).toBe(false);
    }
  });

  it('has the API key nowhere the action writes to, only in its own mask command', () => {
    // The agent's own folder on disk holds the raw tool output; everything that leaves the runner is masked.
    expect(fs.readFileSync(path.join(result.outputDir, 'events.jsonl'), 'utf8')).toContain(API_KEY);
    const events = artifact.get('events.jsonl')?.toString() ?? '';
    expect(events).toContain('key=***');
    for (const [name, data] of artifact) expect(data.includes(API_KEY), `artifact ${name}`).toBe(false);
    expect(run.outputs.results).not.toContain(API_KEY);
    expect(run.summary).not.toContain(API_KEY);
    expect(run.stdout).toContain(`::add-mask::${API_KEY}`);
    expect(run.stdout.replaceAll(`::add-mask::${API_KEY}`, '')).not.toContain(API_KEY);
  });
});

describe("the stand-in CLI's view of its environment", () => {
  let run: Awaited<ReturnType<typeof runAction>>;
  let result: AgentResult;
  let seen: { key: string | null; configDir: string | null; argv: string[]; env: Record<string, string> };

  beforeAll(async () => {
    run = await runAction(FAKE_CLAUDE, 'Show the environment\n@env', {
      model: 'claude-test-model',
      'allowed-tools': 'Read',
    });
    const results = JSON.parse(run.outputs.results ?? '[]') as AgentResult[];
    expect(results).toHaveLength(1);
    result = results[0] as AgentResult;
    // The agent's own folder keeps the answer as given; the outputs mask it.
    seen = JSON.parse(fs.readFileSync(path.join(result.outputDir, 'result.md'), 'utf8'));
  });

  it("gets a token of its own as ANTHROPIC_API_KEY, never the key: that stays with the action's API proxy", () => {
    expect(result.status).toBe('success');
    expect(seen.key).toMatch(/^cam-[0-9a-f]{64}$/);
    expect(seen.env.ANTHROPIC_API_KEY).toBe(seen.key);
    expect(Object.values(seen.env).join('\n')).not.toContain(API_KEY);
    expect(run.outputs.results).not.toContain(API_KEY);
    expect(run.summary).not.toContain(API_KEY);
  });

  it('never gets the API key, nor the prompt, on its command line', () => {
    expect(seen.argv).toEqual(expect.arrayContaining(['-p', '--output-format', 'stream-json', '--model']));
    expect(seen.argv.join(' ')).not.toContain(API_KEY);
    expect(seen.argv.join(' ')).not.toContain('Show the environment');
  });

  it("gets none of the runner's credentials, the action's inputs or the GitHub token", () => {
    const names = Object.keys(seen.env);
    expect(names.filter((n) => n.startsWith('INPUT_'))).toEqual([]);
    expect(names.filter((n) => RUNNER_SECRETS.includes(n))).toEqual([]);
    for (const name of ['ACTIONS_RUNTIME_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'ACTIONS_CACHE_URL']) {
      expect(names).not.toContain(name);
    }
    const values = Object.values(seen.env).join('\n');
    expect(values).not.toContain(GITHUB_TOKEN);
    expect(values).not.toContain(OIDC_TOKEN);
    expect(values).not.toContain(standIns.artifactService.env().ACTIONS_RUNTIME_TOKEN);
  });

  it('gets its own config folder, and the job environment otherwise', () => {
    expect(seen.configDir).toBe(path.join(result.outputDir, 'config'));
    expect(fs.statSync(seen.configDir ?? '').isDirectory()).toBe(true);
    expect(seen.env.DISABLE_AUTOUPDATER).toBe('1');
    // The job's ANTHROPIC_BASE_URL is where the proxy forwards; the agent's is the proxy.
    expect(seen.env.ANTHROPIC_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(seen.env.ANTHROPIC_BASE_URL).not.toBe(standIns.model.url);
    expect(run.stdout).toContain(
      `api-proxy: agents reach ${standIns.model.url} through the action at ${seen.env.ANTHROPIC_BASE_URL}`,
    );
    expect(seen.env.PATH).toBe(process.env.PATH);
  });
});
