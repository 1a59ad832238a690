import * as core from '@actions/core';
import type { Credentials } from '../types.js';
import { providerSwitchedOn } from '../util/model-provider.js';
import { ANTHROPIC_API, startApiProxy, type ApiProxy, type ProxyCredentials } from './api-proxy.js';

/** `api-proxy`: `auto` serves the model API to agents through the action where it can; `off` never does. */
export type ApiProxySetting = 'auto' | 'off';

/** The variables through which the CLI sends its requests to an HTTP proxy. */
const HTTP_PROXIES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

/** Whether the proxy runs, and with what; or why not, for the log. */
export type ProxyPlan =
  { on: true; upstream: string; credentials: ProxyCredentials } | { on: false; why: string | undefined };

/**
 * Decides `api-proxy`. `auto` runs it for an API key or an OAuth token (the inputs, else the job's
 * `ANTHROPIC_API_KEY` and `CLAUDE_CODE_OAUTH_TOKEN`), forwarding to the job's `ANTHROPIC_BASE_URL` or the API
 * itself. It stays off where the job sends the CLI elsewhere (Bedrock, Vertex AI, Foundry) or to a gateway with
 * a bearer token of its own (`ANTHROPIC_AUTH_TOKEN`): the CLI would not use what the proxy holds.
 */
export function planApiProxy(setting: ApiProxySetting, credentials: Credentials, env: NodeJS.ProcessEnv): ProxyPlan {
  if (setting === 'off') return { on: false, why: 'api-proxy is off: agents hold the API key or OAuth token' };
  const provider = providerSwitchedOn(env);
  if (provider) {
    return {
      on: false,
      why: `api-proxy: ${provider} is set, so agents reach the model with that provider's credentials`,
    };
  }
  // The CLI would send its requests to 127.0.0.1 through the job's HTTP proxy, and the action's own requests
  // upstream would not go through it: on such runners agents keep the credential, as before.
  const httpProxy = HTTP_PROXIES.find((k) => env[k]?.trim());
  if (httpProxy) {
    return {
      on: false,
      why: `api-proxy: ${httpProxy} is set, so agents reach the model through it, holding the credential`,
    };
  }
  if (env.ANTHROPIC_AUTH_TOKEN?.trim()) {
    return { on: false, why: 'api-proxy: ANTHROPIC_AUTH_TOKEN is set, so agents reach the model with it' };
  }
  const apiKey = credentials.anthropicApiKey || env.ANTHROPIC_API_KEY?.trim() || undefined;
  const oauthToken = credentials.oauthToken || env.CLAUDE_CODE_OAUTH_TOKEN?.trim() || undefined;
  if (!apiKey && !oauthToken) return { on: false, why: undefined };
  const upstream = env.ANTHROPIC_BASE_URL?.trim() || ANTHROPIC_API;
  if (!/^https?:$/.test(URL.parse(upstream)?.protocol ?? '')) {
    return {
      on: false,
      why: `api-proxy: ANTHROPIC_BASE_URL (${upstream}) is not an http(s) URL, so it is left to the CLI`,
    };
  }
  return { on: true, upstream, credentials: { ...(apiKey && { apiKey }), ...(oauthToken && { oauthToken }) } };
}

/** Starts the proxy `setting` calls for, saying so in the log; undefined where it does not run. */
export async function openApiProxy(
  setting: ApiProxySetting,
  credentials: Credentials,
  env: NodeJS.ProcessEnv,
): Promise<ApiProxy | undefined> {
  const plan = planApiProxy(setting, credentials, env);
  if (!plan.on) {
    if (plan.why) core.info(plan.why);
    return undefined;
  }
  const proxy = await startApiProxy(plan.upstream, plan.credentials);
  core.info(
    `api-proxy: agents reach ${new URL(plan.upstream).origin} through the action at ${proxy.url}, each with a token of its own; the ${plan.credentials.apiKey ? 'API key' : 'OAuth token'} stays with the action`,
  );
  return proxy;
}
