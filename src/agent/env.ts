import type { Credentials } from '../types.js';

/**
 * The runner's own credentials. An agent with a Bash tool could read them and poison the run's
 * artifacts or caches, or request an OIDC token in the repository's name.
 */
export const RUNNER_SECRETS = [
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_RUNTIME_URL',
  'ACTIONS_RESULTS_URL',
  'ACTIONS_CACHE_URL',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_URL',
];

/**
 * The runner's command files. Writing to them would let an agent set variables (NODE_OPTIONS, BASH_ENV)
 * or PATH entries for the steps after this one, which run with the job's secrets.
 */
export const RUNNER_COMMAND_FILES = [
  'GITHUB_ENV',
  'GITHUB_PATH',
  'GITHUB_OUTPUT',
  'GITHUB_STATE',
  'GITHUB_STEP_SUMMARY',
];

/** The environment of one agent's CLI: the job's, less the runner's credentials and the action's inputs. */
export function agentEnv(base: NodeJS.ProcessEnv, credentials: Credentials, configDir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value === undefined || key.startsWith('INPUT_')) continue;
    if (RUNNER_SECRETS.includes(key) || RUNNER_COMMAND_FILES.includes(key)) continue;
    env[key] = value;
  }
  // An input wins over the job's environment; a key set only in the environment (as in local runs) is kept.
  if (credentials.anthropicApiKey) env.ANTHROPIC_API_KEY = credentials.anthropicApiKey;
  if (credentials.oauthToken) env.CLAUDE_CODE_OAUTH_TOKEN = credentials.oauthToken;
  env.CLAUDE_CONFIG_DIR = configDir;
  // Many CLIs updating themselves at once in one job would race on the same install.
  env.DISABLE_AUTOUPDATER = '1';
  return env;
}

/** Every credential value the action knows, for scrubbing text it writes or uploads. */
export function knownSecrets(credentials: Credentials, env: NodeJS.ProcessEnv): string[] {
  const values = [
    ...Object.values(credentials),
    ...RUNNER_SECRETS.filter((k) => k.endsWith('TOKEN')).map((k) => env[k]),
    env.ANTHROPIC_API_KEY,
    env.CLAUDE_CODE_OAUTH_TOKEN,
    env.GITHUB_TOKEN,
  ];
  return [...new Set(values.filter((v): v is string => !!v && v.length >= 4))];
}

/**
 * What else an agent running as another user gets: its own HOME and TMPDIR (the runner's are closed to it, and
 * tools write there) and its own name.
 */
export function agentUserEnv(name: string, home: string, tmp: string): Record<string, string> {
  return { HOME: home, TMPDIR: tmp, USER: name, LOGNAME: name };
}
