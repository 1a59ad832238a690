// The apply action's interface (apply/action.yml), in one place as the main action's is in action-interface.ts:
// every input with its default. The drift tests hold apply/action.yml, this file and docs/changes.md to the same
// lists.

export const APPLY_INPUT_DEFAULTS = {
  'artifact-prefix': 'agent',
  changes: '',
  'branch-prefix': '',
  'working-directory': '',
  'github-token': '${{ github.token }}',
  'artifacts-dir': './agent-artifacts',
  summary: 'true',
} as const;

export type ApplyInputName = keyof typeof APPLY_INPUT_DEFAULTS;

/** The apply action's outputs: a subset of the main action's. */
export const APPLY_OUTPUT_NAMES = ['pull-requests', 'results', 'results-file', 'report-file'] as const;

/** The apply action's name, in apply/action.yml and its run folder. */
export const APPLY_ACTION_NAME = 'Claude Agent Matrix: apply';
export const APPLY_SLUG = 'claude-agent-matrix-apply';
