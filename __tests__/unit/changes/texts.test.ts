import { describe, expect, it } from 'vitest';
import { branchName, commitMessage, oneLine, pullBody, pullTitle } from '../../../src/changes/texts.js';

describe('the words of a commit and a pull request', () => {
  it("takes the answer's first line that says something, without heading marks", () => {
    expect(commitMessage('a', '\n\n## Fixed the parser\n\nDetails')).toBe('Fixed the parser');
    expect(commitMessage('a', '   \n')).toBe('Changes of agent a');
    expect(commitMessage('a', 'ignored', '  Fix lint  ')).toBe('Fix lint');
  });

  it('makes agent text one safe line: no control characters, mentions or HTML, and not too long', () => {
    expect(oneLine('Ping @octo <script>\u0007x')).toBe('Ping @\u200docto <\u200dscript>x');
    const long = oneLine('x'.repeat(500));
    expect(Array.from(long)).toHaveLength(120);
    expect(long.endsWith('…')).toBe(true);
  });

  it("titles a pull request with the item's pr-title, else the commit's first line", () => {
    expect(pullTitle('Fix it\n\nbody')).toBe('Fix it');
    expect(pullTitle('Fix it', 'Given @team')).toBe('Given @\u200dteam');
  });

  it('quotes and neutralises the answer in the body, links the run, and keeps within GitHub’s limit', () => {
    const body = pullBody('lint', 'Done.\n<!-- hidden -->\n@octo', 'https://github.localhost/o/r/actions/runs/1');
    expect(body).toContain('made by [this run](https://github.localhost/o/r/actions/runs/1)');
    expect(body).toContain('> Done.\n> <\u200d!-- hidden -->\n> @\u200docto');
    expect(pullBody('big', 'y'.repeat(100_000), undefined, ['note']).length).toBeLessThanOrEqual(65_000);
    expect(pullBody('quiet', '', undefined)).toContain('_The agent gave no answer._');
  });

  it('names branches after the prefix and the id; the one branch of all cannot be an id', () => {
    expect(branchName('agent', 'lint')).toBe('agent/lint');
    expect(branchName('fixes/nightly')).toBe('fixes/nightly/_all');
  });
});
