import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getAggregateInputs } from '../../../src/config/aggregate-inputs.js';
import { InputError } from '../../../src/util/errors.js';
import { inputEnv } from '../../../stand-ins/run-action.js';

let savedEnv: NodeJS.ProcessEnv;

beforeEach(() => {
  savedEnv = { ...process.env };
  for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key];
  process.env.GITHUB_WORKSPACE = '/work/space';
  // core.setSecret writes a command to stdout.
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

afterEach(() => {
  vi.restoreAllMocks();
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

describe('getAggregateInputs', () => {
  it('reads the defaults from aggregate/action.yml', () => {
    Object.assign(process.env, inputEnv({}, 'aggregate'));
    expect(getAggregateInputs()).toEqual({
      artifactPrefix: 'agent',
      allowMissing: false,
      failOn: 'any',
      summary: true,
      artifactsDir: path.join('/work/space', 'agent-artifacts'),
      githubToken: '',
      comment: 'auto',
      commentOn: undefined,
      issueTitle: '',
      issueLabels: [],
    });
  });

  it('reads every input it is given', () => {
    Object.assign(
      process.env,
      inputEnv(
        {
          'artifact-prefix': 'review',
          'allow-missing': 'true',
          'fail-on': 'never',
          summary: 'false',
          'artifacts-dir': '/tmp/zips',
          'github-token': 'ghs_0123456789',
          comment: 'new',
          'comment-on': '12',
          'issue-title': 'Nightly review',
          'issue-labels': 'agents, report',
        },
        'aggregate',
      ),
    );
    expect(getAggregateInputs()).toEqual({
      artifactPrefix: 'review',
      allowMissing: true,
      failOn: 'never',
      summary: false,
      artifactsDir: '/tmp/zips',
      githubToken: 'ghs_0123456789',
      comment: 'new',
      commentOn: 12,
      issueTitle: 'Nightly review',
      issueLabels: ['agents', 'report'],
    });
  });

  it('reports every bad input at once, each by name', () => {
    Object.assign(
      process.env,
      inputEnv({ 'allow-missing': 'yes', 'fail-on': 'some', summary: 'no', comment: 'sometimes' }, 'aggregate'),
    );
    let caught: unknown;
    try {
      getAggregateInputs();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InputError);
    const message = (caught as Error).message;
    expect(message).toContain('4 problems');
    expect(message).toContain(`Input 'comment' must be one of auto, new, off; got "sometimes"`);
    expect(message).toContain(`Input 'allow-missing' must be true or false; got "yes"`);
    expect(message).toContain(
      `Input 'fail-on' must be one of any, all, never, findings:critical, findings:high, findings:medium, findings:low, findings:info; got "some"`,
    );
    expect(message).toContain(`Input 'summary' must be true or false`);
  });
});
