import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../../src/util/errors.js';
import { INPUT_DEFAULTS, PERMISSION_MODES } from '../../../src/config/action-interface.js';
import { getInputs } from '../../../src/config/inputs.js';
import { inputEnv } from '../../../stand-ins/run-action.js';

/** Sets every input the way a runner does: action.yml's defaults under the given values. */
function setInputs(inputs: Record<string, string>): void {
  Object.assign(process.env, inputEnv(inputs));
}

let savedEnv: NodeJS.ProcessEnv;
let stdout: string[];
let workspace: string;

beforeAll(() => {
  workspace = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'inputs-test-')));
  fs.mkdirSync(path.join(workspace, 'ci'));
  fs.writeFileSync(path.join(workspace, 'ci', 'matrix.yml'), '- from a file\n- {id: two, prompt: second}\n');
});

afterAll(() => {
  fs.rmSync(workspace, { recursive: true, force: true });
});

beforeEach(() => {
  savedEnv = { ...process.env };
  for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key];
  process.env.GITHUB_WORKSPACE = workspace;
  // As in the tests' jobs, the environment holds a key (for the stand-in model); the credential tests take it away.
  process.env.ANTHROPIC_API_KEY = 'sk-ant-job-environment';
  stdout = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

/** getInputs must throw an InputError whose message names the input. */
function refuse(input: string): InputError {
  let caught: unknown;
  try {
    getInputs();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(InputError);
  const error = caught as InputError;
  expect(error.message).toContain(`'${input}'`);
  return error;
}

describe('getInputs', () => {
  it('reads the defaults from action.yml', () => {
    setInputs({ prompts: '- one\n- two' });
    const inputs = getInputs();
    const defaults = { allowedTools: [], disallowedTools: [], claudeArgs: [], timeoutMinutes: 30 };
    const specs = [
      { ...defaults, index: 0, id: 'agent-1', prompt: 'one' },
      { ...defaults, index: 1, id: 'agent-2', prompt: 'two' },
    ];
    expect(inputs).toEqual({
      matrix: specs,
      specs,
      workspace,
      maxParallel: undefined,
      retries: 2,
      credentials: { anthropicApiKey: '', oauthToken: '', githubToken: '' },
      claudePath: '',
      claudeVersion: INPUT_DEFAULTS['claude-version'],
      failOn: 'any',
      summary: true,
      upload: 'per-agent',
      artifactPrefix: 'agent',
      retentionDays: undefined,
      artifactsDir: path.join(workspace, 'agent-artifacts'),
      defaults,
      maxAgents: 100,
      comment: 'auto',
      commentOn: undefined,
      issueTitle: '',
      issueLabels: [],
      allowedActors: [],
      adaptiveConcurrency: true,
      budgetUsd: undefined,
      agentUser: 'auto',
      workingDirectory: workspace,
      ref: '',
      rerun: 'failed',
      apiProxy: 'auto',
      repositoryConfig: 'auto',
      workspaceEngine: 'auto',
    });
  });

  it('takes api-proxy auto or off, and names the input and its values when it is neither', () => {
    setInputs({ prompts: '["a"]', 'api-proxy': 'off' });
    expect(getInputs().apiProxy).toBe('off');
    setInputs({ prompts: '["a"]', 'api-proxy': 'on' });
    expect(refuse('api-proxy').message).toContain(`Input 'api-proxy' must be one of auto, off; got "on"`);
  });

  it('reads every input it is given', () => {
    setInputs({
      prompts: '["a"]',
      'max-parallel': '4',
      model: 'claude-sonnet',
      'allowed-tools': 'Read, Grep Bash(git log:*)',
      'disallowed-tools': 'WebFetch,WebSearch',
      'permission-mode': 'acceptEdits',
      'max-turns': '12',
      'append-system-prompt': 'Answer in English.',
      'claude-args': '--debug "api hooks" --setting-sources=user',
      'timeout-minutes': '2.5',
      retries: '0',
      'claude-path': '/opt/claude',
      'fail-on': 'never',
      summary: 'false',
      upload: 'combined',
      'artifact-prefix': 'review',
      'retention-days': '90',
      'artifacts-dir': 'out/zips',
      'agent-user': 'ci-agents',
      'allowed-hosts': 'github api.example.com',
    });
    const inputs = getInputs();
    expect(inputs.maxParallel).toBe(4);
    expect(inputs.specs[0]).toEqual({
      index: 0,
      id: 'agent-1',
      prompt: 'a',
      model: 'claude-sonnet',
      allowedTools: ['Read', 'Grep', 'Bash(git log:*)'],
      disallowedTools: ['WebFetch', 'WebSearch'],
      permissionMode: 'acceptEdits',
      maxTurns: 12,
      appendSystemPrompt: 'Answer in English.',
      claudeArgs: ['--debug', 'api hooks', '--setting-sources=user'],
      timeoutMinutes: 2.5,
      allowedHosts: ['github.com', '*.github.com', '*.githubusercontent.com', 'api.example.com'],
    });
    expect(inputs.retries).toBe(0);
    expect(inputs.claudePath).toBe('/opt/claude');
    expect(inputs.failOn).toBe('never');
    expect(inputs.summary).toBe(false);
    expect(inputs.upload).toBe('combined');
    expect(inputs.artifactPrefix).toBe('review');
    expect(inputs.retentionDays).toBe(90);
    expect(inputs.artifactsDir).toBe(path.join(workspace, 'out', 'zips'));
    expect(inputs.agentUser).toBe('ci-agents');
  });

  it('reads the publishing inputs', () => {
    setInputs({
      prompts: '["a"]',
      comment: 'new',
      'comment-on': '12',
      'issue-title': 'Nightly report 2025-01-01',
      'issue-labels': 'report, needs triage\nnightly',
      'allowed-actors': 'octocat, dependabot[bot]\nrenovate[bot]',
    });
    const inputs = getInputs();
    expect(inputs.comment).toBe('new');
    expect(inputs.commentOn).toBe(12);
    expect(inputs.issueTitle).toBe('Nightly report 2025-01-01');
    expect(inputs.issueLabels).toEqual(['report', 'needs triage', 'nightly']);
    expect(inputs.allowedActors).toEqual(['octocat', 'dependabot[bot]', 'renovate[bot]']);
  });

  it('refuses bad publishing inputs, naming each', () => {
    setInputs({
      prompts: '["a"]',
      comment: 'sticky',
      'comment-on': '#12',
      'issue-title': 'x'.repeat(257),
      'allowed-actors': 'octocat, @someone, bad--login',
    });
    const message = refuse('comment').message;
    expect(message).toContain(`Input 'comment' must be one of auto, new, off; got "sticky"`);
    expect(message).toContain(`Input 'comment-on' must be a positive whole number, got "#12"`);
    expect(message).toContain(`Input 'issue-title' is 257 characters long; GitHub allows at most 256`);
    expect(message).toContain(
      `Input 'allowed-actors' must list GitHub logins (such as octocat or dependabot[bot]); not logins: "@someone", "bad--login"`,
    );
  });

  it('reads rerun and idle-timeout-minutes, for every agent and per item', () => {
    setInputs({
      prompts: '[{"id": "a", "prompt": "x"}, {"id": "b", "prompt": "y", "idle-timeout-minutes": 0.5}]',
      rerun: 'all',
      'idle-timeout-minutes': '10',
    });
    const inputs = getInputs();
    expect(inputs.rerun).toBe('all');
    expect(inputs.specs.map((s) => s.idleTimeoutMinutes)).toEqual([10, 0.5]);
  });

  it('refuses a bad rerun and idle-timeout-minutes, naming each', () => {
    setInputs({ prompts: '["a"]', rerun: 'some', 'idle-timeout-minutes': '0' });
    const message = refuse('rerun').message;
    expect(message).toContain(`Input 'rerun' must be one of failed, all; got "some"`);
    expect(message).toContain(`Input 'idle-timeout-minutes' must be a positive number of minutes`);
  });

  it('accepts the edges of the ranges', () => {
    setInputs({ prompts: '["a"]', retries: '10', 'retention-days': '1', 'max-parallel': '1', 'fail-on': 'all' });
    const inputs = getInputs();
    expect(inputs.retries).toBe(10);
    expect(inputs.retentionDays).toBe(1);
    expect(inputs.maxParallel).toBe(1);
    expect(inputs.failOn).toBe('all');
  });

  it.each(PERMISSION_MODES)('accepts permission-mode %s', (mode: string) => {
    setInputs({ prompts: '["a"]', 'permission-mode': mode });
    expect(getInputs().specs[0]?.permissionMode).toBe(mode);
  });

  it('reads the matrix from prompts-file, relative to the workspace', () => {
    setInputs({ 'prompts-file': 'ci/matrix.yml' });
    const { specs } = getInputs();
    expect(specs.map((s) => [s.id, s.prompt])).toEqual([
      ['agent-1', 'from a file'],
      ['two', 'second'],
    ]);
  });

  it('uses the current folder when GITHUB_WORKSPACE is not set', () => {
    delete process.env.GITHUB_WORKSPACE;
    setInputs({ prompts: '["a"]' });
    const inputs = getInputs();
    expect(inputs.workspace).toBe(process.cwd());
    expect(inputs.artifactsDir).toBe(path.join(process.cwd(), 'agent-artifacts'));
  });

  it('returns the credentials and masks each one', () => {
    setInputs({
      prompts: '["a"]',
      'anthropic-api-key': 'sk-ant-test-key-123',
      'claude-code-oauth-token': 'oauth-token-456',
      'github-token': 'ghs_github_token_789',
    });
    const { credentials } = getInputs();
    expect(credentials).toEqual({
      anthropicApiKey: 'sk-ant-test-key-123',
      oauthToken: 'oauth-token-456',
      githubToken: 'ghs_github_token_789',
    });
    const lines = stdout.join('').split(os.EOL);
    expect(lines).toContain('::add-mask::sk-ant-test-key-123');
    expect(lines).toContain('::add-mask::oauth-token-456');
    expect(lines).toContain('::add-mask::ghs_github_token_789');
  });

  it('masks the credentials before it refuses other inputs', () => {
    setInputs({ 'anthropic-api-key': 'sk-ant-early-mask', 'max-parallel': '0' });
    expect(() => getInputs()).toThrow(InputError);
    expect(stdout.join('')).toContain('::add-mask::sk-ant-early-mask');
  });

  it('does not mask empty credentials', () => {
    setInputs({ prompts: '["a"]', 'anthropic-api-key': 'sk-ant-only' });
    getInputs();
    const masks = stdout
      .join('')
      .split(os.EOL)
      .filter((l) => l.startsWith('::add-mask::'));
    expect(masks).toEqual(['::add-mask::sk-ant-only']);
  });

  it.each(['0', '-1', 'abc', '1.5'])('refuses max-parallel %j', (value) => {
    setInputs({ prompts: '["a"]', 'max-parallel': value });
    expect(refuse('max-parallel').message).toMatch(/positive whole number/);
  });

  it.each(['0', '-1', 'abc', '-0.5'])('refuses timeout-minutes %j', (value) => {
    setInputs({ prompts: '["a"]', 'timeout-minutes': value });
    expect(refuse('timeout-minutes').message).toMatch(/positive number of minutes/);
  });

  it('treats an empty timeout-minutes as 30', () => {
    setInputs({ prompts: '["a"]', 'timeout-minutes': '' });
    expect(getInputs().specs[0]?.timeoutMinutes).toBe(30);
  });

  it.each(['-1', '11', '1.5', 'abc'])('refuses retries %j', (value) => {
    setInputs({ prompts: '["a"]', retries: value });
    const error = refuse('retries');
    expect(error.message).toMatch(/whole number from 0 to 10/);
    expect(error.message).toContain(JSON.stringify(value));
  });

  it.each(['0', '91', 'x', '1.5', '-5'])('refuses retention-days %j', (value) => {
    setInputs({ prompts: '["a"]', 'retention-days': value });
    const error = refuse('retention-days');
    expect(error.message).toMatch(/from 1 to 90/);
    expect(error.message).toContain(JSON.stringify(value));
  });

  it.each(['0', '1.5', 'lots'])('refuses max-turns %j', (value) => {
    setInputs({ prompts: '["a"]', 'max-turns': value });
    expect(refuse('max-turns').message).toMatch(/positive whole number/);
  });

  it.each(['sometimes', 'ANY', 'none'])('refuses fail-on %j', (value) => {
    setInputs({ prompts: '["a"]', 'fail-on': value });
    const error = refuse('fail-on');
    expect(error.message).toContain('any, all, never');
    expect(error.message).toContain(JSON.stringify(value));
  });

  it.each(['zip', 'per_agent', 'always'])('refuses upload %j', (value) => {
    setInputs({ prompts: '["a"]', upload: value });
    const error = refuse('upload');
    expect(error.message).toContain('per-agent, combined, none');
    expect(error.message).toContain(JSON.stringify(value));
  });

  it.each(['yolo', 'AcceptEdits', 'bypass'])('refuses permission-mode %j', (value) => {
    setInputs({ prompts: '["a"]', 'permission-mode': value });
    const error = refuse('permission-mode');
    for (const mode of PERMISSION_MODES) expect(error.message).toContain(mode);
    expect(error.message).toContain(value);
  });

  it('reads the rate-limit and budget inputs, the agent ones into every agent', () => {
    setInputs({
      prompts: '["a"]',
      model: 'claude-opus',
      'adaptive-concurrency': 'false',
      'fallback-model': 'claude-sonnet',
      'max-budget-usd': '0.50',
      'budget-usd': '$5',
    });
    const inputs = getInputs();
    expect(inputs).toMatchObject({ adaptiveConcurrency: false, budgetUsd: 5 });
    expect(inputs.specs[0]).toMatchObject({ model: 'claude-opus', fallbackModel: 'claude-sonnet', maxBudgetUsd: 0.5 });
  });

  it.each([
    ['budget-usd', '-1'],
    ['budget-usd', '0'],
    ['max-budget-usd', 'lots'],
    ['max-budget-usd', '-0.5'],
  ])('refuses %s %j, naming the input and the value', (input, value) => {
    setInputs({ prompts: '["a"]', [input]: value });
    const error = refuse(input);
    expect(error.message).toMatch(/amount of US dollars above zero/);
    expect(error.message).toContain(JSON.stringify(value));
  });

  it('refuses an adaptive-concurrency that is not a boolean', () => {
    setInputs({ prompts: '["a"]', 'adaptive-concurrency': 'sometimes' });
    expect(refuse('adaptive-concurrency').message).toMatch(/true or false/);
  });

  it('refuses a fallback-model that is the model', () => {
    setInputs({ prompts: '["a"]', model: 'claude-opus', 'fallback-model': 'claude-opus' });
    expect(refuse('fallback-model').message).toMatch(/must differ from input 'model'/);
  });

  it.each(['Auto', 'Root', '1abc', 'a;b', 'root; id', '-rf', 'a b', 'x'.repeat(33)])(
    'refuses agent-user %j',
    (value) => {
      setInputs({ prompts: '["a"]', 'agent-user': value });
      const error = refuse('agent-user');
      expect(error.message).toContain('auto, none or a user name');
      expect(error.message).toContain(JSON.stringify(value));
    },
  );

  it.each(['auto', 'none', 'claude-agent', '_ci1', '_a', 'a1_b-c', 'machine$'])('takes agent-user %j', (value) => {
    setInputs({ prompts: '["a"]', 'agent-user': value });
    expect(getInputs().agentUser).toBe(value);
  });

  it.each(['auto', 'base', 'head', 'none'])('takes repository-config %j', (value) => {
    setInputs({ prompts: '["a"]', 'repository-config': value });
    expect(getInputs().repositoryConfig).toBe(value);
  });

  it('refuses a repository-config it does not know, naming the ones it does', () => {
    setInputs({ prompts: '["a"]', 'repository-config': 'pr' });
    expect(refuse('repository-config').message).toMatch(/"pr".*auto, base, head, none|auto, base, head, none.*"pr"/);
  });

  it('refuses claude-args with shell operators', () => {
    setInputs({ prompts: '["a"]', 'claude-args': '--debug | tee log' });
    expect(refuse('claude-args').message).toMatch(/plain arguments/);
  });

  it('reads summary as a YAML boolean, empty meaning true', () => {
    for (const [value, expected] of [
      ['', true],
      ['true', true],
      ['True', true],
      ['false', false],
      ['FALSE', false],
    ] as const) {
      setInputs({ prompts: '["a"]', summary: value });
      expect(getInputs().summary, JSON.stringify(value)).toBe(expected);
    }
  });

  it('refuses a summary that is not a boolean, naming the input', () => {
    setInputs({ prompts: '["a"]', summary: 'maybe' });
    expect(() => getInputs()).toThrow(/summary/);
  });

  it('refuses both prompts and prompts-file', () => {
    setInputs({ prompts: '- a', 'prompts-file': 'ci/matrix.yml' });
    const error = refuse('prompts');
    expect(error.message).toContain(`'prompts-file'`);
    expect(error.message).toMatch(/not both/);
  });

  it('refuses neither prompts nor prompts-file', () => {
    setInputs({ prompts: '  \n ' });
    const error = refuse('prompts');
    expect(error.message).toContain(`'prompts-file'`);
    expect(error.message).toMatch(/required/);
  });

  it('refuses a prompts-file that cannot be read', () => {
    setInputs({ 'prompts-file': 'ci/nope.yml' });
    const error = refuse('prompts-file');
    expect(error.message).toContain(path.join(workspace, 'ci', 'nope.yml'));
    expect(error.message).toContain('ENOENT');
  });

  it('reports every bad input and matrix item at once, each naming its input', () => {
    setInputs({
      prompts: '- {id: a, prompt: x, max-turns: 0}\n- {id: b, promt: y}',
      'max-parallel': '0',
      retries: '99',
      upload: 'zip',
    });
    const error = refuse('max-parallel');
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('6 problems:');
    expect(error.message).toContain(`Input 'retries'`);
    expect(error.message).toContain(`Input 'upload'`);
    expect(error.message).toContain(`Input 'prompts': item 0 (id "a"): 'max-turns'`);
    expect(error.message).toMatch(/item 1 \(id "b"\): unknown key "promt"; did you mean "prompt"\?/);
    expect(error.message).toMatch(/item 1 \(id "b"\): needs a 'prompt'/);
  });

  it('refuses a prompts-file that is a folder', () => {
    setInputs({ 'prompts-file': 'ci' });
    expect(refuse('prompts-file').message).toContain('EISDIR');
  });

  it('gives every agent the json-schema input, unless its item has its own', () => {
    setInputs({
      prompts: '- a\n- {prompt: b, json-schema: {type: string}}',
      'json-schema': '{ "type": "object" }',
    });
    expect(getInputs().specs.map((s) => s.jsonSchema)).toEqual(['{"type":"object"}', '{"type":"string"}']);
  });

  it('refuses a json-schema that is not a valid JSON Schema, before anything starts', () => {
    setInputs({ prompts: '- a', 'json-schema': '{"type": "objekt"}' });
    expect(refuse('json-schema').message).toMatch(/^Input 'json-schema' is not a valid JSON Schema/);
  });

  it('reads max-agents, and refuses a matrix larger than it', () => {
    setInputs({ prompts: '- a\n- b', 'max-agents': '2' });
    expect(getInputs().maxAgents).toBe(2);
    setInputs({ prompts: '- a\n- b\n- c', 'max-agents': '2' });
    expect(refuse('max-agents').message).toBe(
      `Input 'prompts' has 3 agents, more than input 'max-agents' (2); raise 'max-agents' or give fewer agents`,
    );
    setInputs({ prompts: '- a', 'max-agents': '0' });
    expect(refuse('max-agents').message).toMatch(/must be a whole number from 1 to 1000/);
  });
});

describe('getInputs: shard', () => {
  it('reads i/n, and leaves the whole matrix to the step without it', () => {
    setInputs({ prompts: '- one', shard: '2/3' });
    expect(getInputs().shard).toEqual({ index: 2, count: 3 });
    setInputs({ prompts: '- one', shard: '' });
    expect(getInputs().shard).toBeUndefined();
  });

  it("runs this shard's part of the matrix, and holds that part, not the matrix, to max-agents", () => {
    const prompts = JSON.stringify(Array.from({ length: 150 }, (_, i) => `task ${i}`));
    setInputs({ prompts, shard: '2/3' });
    const inputs = getInputs();
    expect(inputs.matrix).toHaveLength(150);
    expect(inputs.specs.map((s) => s.id).slice(0, 3)).toEqual(['agent-2', 'agent-5', 'agent-8']);
    expect(inputs.specs).toHaveLength(50);
    setInputs({ prompts });
    expect(refuse('max-agents').message).toContain(
      `Input 'prompts' has 150 agents, more than input 'max-agents' (100)`,
    );
    setInputs({ prompts, shard: '1/1' });
    expect(refuse('max-agents').message).toContain('shard 1 of 1 gets 150 agents');
  });

  it.each(['0/3', '4/3', 'x'])('refuses %j with the other problems', (shard) => {
    setInputs({ prompts: '- one', shard, retries: '99' });
    const error = refuse('shard');
    expect(error.message).toContain(`Input 'shard' must be i/n`);
    expect(error.message).toContain(`Input 'retries'`);
  });
});

describe('getInputs: the repository agents work on', () => {
  it('reads working-directory relative to the workspace, and settings files relative to the workspace too', () => {
    fs.mkdirSync(path.join(workspace, 'app', 'ci'), { recursive: true });
    fs.writeFileSync(path.join(workspace, 'app', 'ci', 'settings.json'), '{"model": "x"}');
    setInputs({
      prompts: '- one\n- {id: two, prompt: b, workspace: copy, settings: {model: y}}',
      'working-directory': 'app',
      workspace: 'shared',
      ref: 'v1.2',
      settings: 'app/ci/settings.json',
      'mcp-config': '{"mcpServers": {}}',
    });
    const inputs = getInputs();
    expect(inputs.workingDirectory).toBe(path.join(workspace, 'app'));
    expect(inputs.ref).toBe('v1.2');
    expect(inputs.specs[0]).toMatchObject({
      workspace: 'shared',
      settings: path.join(workspace, 'app', 'ci', 'settings.json'),
      mcpConfig: '{"mcpServers": {}}',
    });
    expect(inputs.specs[1]).toMatchObject({ workspace: 'copy', settings: '{"model":"y"}' });
  });

  it('reads a settings path against the workspace, as json-schema and prompts-file, not working-directory', () => {
    fs.mkdirSync(path.join(workspace, 'app'), { recursive: true });
    fs.writeFileSync(path.join(workspace, 'app', 'mcp.json'), '{"mcpServers": {}}');
    setInputs({ prompts: '- one', 'working-directory': 'app', 'mcp-config': 'mcp.json' });
    expect(refuse('mcp-config').message).toMatch(
      /^Input 'mcp-config' "mcp\.json" does not exist \(looked in .*\); give JSON text, or the path of a JSON file relative to the workspace$/m,
    );
  });

  it('refuses a working-directory that does not exist or is not a folder', () => {
    setInputs({ prompts: '- one', 'working-directory': 'missing' });
    expect(refuse('working-directory').message).toMatch(/"missing" does not exist .*ENOENT.*relative to the workspace/);
    setInputs({ prompts: '- one', 'working-directory': 'ci/matrix.yml' });
    expect(refuse('working-directory').message).toMatch(/is not a folder/);
  });

  it('refuses an unknown workspace, and settings that are not a JSON object', () => {
    setInputs({ prompts: '- one', workspace: 'sandbox', settings: '{"model": ', 'mcp-config': 'nowhere.json' });
    const error = refuse('workspace');
    expect(error.message).toContain(`Input 'workspace' must be one of worktree, copy, shared, empty; got "sandbox"`);
    expect(error.message).toMatch(/Input 'settings' is not a valid JSON object/);
    expect(error.message).toMatch(/Input 'mcp-config' "nowhere.json" does not exist .*relative to the workspace/);
  });

  it('reads workspace-engine, and refuses one it does not know', () => {
    setInputs({ prompts: '- one', 'workspace-engine': 'git' });
    expect(getInputs().workspaceEngine).toBe('git');
    setInputs({ prompts: '- one', 'workspace-engine': 'overlayfs' });
    expect(refuse('workspace-engine').message).toContain(
      `Input 'workspace-engine' must be one of auto, git; got "overlayfs"`,
    );
  });
});

describe('getInputs: a credential for the agents', () => {
  const PROVIDER_ENV = [
    'ANTHROPIC_API_KEY',
    'CLAUDE_CODE_OAUTH_TOKEN',
    'ANTHROPIC_AUTH_TOKEN',
    'CLAUDE_CODE_USE_BEDROCK',
    'CLAUDE_CODE_USE_VERTEX',
    'CLAUDE_CODE_USE_FOUNDRY',
  ];
  beforeEach(() => {
    for (const key of PROVIDER_ENV) delete process.env[key];
  });

  it('refuses a run with neither input nor a provider in the environment, with the other problems, before any agent', () => {
    setInputs({ prompts: '- one', 'anthropic-api-key': ' ', 'max-parallel': '0' });
    const error = refuse('anthropic-api-key');
    expect(error.message).toMatch(/^2 problems:/);
    expect(error.message).toContain("Input 'max-parallel'");
    expect(error.message).toContain(
      "Input 'anthropic-api-key' or input 'claude-code-oauth-token' is required, and both are empty: give one, such as `anthropic-api-key: ${{ secrets.ANTHROPIC_API_KEY }}`",
    );
    expect(error.message).toContain("Dependabot's pull requests get no Actions secrets");
    expect(error.message).toContain('CLAUDE_CODE_USE_BEDROCK');
  });

  it('takes either input, a key or token in the environment, or a provider switched on there', () => {
    for (const inputs of [{ 'anthropic-api-key': 'sk-ant-x' }, { 'claude-code-oauth-token': 'oauth-x' }] as Record<
      string,
      string
    >[]) {
      setInputs({ prompts: '- one', ...inputs });
      expect(getInputs().specs).toHaveLength(1);
    }
    for (const [key, value] of [
      ['ANTHROPIC_API_KEY', 'sk-ant-env'],
      ['CLAUDE_CODE_OAUTH_TOKEN', 'oauth-env'],
      ['ANTHROPIC_AUTH_TOKEN', 'gateway-token'],
      ['CLAUDE_CODE_USE_BEDROCK', '1'],
      ['CLAUDE_CODE_USE_VERTEX', 'true'],
      ['CLAUDE_CODE_USE_FOUNDRY', '1'],
    ]) {
      for (const k of PROVIDER_ENV) delete process.env[k];
      process.env[key!] = value;
      setInputs({ prompts: '- one' });
      expect(getInputs().specs, key).toHaveLength(1);
    }
  });

  it('does not count a provider switched off, and trusts settings to bring their own credential', () => {
    process.env.CLAUDE_CODE_USE_BEDROCK = '0';
    setInputs({ prompts: '- one' });
    expect(refuse('anthropic-api-key').message).toContain('is required');
    setInputs({ prompts: '- one', settings: '{"apiKeyHelper": "/opt/get-key.sh"}' });
    expect(getInputs().specs).toHaveLength(1);
  });
});
