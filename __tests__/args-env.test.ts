import { describe, expect, it } from 'vitest';
import { claudeArgs } from '../src/args.js';
import { RUNNER_SECRETS, agentEnv, knownSecrets } from '../src/env.js';
import type { Credentials } from '../src/inputs.js';
import { failureMessage } from '../src/main.js';
import type { AgentResult, AgentSpec } from '../src/types.js';

const BASE = ['-p', '--output-format', 'stream-json', '--verbose'];

function spec(overrides: Partial<AgentSpec> = {}): AgentSpec {
  return {
    index: 0,
    id: 'agent-1',
    prompt: 'SECRET PROMPT TEXT --model evil',
    allowedTools: [],
    disallowedTools: [],
    claudeArgs: [],
    timeoutMinutes: 30,
    ...overrides,
  };
}

/** The value that follows a flag, checking the flag appears exactly once. */
function flag(args: string[], name: string): string | undefined {
  expect(args.filter((a) => a === name)).toHaveLength(1);
  return args[args.indexOf(name) + 1];
}

describe('claudeArgs', () => {
  it('runs print mode with streamed JSON and nothing else by default', () => {
    expect(claudeArgs(spec())).toEqual(BASE);
  });

  it('never puts the prompt or the prompt file among the arguments', () => {
    const all = [
      ...claudeArgs(spec({ model: 'm', allowedTools: ['Read'], claudeArgs: ['--debug'] })),
      ...claudeArgs(spec({ prompt: undefined, promptFile: '/ws/prompts/secret-prompt.md' })),
    ];
    expect(all.some((a) => a.includes('SECRET PROMPT'))).toBe(false);
    expect(all.some((a) => a.includes('secret-prompt.md'))).toBe(false);
  });

  it('passes every setting as its flag', () => {
    const args = claudeArgs(
      spec({
        model: 'claude-opus',
        permissionMode: 'acceptEdits',
        maxTurns: 9,
        allowedTools: ['Read', 'Grep', 'Bash(git log:*)'],
        disallowedTools: ['WebFetch', 'Bash(rm:*)'],
        appendSystemPrompt: 'Be brief.\nUse English.',
      }),
    );
    expect(args.slice(0, 4)).toEqual(BASE);
    expect(flag(args, '--model')).toBe('claude-opus');
    expect(flag(args, '--permission-mode')).toBe('acceptEdits');
    expect(flag(args, '--max-turns')).toBe('9');
    expect(flag(args, '--allowedTools')).toBe('Read,Grep,Bash(git log:*)');
    expect(flag(args, '--disallowedTools')).toBe('WebFetch,Bash(rm:*)');
    expect(flag(args, '--append-system-prompt')).toBe('Be brief.\nUse English.');
    expect(args).toHaveLength(BASE.length + 12);
  });

  it('leaves out flags for settings that are not given', () => {
    const args = claudeArgs(spec({ model: 'm' }));
    expect(args).toEqual([...BASE, '--model', 'm']);
    for (const f of [
      '--permission-mode',
      '--max-turns',
      '--allowedTools',
      '--disallowedTools',
      '--append-system-prompt',
    ]) {
      expect(args).not.toContain(f);
    }
  });

  it('puts the extra claude-args last, unchanged', () => {
    const extra = ['--debug', 'api hooks', '--model', 'override', '$HOME'];
    const args = claudeArgs(spec({ model: 'm', allowedTools: ['Read'], appendSystemPrompt: 'x', claudeArgs: extra }));
    expect(args.slice(-extra.length)).toEqual(extra);
    expect(args.slice(0, -extra.length)).toEqual([
      ...BASE,
      '--model',
      'm',
      '--allowedTools',
      'Read',
      '--append-system-prompt',
      'x',
    ]);
  });

  it('does not change the spec', () => {
    const s = spec({ allowedTools: ['Read'], claudeArgs: ['--debug'] });
    const before = structuredClone(s);
    claudeArgs(s);
    claudeArgs(s);
    expect(s).toEqual(before);
  });
});

