import type { AgentPass } from '../isolation/api-proxy.js';
import type { Credentials } from '../types.js';
import { RUNNER_COMMAND_FILES, RUNNER_SECRETS } from '../util/runner.js';

/** The credentials the API proxy holds for agents (see isolation/api-proxy.ts). */
const PROXIED = ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN'];

/** The environment of one agent's CLI: the job's, less the runner's credentials and the action's inputs. */
export function agentEnv(
  base: NodeJS.ProcessEnv,
  credentials: Credentials,
  configDir: string,
  pass?: Pick<AgentPass, 'url' | 'token'>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value === undefined || key.startsWith('INPUT_')) continue;
    if (RUNNER_SECRETS.includes(key) || RUNNER_COMMAND_FILES.includes(key)) continue;
    env[key] = value;
  }
  // An input wins over the job's environment; a key set only in the environment (as in local runs) is kept.
  if (credentials.anthropicApiKey) env.ANTHROPIC_API_KEY = credentials.anthropicApiKey;
  if (credentials.oauthToken) env.CLAUDE_CODE_OAUTH_TOKEN = credentials.oauthToken;
  if (pass) {
    // Through the action's proxy: the agent's own token in place of each credential, never the real one.
    for (const key of PROXIED) if (env[key]) env[key] = pass.token;
    env.ANTHROPIC_BASE_URL = pass.url;
  }
  env.CLAUDE_CONFIG_DIR = configDir;
  // Many CLIs updating themselves at once in one job would race on the same install.
  env.DISABLE_AUTOUPDATER = '1';
  return env;
}

/**
 * What else an agent running as another user gets: its own HOME and TMPDIR (the runner's are closed to it, and
 * tools write there) and its own name.
 */
export function agentUserEnv(name: string, home: string, tmp: string): Record<string, string> {
  return { HOME: home, TMPDIR: tmp, USER: name, LOGNAME: name };
}
