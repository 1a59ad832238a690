import { describe, expect, it } from 'vitest';
import { planApiProxy } from '../../../src/isolation/proxy-plan.js';
import type { Credentials } from '../../../src/types.js';

const key: Credentials = { anthropicApiKey: 'sk-ant-key', oauthToken: '', githubToken: 'ghs_x' };
const oauth: Credentials = { anthropicApiKey: '', oauthToken: 'sk-ant-oat', githubToken: '' };
const none: Credentials = { anthropicApiKey: '', oauthToken: '', githubToken: 'ghs_x' };

describe('planApiProxy', () => {
  it('runs for an API key or an OAuth token, forwarding to the API itself, never with the GitHub token', () => {
    expect(planApiProxy('auto', key, {})).toEqual({
      on: true,
      upstream: 'https://api.anthropic.com',
      credentials: { apiKey: 'sk-ant-key' },
    });
    expect(planApiProxy('auto', oauth, {})).toMatchObject({ on: true, credentials: { oauthToken: 'sk-ant-oat' } });
  });

  it("forwards to the job's ANTHROPIC_BASE_URL, and holds a credential only the job's environment sets", () => {
    const env = { ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/gateway', CLAUDE_CODE_OAUTH_TOKEN: 'sk-ant-oat-env' };
    expect(planApiProxy('auto', key, env)).toEqual({
      on: true,
      upstream: 'http://127.0.0.1:9/gateway',
      credentials: { apiKey: 'sk-ant-key', oauthToken: 'sk-ant-oat-env' },
    });
    // The input wins over the environment, as it does for the agents' own variables.
    expect(planApiProxy('auto', oauth, env)).toMatchObject({ credentials: { oauthToken: 'sk-ant-oat' } });
  });

  it('is off when asked, and says that agents then hold the credential', () => {
    expect(planApiProxy('off', key, {})).toEqual({
      on: false,
      why: 'api-proxy is off: agents hold the API key or OAuth token',
    });
  });

  it.each(['CLAUDE_CODE_USE_BEDROCK', 'CLAUDE_CODE_USE_VERTEX', 'CLAUDE_CODE_USE_FOUNDRY'])(
    'is off where %s sends the CLI to another provider, and on where it is set to a false value',
    (name) => {
      const plan = planApiProxy('auto', key, { [name]: '1' });
      expect(plan).toMatchObject({ on: false });
      expect(!plan.on && plan.why).toContain(name);
      expect(planApiProxy('auto', key, { [name]: '0' })).toMatchObject({ on: true });
    },
  );

  it("is off behind the job's HTTP proxy, which the CLI would send its requests to 127.0.0.1 through", () => {
    const plan = planApiProxy('auto', key, { HTTPS_PROXY: 'http://proxy.internal:3128' });
    expect(plan).toMatchObject({ on: false });
    expect(!plan.on && plan.why).toContain('HTTPS_PROXY is set');
  });

  it('is off where a gateway bearer token (ANTHROPIC_AUTH_TOKEN) is what the CLI would use', () => {
    expect(planApiProxy('auto', key, { ANTHROPIC_AUTH_TOKEN: 'gw' })).toMatchObject({ on: false });
  });

  it('is off, silently, with no credential to hold, and with a base URL that is not http(s)', () => {
    expect(planApiProxy('auto', none, {})).toEqual({ on: false, why: undefined });
    const odd = planApiProxy('auto', key, { ANTHROPIC_BASE_URL: 'unix:/run/api.sock' });
    expect(odd).toMatchObject({ on: false });
    expect(!odd.on && odd.why).toContain('not an http(s) URL');
  });
});
