// The aggregate action's interface (aggregate/action.yml), in one place as the main action's is in
// action-interface.ts: every input with its default. Its outputs are the main action's, OUTPUT_NAMES: it gives
// what one run of all the agents would have. The drift tests hold aggregate/action.yml, this file and
// docs/sharding.md to the same lists.

export const AGGREGATE_INPUT_DEFAULTS = {
  'artifact-prefix': 'agent',
  'allow-missing': 'false',
  'fail-on': 'any',
  summary: 'true',
  'artifacts-dir': './agent-artifacts',
  'github-token': '${{ github.token }}',
  comment: 'auto',
  'comment-on': '',
  'issue-title': '',
  'issue-labels': '',
} as const;

export type AggregateInputName = keyof typeof AGGREGATE_INPUT_DEFAULTS;

/** The aggregate action's name, in aggregate/action.yml and its run folder. */
export const AGGREGATE_ACTION_NAME = 'Claude Agent Matrix: aggregate';
export const AGGREGATE_SLUG = 'claude-agent-matrix-aggregate';
