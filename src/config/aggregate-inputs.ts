import path from 'node:path';
import * as core from '@actions/core';
import type { CommentMode, FailOn } from '../types.js';
import { Problems } from '../util/errors.js';
import { workspaceDir } from '../util/runner.js';
import { COMMENT_MODES, FAIL_ON_VALUES } from './action-interface.js';
import { AGGREGATE_INPUT_DEFAULTS, type AggregateInputName } from './aggregate-interface.js';
import { boolean, inputOr } from './inputs.js';
import { issueTitle, labelList, oneOf, positiveInteger } from './values.js';

export interface AggregateInputs {
  artifactPrefix: string;
  /** A missing shard is a warning rather than an error. */
  allowMissing: boolean;
  failOn: FailOn;
  summary: boolean;
  artifactsDir: string;
  githubToken: string;
  /** As the main action's inputs of the same names: the aggregate step publishes for every shard. */
  comment: CommentMode;
  commentOn?: number;
  issueTitle: string;
  issueLabels: string[];
}

/** An input of the aggregate action, or its default from aggregate/action.yml (see `readInput`). */
function readAggregateInput(name: AggregateInputName): string {
  return inputOr(name, AGGREGATE_INPUT_DEFAULTS[name]);
}

/** Reads and checks the aggregate action's inputs; one InputError lists every problem. */
export function getAggregateInputs(): AggregateInputs {
  const githubToken = readAggregateInput('github-token');
  if (githubToken) core.setSecret(githubToken);
  const problems = new Problems();
  const what = (name: AggregateInputName) => `Input '${name}'`;
  const optional = <T>(name: AggregateInputName, parse: (value: string, what: string) => T): T | undefined => {
    const value = readAggregateInput(name);
    return value ? problems.check(() => parse(value, what(name))) : undefined;
  };
  const inputs = {
    artifactPrefix: readAggregateInput('artifact-prefix'),
    allowMissing: problems.check(() => boolean(readAggregateInput('allow-missing'), what('allow-missing'))) ?? false,
    failOn:
      problems.check(() => oneOf<FailOn>(readAggregateInput('fail-on'), FAIL_ON_VALUES, what('fail-on'))) ?? 'any',
    summary: problems.check(() => boolean(readAggregateInput('summary'), what('summary'))) ?? true,
    artifactsDir: path.resolve(workspaceDir(), readAggregateInput('artifacts-dir')),
    githubToken,
    comment:
      problems.check(() => oneOf<CommentMode>(readAggregateInput('comment'), COMMENT_MODES, what('comment'))) ?? 'auto',
    commentOn: optional('comment-on', positiveInteger),
    issueTitle: optional('issue-title', issueTitle) ?? '',
    issueLabels: labelList(readAggregateInput('issue-labels')),
  };
  problems.throwIfAny();
  return inputs;
}
