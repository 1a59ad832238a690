import { describe, expect, it } from 'vitest';
import { describeEvent } from '../../../src/publish/event.js';

const repository = { full_name: 'octo/repo', private: false };

describe('describeEvent', () => {
  it('finds the pull request of every pull-request event', () => {
    const pr = { number: 7, head: { repo: { full_name: 'octo/repo' } }, base: { repo: { full_name: 'octo/repo' } } };
    for (const name of ['pull_request', 'pull_request_target', 'pull_request_review', 'pull_request_review_comment']) {
      expect(describeEvent(name, { pull_request: pr, repository }, 'octo/repo', 'me')).toEqual({
        eventName: name,
        repo: { owner: 'octo', repo: 'repo' },
        actor: 'me',
        pullRequest: 7,
        fromFork: false,
        privateRepo: false,
      });
    }
  });

  it('takes an issue comment on a pull request as about that pull request, and one on an issue as about none', () => {
    expect(describeEvent('issue_comment', { issue: { number: 4, pull_request: {} } }, 'o/r', 'me').pullRequest).toBe(4);
    expect(describeEvent('issue_comment', { issue: { number: 5 } }, 'o/r', 'me').pullRequest).toBeUndefined();
  });

  it('knows a pull request from a fork, also when the fork is gone', () => {
    const from = (head: unknown) =>
      describeEvent('pull_request', { pull_request: { number: 1, head: { repo: head } }, repository }, undefined, 'me')
        .fromFork;
    expect(from({ full_name: 'someone/repo' })).toBe(true);
    expect(from(null)).toBe(true);
    expect(from({ full_name: 'octo/repo' })).toBe(false);
  });

  it('has no pull request on schedule and no repository outside GitHub Actions', () => {
    expect(describeEvent('schedule', { repository: { ...repository, private: true } }, undefined, '')).toEqual({
      eventName: 'schedule',
      repo: { owner: 'octo', repo: 'repo' },
      actor: '',
      pullRequest: undefined,
      fromFork: false,
      privateRepo: true,
    });
    expect(describeEvent('', {}, undefined, '').repo).toBeUndefined();
  });
});
