import { afterEach, describe, expect, it } from 'vitest';
import { getChangesInputs } from '../../../src/config/changes-inputs.js';
import { parseMatrix } from '../../../src/config/matrix.js';

const set = (name: string, value: string) => (process.env[`INPUT_${name.toUpperCase()}`] = value);
afterEach(() => {
  for (const name of ['CHANGES', 'BRANCH-PREFIX', 'ARTIFACT-PREFIX']) delete process.env[`INPUT_${name}`];
});

describe('the changes inputs', () => {
  it('default to patch, and to the artifact prefix for branches', () => {
    set('artifact-prefix', 'nightly');
    expect(getChangesInputs()).toEqual({ changes: 'patch', branchPrefix: 'nightly' });
    set('changes', 'one-pull-request');
    set('branch-prefix', 'bots/fix');
    expect(getChangesInputs()).toEqual({ changes: 'one-pull-request', branchPrefix: 'bots/fix' });
  });

  it('name every problem at once', () => {
    set('changes', 'pr');
    set('branch-prefix', 'bad..name');
    expect(() => getChangesInputs()).toThrow(
      /Input 'changes'[\s\S]*pull-request[\s\S]*Input 'branch-prefix' "bad\.\.name" cannot start a branch name/,
    );
  });
});

describe("a matrix item's changes keys", () => {
  const source = (text: string) => ({ input: 'prompts' as const, text, workspace: process.cwd() });
  const defaults = { allowedTools: [], disallowedTools: [], claudeArgs: [], timeoutMinutes: 5 };

  it('are read into the spec', () => {
    const [spec] = parseMatrix(
      source(
        '- id: a\n  prompt: p\n  changes: push\n  commit-message: Fix\n  pr-title: T\n  allow-workflow-changes: true\n  max-changed-files: 4\n',
      ),
      defaults,
    );
    expect(spec).toMatchObject({
      changes: 'push',
      commitMessage: 'Fix',
      prTitle: 'T',
      allowWorkflowChanges: true,
      maxChangedFiles: 4,
    });
  });

  it('are checked, each problem naming the item and the key', () => {
    const text = '- id: a\n  prompt: p\n  changes: merge\n  allow-workflow-changes: "yes"\n  max-changed-files: 0\n';
    expect(() => parseMatrix(source(text), defaults)).toThrow(
      /item 0 \(id "a"\): 'changes'[\s\S]*'allow-workflow-changes' must be true or false[\s\S]*'max-changed-files'/,
    );
  });
});
