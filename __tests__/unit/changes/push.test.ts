import { describe, expect, it } from 'vitest';
import { pushFailure } from '../../../src/changes/push.js';

describe('what a refused push means', () => {
  it('names contents: write when GitHub refuses the token', () => {
    const said = 'remote: Permission to octo/fixes.git denied to github-actions[bot]. fatal: ... error: 403';
    expect(pushFailure('agent/a', said)).toMatch(
      /^pushing agent\/a was refused: the job's token needs `contents: write`/,
    );
  });

  it('names the workflows permission when the push changes a workflow', () => {
    const said =
      '! [remote rejected] agent/a (refusing to allow a GitHub App to create or update workflow `.github/workflows/ci.yml` without `workflows` permission)';
    expect(pushFailure('agent/a', said)).toContain('only a token with the `workflows` permission');
  });

  it('says the branch moved on when the push is not a fast-forward', () => {
    expect(pushFailure('main', '! [rejected] main -> main (fetch first)')).toContain('the branch moved on');
    expect(pushFailure('main', 'fatal: unable to connect')).toBe('pushing main failed: fatal: unable to connect');
  });
});
