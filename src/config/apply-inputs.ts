import path from 'node:path';
import * as core from '@actions/core';
import type { ChangesMode } from '../types.js';
import { Problems } from '../util/errors.js';
import { workspaceDir } from '../util/runner.js';
import { CHANGES_MODES } from './action-interface.js';
import { APPLY_INPUT_DEFAULTS, type ApplyInputName } from './apply-interface.js';
import { branchPrefix } from './changes-inputs.js';
import { boolean, inputOr } from './inputs.js';
import { oneOf } from './values.js';

export interface ApplyInputs {
  artifactPrefix: string;
  /** Every agent's changes this way; undefined: as each agent's item said. */
  changes?: ChangesMode;
  branchPrefix: string;
  /** The checkout the commits are made in and pushed from. */
  workingDirectory: string;
  githubToken: string;
  artifactsDir: string;
  summary: boolean;
}

function readApplyInput(name: ApplyInputName): string {
  return inputOr(name, APPLY_INPUT_DEFAULTS[name]);
}

/** Reads and checks the apply action's inputs; one InputError lists every problem. */
export function getApplyInputs(): ApplyInputs {
  const githubToken = readApplyInput('github-token');
  if (githubToken) core.setSecret(githubToken);
  const problems = new Problems();
  const what = (name: ApplyInputName) => `Input '${name}'`;
  const optional = <T>(name: ApplyInputName, parse: (value: string, what: string) => T): T | undefined => {
    const value = readApplyInput(name);
    return value ? problems.check(() => parse(value, what(name))) : undefined;
  };
  const workspace = workspaceDir();
  const inputs = {
    artifactPrefix: readApplyInput('artifact-prefix'),
    changes: optional('changes', (v, w) => oneOf(v, CHANGES_MODES, w)),
    branchPrefix: optional('branch-prefix', branchPrefix) ?? readApplyInput('artifact-prefix'),
    workingDirectory: path.resolve(workspace, readApplyInput('working-directory')),
    githubToken,
    artifactsDir: path.resolve(workspace, readApplyInput('artifacts-dir')),
    summary: optional('summary', boolean) ?? true,
  };
  problems.throwIfAny();
  return inputs;
}
