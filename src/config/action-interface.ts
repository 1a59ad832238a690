// The action's interface, in one place: every input with the default action.yml declares for it, and every
// output. Code reads inputs and writes outputs only through these names; the drift tests hold action.yml,
// this file and the README to the same list.

export const INPUT_DEFAULTS = {
  prompts: '',
  'prompts-file': '',
  'max-parallel': '',
  model: '',
  'allowed-tools': '',
  'disallowed-tools': '',
  'permission-mode': '',
  'max-turns': '',
  'append-system-prompt': '',
  'claude-args': '',
  'timeout-minutes': '30',
  retries: '2',
  'anthropic-api-key': '',
  'claude-code-oauth-token': '',
  'github-token': '${{ github.token }}',
  'claude-path': '',
  'claude-version': '2.1.332',
  'fail-on': 'any',
  summary: 'true',
  upload: 'per-agent',
  'artifact-prefix': 'agent',
  'retention-days': '',
  'artifacts-dir': './agent-artifacts',
  'json-schema': '',
  'max-agents': '100',
  shard: '',
  comment: 'auto',
  'comment-on': '',
  'issue-title': '',
  'issue-labels': '',
  'allowed-actors': '',
  'adaptive-concurrency': 'true',
  'fallback-model': '',
  'max-budget-usd': '',
  'budget-usd': '',
  'agent-user': 'auto',
  'api-proxy': 'auto',
  'working-directory': '',
  workspace: '',
  ref: '',
  'workspace-engine': 'auto',
  settings: '',
  'mcp-config': '',
  review: 'off',
  rerun: 'failed',
  'idle-timeout-minutes': '',
  changes: 'patch',
  'branch-prefix': '',
  'repository-config': 'auto',
  'allowed-hosts': '',
} as const;

export type InputName = keyof typeof INPUT_DEFAULTS;

export const OUTPUT_NAMES = [
  'results',
  'results-file',
  'wall-time-ms',
  'speedup',
  'efficiency',
  'total-cost-usd',
  'succeeded',
  'failed',
  'report-file',
  'comment-url',
  'issue-url',
  'total-input-tokens',
  'total-output-tokens',
  'findings',
  'review-url',
  'findings-file',
  'pull-requests',
] as const;

export type OutputName = (typeof OUTPUT_NAMES)[number];

export const FAIL_ON_VALUES = [
  'any',
  'all',
  'never',
  'findings:critical',
  'findings:high',
  'findings:medium',
  'findings:low',
  'findings:info',
] as const;
export const UPLOAD_MODES = ['per-agent', 'combined', 'none'] as const;
export const COMMENT_MODES = ['auto', 'new', 'off'] as const;
export const WORKSPACE_MODES = ['worktree', 'copy', 'shared', 'empty'] as const;
export const REVIEW_MODES = ['off', 'comments'] as const;
export const RERUN_MODES = ['failed', 'all'] as const;
export const API_PROXY_SETTINGS = ['auto', 'off'] as const;
export const CHANGES_MODES = ['patch', 'pull-request', 'one-pull-request', 'push'] as const;
export const REPOSITORY_CONFIG_SETTINGS = ['auto', 'base', 'head', 'none'] as const;
export type RepositoryConfigSetting = (typeof REPOSITORY_CONFIG_SETTINGS)[number];
export const WORKSPACE_ENGINES = ['auto', 'git'] as const;

/** The CLI's `--permission-mode` values, over the versions the action supports (`default` in older ones). */
export const PERMISSION_MODES = ['default', 'manual', 'acceptEdits', 'auto', 'bypassPermissions', 'dontAsk', 'plan'];

/** The name of this action, in the log, the summary's heading and the run folder. */
export const ACTION_NAME = 'Claude Agent Matrix';
export const ACTION_SLUG = 'claude-agent-matrix';
