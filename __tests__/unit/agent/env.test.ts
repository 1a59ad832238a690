import { describe, expect, it } from 'vitest';
import { agentEnv } from '../../../src/agent/env.js';
import { RUNNER_SECRETS } from '../../../src/util/runner.js';
import type { Credentials } from '../../../src/types.js';

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

  describe("through the action's API proxy", () => {
    const pass = { url: 'http://127.0.0.1:4567', token: 'cam-agent-token' };
    const both: Credentials = {
      anthropicApiKey: 'sk-ant-real-key',
      oauthToken: 'sk-ant-oat-real',
      githubToken: 'ghs_x',
    };

    it('gets its own token in place of each credential the inputs give, and the proxy as its base URL', () => {
      const env = agentEnv({ ...base, ANTHROPIC_BASE_URL: 'https://gateway' }, both, '/cfg', pass);
      expect(env.ANTHROPIC_API_KEY).toBe('cam-agent-token');
      expect(env.CLAUDE_CODE_OAUTH_TOKEN).toBe('cam-agent-token');
      expect(env.ANTHROPIC_BASE_URL).toBe('http://127.0.0.1:4567');
      for (const real of ['sk-ant-real-key', 'sk-ant-oat-real', 'ghs_x', 'sk-ant-input']) {
        expect(Object.values(env).join('\n')).not.toContain(real);
      }
    });

    it("also in place of a credential only the job's environment sets, and sets none it lacks", () => {
      const env = agentEnv({ ...base, CLAUDE_CODE_OAUTH_TOKEN: 'sk-ant-oat-env' }, noCredentials, '/cfg', pass);
      expect(env.CLAUDE_CODE_OAUTH_TOKEN).toBe('cam-agent-token');
      expect(env).not.toHaveProperty('ANTHROPIC_API_KEY');
    });
  });
});
