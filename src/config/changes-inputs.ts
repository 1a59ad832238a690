import type { ChangesMode } from '../types.js';
import { Problems, InputError } from '../util/errors.js';
import { CHANGES_MODES, INPUT_DEFAULTS } from './action-interface.js';
import { inputOr } from './inputs.js';
import { oneOf } from './values.js';

/** The main action's inputs of the changes stage (docs/changes.md). */
export interface ChangesInputs {
  /** What becomes of an agent's changes when its item does not say (`changes`). */
  changes: ChangesMode;
  /** Each agent's branch is `<branchPrefix>/<id>` (`branch-prefix`, else `artifact-prefix`). */
  branchPrefix: string;
}

/** Reads `changes` and `branch-prefix`; one InputError lists every problem. */
export function getChangesInputs(): ChangesInputs {
  const problems = new Problems();
  const changes = problems.check(() =>
    oneOf(inputOr('changes', INPUT_DEFAULTS.changes), CHANGES_MODES, "Input 'changes'"),
  );
  const given = inputOr('branch-prefix', '');
  const prefix = given ? problems.check(() => branchPrefix(given, "Input 'branch-prefix'")) : undefined;
  problems.throwIfAny();
  return {
    changes: changes ?? 'patch',
    branchPrefix: prefix ?? inputOr('artifact-prefix', INPUT_DEFAULTS['artifact-prefix']),
  };
}

/** `branch-prefix`: the first part of each agent's branch, `<prefix>/<id>`, so it must be a branch name's start. */
export function branchPrefix(value: string, what: string): string {
  const bad = /(^[-/.]|\/\/|\.\.|[/.]$|\.lock$|[\s~^:?*[\\@{])/.exec(value);
  if (bad) {
    throw new InputError(
      `${what} ${JSON.stringify(value)} cannot start a branch name (at ${JSON.stringify(bad[0])}); use letters, digits, '-', '_', '.' and '/' between parts`,
    );
  }
  return value;
}
