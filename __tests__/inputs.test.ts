import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { InputError } from '../src/errors.js';
import { PERMISSION_MODES, getInputs, splitArgs } from '../src/inputs.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const action = parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: unknown }>;
};

/** The name @actions/core reads an input from. */
const envName = (input: string) => `INPUT_${input.replace(/ /g, '_').toUpperCase()}`;

/** Sets every input the way a runner does: action.yml's defaults under the given values. */
function setInputs(inputs: Record<string, string>): void {
  for (const name of Object.keys(inputs)) {
    if (!(name in action.inputs)) throw new Error(`action.yml has no input named ${name}`);
  }
  for (const [name, spec] of Object.entries(action.inputs)) {
    // Expressions such as ${{ github.token }} only mean something on a runner.
    const fallback = String(spec.default ?? '').includes('${{') ? '' : String(spec.default ?? '');
    process.env[envName(name)] = inputs[name] ?? fallback;
  }
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
    expect(inputs).toEqual({
      matrix: { input: 'prompts', text: '- one\n- two', workspace },
      maxParallel: undefined,
      defaults: {
        model: undefined,
        allowedTools: [],
        disallowedTools: [],
        permissionMode: undefined,
        maxTurns: undefined,
        appendSystemPrompt: undefined,
        claudeArgs: [],
        timeoutMinutes: 30,
      },
      retries: 2,
      credentials: { anthropicApiKey: '', oauthToken: '', githubToken: '' },
      claudePath: '',
      claudeVersion: String(action.inputs['claude-version']?.default),
      failOn: 'any',
      summary: true,
      upload: 'per-agent',
      artifactPrefix: 'agent',
      retentionDays: undefined,
      artifactsDir: path.join(workspace, 'agent-artifacts'),
    });
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
    });
    const inputs = getInputs();
    expect(inputs.maxParallel).toBe(4);
    expect(inputs.defaults).toEqual({
      model: 'claude-sonnet',
      allowedTools: ['Read', 'Grep', 'Bash(git log:*)'],
      disallowedTools: ['WebFetch', 'WebSearch'],
      permissionMode: 'acceptEdits',
      maxTurns: 12,
      appendSystemPrompt: 'Answer in English.',
      claudeArgs: ['--debug', 'api hooks', '--setting-sources=user'],
      timeoutMinutes: 2.5,
    });
    expect(inputs.retries).toBe(0);
    expect(inputs.claudePath).toBe('/opt/claude');
    expect(inputs.failOn).toBe('never');
    expect(inputs.summary).toBe(false);
    expect(inputs.upload).toBe('combined');
    expect(inputs.artifactPrefix).toBe('review');
    expect(inputs.retentionDays).toBe(90);
    expect(inputs.artifactsDir).toBe(path.join(workspace, 'out', 'zips'));
  });

  it('accepts the edges of the ranges', () => {
    setInputs({ prompts: '["a"]', retries: '10', 'retention-days': '1', 'max-parallel': '1', 'fail-on': 'all' });
    const inputs = getInputs();
    expect(inputs.retries).toBe(10);
    expect(inputs.retentionDays).toBe(1);
    expect(inputs.maxParallel).toBe(1);
    expect(inputs.failOn).toBe('all');
  });

  it.each(PERMISSION_MODES)('accepts permission-mode %s', (mode) => {
    setInputs({ prompts: '["a"]', 'permission-mode': mode });
    expect(getInputs().defaults.permissionMode).toBe(mode);
  });

  it('reads the matrix from prompts-file, relative to the workspace', () => {
    setInputs({ 'prompts-file': 'ci/matrix.yml' });
    const { matrix } = getInputs();
    expect(matrix).toEqual({
      input: 'prompts-file',
      text: '- from a file\n- {id: two, prompt: second}\n',
      workspace,
    });
  });

  it('uses the current folder when GITHUB_WORKSPACE is not set', () => {
    delete process.env.GITHUB_WORKSPACE;
    setInputs({ prompts: '["a"]' });
    const inputs = getInputs();
    expect(inputs.matrix.workspace).toBe(process.cwd());
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
    expect(getInputs().defaults.timeoutMinutes).toBe(30);
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

  it('refuses a prompts-file that is a folder', () => {
    setInputs({ 'prompts-file': 'ci' });
    expect(refuse('prompts-file').message).toContain('EISDIR');
  });
});

describe('splitArgs', () => {
  it('splits on whitespace', () => {
    expect(splitArgs('--model  opus\t--debug\n--verbose')).toEqual(['--model', 'opus', '--debug', '--verbose']);
    expect(splitArgs('')).toEqual([]);
    expect(splitArgs('   ')).toEqual([]);
  });

  it('keeps quoted and escaped spaces in one argument, as a shell does', () => {
    expect(splitArgs(`--append-system-prompt "be brief, please" --x 'single quoted' a\\ b`)).toEqual([
      '--append-system-prompt',
      'be brief, please',
      '--x',
      'single quoted',
      'a b',
    ]);
    expect(splitArgs(`'a b'\\ c`)).toEqual(['a b c']);
    expect(splitArgs(`"say \\"hi\\""`)).toEqual(['say "hi"']);
    expect(splitArgs(`--flag="$HOME/x y"`)).toEqual(['--flag=$HOME/x y']);
    expect(splitArgs(`"" ''`)).toEqual(['', '']);
  });

  it('keeps $VAR unexpanded', () => {
    const before = process.env.HOME;
    expect(splitArgs('$HOME "$HOME" \'$HOME\' --x=$PATH a$b $')).toEqual([
      '$HOME',
      '$HOME',
      '$HOME',
      '--x=$PATH',
      'a$b',
      '$',
    ]);
    expect(process.env.HOME).toBe(before);
  });

  it.each(['a | b', 'a > out', 'a < in', 'a ; b', 'a && b', 'a || b', 'a &', '$(whoami)', '*.ts', 'a # comment'])(
    'refuses %j',
    (text) => {
      expect(() => splitArgs(text)).toThrow(/must be plain arguments/);
    },
  );

  it('names the operator it refuses', () => {
    expect(() => splitArgs('a | b')).toThrow('found "|"');
    expect(() => splitArgs('a > b')).toThrow('found ">"');
    expect(() => splitArgs('a ; b')).toThrow('found ";"');
  });

  it('treats quoted operators as plain text', () => {
    expect(splitArgs(`"a | b" '>' \\;`)).toEqual(['a | b', '>', ';']);
  });
});