const noCredentials: Credentials = { anthropicApiKey: '', oauthToken: '', githubToken: '' };

describe('agentEnv', () => {
  const base: NodeJS.ProcessEnv = {
    PATH: '/usr/bin:/bin',
    HOME: '/home/runner',
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_WORKSPACE: '/ws',
    ACTIONS_RUNTIME_TOKEN: 'runtime-token',
    ACTIONS_RUNTIME_URL: 'https://runtime',
    ACTIONS_RESULTS_URL: 'https://results',
    ACTIONS_CACHE_URL: 'https://cache',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-token',
    ACTIONS_ID_TOKEN_REQUEST_URL: 'https://oidc',
    'INPUT_ANTHROPIC-API-KEY': 'sk-ant-input',
    'INPUT_GITHUB-TOKEN': 'ghs_input',
    INPUT_PROMPTS: '- a',
    UNDEFINED_VALUE: undefined,
  };

  it('strips the runner credentials and every input', () => {
    const env = agentEnv(base, noCredentials, '/cfg');
    for (const key of [
      'ACTIONS_RUNTIME_TOKEN',
      'ACTIONS_RUNTIME_URL',
      'ACTIONS_RESULTS_URL',
      'ACTIONS_CACHE_URL',
      'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
      'ACTIONS_ID_TOKEN_REQUEST_URL',
    ]) {
      expect(RUNNER_SECRETS).toContain(key);
      expect(env).not.toHaveProperty(key);
    }
    expect(Object.keys(env).filter((k) => k.startsWith('INPUT_'))).toEqual([]);
    expect(Object.values(env)).not.toContain('sk-ant-input');
    expect(Object.values(env)).not.toContain('ghs_input');
    expect(env).not.toHaveProperty('UNDEFINED_VALUE');
  });

  it('keeps the rest of the job environment', () => {
    const env = agentEnv(base, noCredentials, '/cfg');
    expect(env).toMatchObject({
      PATH: '/usr/bin:/bin',
      HOME: '/home/runner',
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_WORKSPACE: '/ws',
    });
  });

  it('sets its own config folder and turns off the auto-updater', () => {
    const env = agentEnv(
      { ...base, CLAUDE_CONFIG_DIR: '/shared', DISABLE_AUTOUPDATER: '0' },
      noCredentials,
      '/agent/cfg',
    );
    expect(env.CLAUDE_CONFIG_DIR).toBe('/agent/cfg');
    expect(env.DISABLE_AUTOUPDATER).toBe('1');
  });

  it('lets the credential inputs override the environment', () => {
    const env = agentEnv(
      { ...base, ANTHROPIC_API_KEY: 'sk-ant-env', CLAUDE_CODE_OAUTH_TOKEN: 'oauth-env' },
      { anthropicApiKey: 'sk-ant-from-input', oauthToken: 'oauth-from-input', githubToken: 'ghs_x' },
      '/cfg',
    );
    expect(env.ANTHROPIC_API_KEY).toBe('sk-ant-from-input');
    expect(env.CLAUDE_CODE_OAUTH_TOKEN).toBe('oauth-from-input');
    // The github-token input is for the action, not for the agents.
    expect(Object.values(env)).not.toContain('ghs_x');
  });

  it('keeps credentials from the environment when the inputs are empty', () => {
    const env = agentEnv(
      { ...base, ANTHROPIC_API_KEY: 'sk-ant-env', CLAUDE_CODE_OAUTH_TOKEN: 'oauth-env' },
      noCredentials,
      '/cfg',
    );
    expect(env.ANTHROPIC_API_KEY).toBe('sk-ant-env');
    expect(env.CLAUDE_CODE_OAUTH_TOKEN).toBe('oauth-env');
    expect(agentEnv(base, noCredentials, '/cfg')).not.toHaveProperty('ANTHROPIC_API_KEY');
  });

  it('does not change the environment it was given', () => {
    const copy = { ...base };
    agentEnv(base, { anthropicApiKey: 'k-1234', oauthToken: '', githubToken: '' }, '/cfg');
    expect(base).toEqual(copy);
  });
});

