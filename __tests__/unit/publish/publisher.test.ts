import { describe, expect, it } from 'vitest';
import type { EventContext } from '../../../src/publish/event.js';
import {
  PROGRESS_INTERVAL_ENV,
  PROGRESS_INTERVAL_MS,
  planPublishing,
  progressInterval,
} from '../../../src/publish/publisher.js';

const base: EventContext = { eventName: 'pull_request', actor: 'me', fromFork: false, privateRepo: false };
const inputs = { comment: 'auto' as const, issueTitle: '', issueLabels: [] };

describe('planPublishing', () => {
  it('comments on the pull request of the event', () => {
    expect(planPublishing({ ...base, pullRequest: 7 }, inputs)).toEqual({ comment: { issue: 7, mode: 'auto' } });
    expect(planPublishing({ ...base, pullRequest: 7 }, { ...inputs, comment: 'new' })).toEqual({
      comment: { issue: 7, mode: 'new' },
    });
  });

  it('comments on comment-on where given, also where the event has a pull request', () => {
    expect(planPublishing({ ...base, eventName: 'schedule' }, { ...inputs, commentOn: 12 })).toEqual({
      comment: { issue: 12, mode: 'auto' },
    });
    expect(planPublishing({ ...base, pullRequest: 7 }, { ...inputs, commentOn: 12 }).comment?.issue).toBe(12);
  });

  it('does not comment with comment: off, nor where there is nothing to comment on', () => {
    expect(planPublishing({ ...base, pullRequest: 7 }, { ...inputs, comment: 'off' })).toEqual({});
    expect(planPublishing({ ...base, eventName: 'schedule' }, inputs)).toEqual({});
  });

  it('writes the issue when issue-title is given', () => {
    expect(
      planPublishing({ ...base, eventName: 'schedule' }, { ...inputs, issueTitle: 'Nightly', issueLabels: ['a'] }),
    ).toEqual({ issue: { title: 'Nightly', labels: ['a'] } });
  });

  it('posts a review on the pull request when the matrix has a reviewer, also with comment: off', () => {
    const matrix = [{}, { review: 'comments' as const }];
    expect(planPublishing({ ...base, pullRequest: 7 }, { ...inputs, comment: 'off', matrix })).toEqual({
      review: { pullRequest: 7 },
    });
    expect(planPublishing({ ...base, pullRequest: 7 }, { ...inputs, matrix: [{}] }).review).toBeUndefined();
    // Off a pull request, only comment-on names one; with neither, there is nothing to review.
    expect(planPublishing({ ...base, eventName: 'schedule' }, { ...inputs, commentOn: 3, matrix }).review).toEqual({
      pullRequest: 3,
    });
    expect(planPublishing({ ...base, eventName: 'schedule' }, { ...inputs, matrix })).toEqual({});
  });
});

describe('progressInterval', () => {
  it('is 15 s unless the test variable says otherwise', () => {
    expect(progressInterval({})).toBe(PROGRESS_INTERVAL_MS);
    expect(PROGRESS_INTERVAL_MS).toBe(15_000);
    expect(progressInterval({ [PROGRESS_INTERVAL_ENV]: '0' })).toBe(0);
    expect(progressInterval({ [PROGRESS_INTERVAL_ENV]: '250' })).toBe(250);
    expect(progressInterval({ [PROGRESS_INTERVAL_ENV]: 'soon' })).toBe(PROGRESS_INTERVAL_MS);
    expect(progressInterval({ [PROGRESS_INTERVAL_ENV]: '' })).toBe(PROGRESS_INTERVAL_MS);
  });
});