describe('knownSecrets', () => {
  it('lists the credentials and the secret variables of the environment, once each', () => {
    const secrets = knownSecrets(
      { anthropicApiKey: 'sk-ant-input', oauthToken: 'oauth-input', githubToken: 'ghs_same' },
      {
        ACTIONS_RUNTIME_TOKEN: 'runtime-token',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-token',
        ACTIONS_RUNTIME_URL: 'https://runtime.example',
        ANTHROPIC_API_KEY: 'sk-ant-env',
        CLAUDE_CODE_OAUTH_TOKEN: 'oauth-env',
        GITHUB_TOKEN: 'ghs_same',
        PATH: '/usr/bin',
      },
    );
    expect(new Set(secrets)).toEqual(
      new Set(['sk-ant-input', 'oauth-input', 'ghs_same', 'runtime-token', 'oidc-token', 'sk-ant-env', 'oauth-env']),
    );
    expect(secrets).toHaveLength(7);
  });

  it('leaves out empty and very short values', () => {
    expect(knownSecrets({ anthropicApiKey: '', oauthToken: 'abc', githubToken: 'abcd' }, { GITHUB_TOKEN: '' })).toEqual(
      ['abcd'],
    );
    expect(knownSecrets(noCredentials, {})).toEqual([]);
  });
});

function agent(id: string, status: AgentResult['status'], error: string | null = null): AgentResult {
  return {
    id,
    status,
    exitCode: status === 'success' ? 0 : 1,
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T00:00:01.000Z',
    durationMs: 1000,
    startupMs: 0,
    turns: 1,
    costUsd: null,
    sessionId: null,
    outputDir: `/tmp/${id}`,
    error,
    attempts: 1,
    answer: 'ok',
  };
}

describe('failureMessage', () => {
  const allGood = [agent('a', 'success'), agent('b', 'success')];
  const someBad = [
    agent('a', 'success'),
    agent('b', 'failure', 'exited 1 without a result'),
    agent('c', 'timeout', 'no result within 5 minutes'),
    agent('d', 'cancelled'),
  ];
  const allBad = [agent('a', 'failure', 'boom'), agent('b', 'timeout', 'slow')];

  it('fail-on any: passes only when every agent succeeded and every upload worked', () => {
    expect(failureMessage('any', allGood, [])).toBeNull();
    const message = failureMessage('any', someBad, []);
    expect(message).toBe(
      [
        '3 of 4 agents did not succeed:',
        'b (failure): exited 1 without a result',
        'c (timeout): no result within 5 minutes',
        'd (cancelled): no reason given',
      ].join('\n'),
    );
  });

  it('fail-on any: fails for a failed upload alone, naming the agents', () => {
    const message = failureMessage('any', allGood, ['a', 'b']);
    expect(message).not.toBeNull();
    expect(message).toContain('uploads failed for: a, b');
  });

  it('fail-on all: fails only when every agent failed', () => {
    expect(failureMessage('all', allGood, [])).toBeNull();
    expect(failureMessage('all', someBad, [])).toBeNull();
    expect(failureMessage('all', someBad, ['a'])).toBeNull();
    const message = failureMessage('all', allBad, ['a']);
    expect(message).toContain('2 of 2 agents did not succeed');
    expect(message).toContain('a (failure): boom');
    expect(message).toContain('b (timeout): slow');
    expect(message).toContain('uploads failed for: a');
  });

  it('fail-on never: never fails', () => {
    expect(failureMessage('never', allGood, [])).toBeNull();
    expect(failureMessage('never', someBad, ['a'])).toBeNull();
    expect(failureMessage('never', allBad, ['a', 'b'])).toBeNull();
  });

  it('leaves successful agents out of the message', () => {
    const message = failureMessage('any', someBad, []) ?? '';
    expect(message.split('\n').some((l) => l.startsWith('a '))).toBe(false);
  });
});
