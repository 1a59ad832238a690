import { describe, expect, it } from 'vitest';
import type { EventContext } from '../../../src/publish/event.js';
import { describeFailure } from '../../../src/publish/failures.js';

const event: EventContext = {
  eventName: 'pull_request',
  actor: 'me',
  fromFork: false,
  privateRepo: false,
  pullRequest: 3,
};
const failed = (status: number, message = 'Resource not accessible by integration') =>
  Object.assign(new Error(message), { status });

describe('describeFailure', () => {
  it('names the permission to add when the token is refused', () => {
    expect(describeFailure(failed(403), 'comment on #3', '`pull-requests: write`', event)).toEqual({
      permission: true,
      message:
        "Could not comment on #3: the token may not (HTTP 403). Add `pull-requests: write` to the job's `permissions:`, or pass a github-token that has it.",
    });
  });

  it('takes a 404 from a private repository as a refusal, and from a public one as not found', () => {
    expect(
      describeFailure(failed(404, 'Not Found'), 'x', '`issues: write`', { ...event, privateRepo: true }),
    ).toMatchObject({
      permission: true,
      message: expect.stringContaining('`issues: write`'),
    });
    expect(describeFailure(failed(404, 'Not Found'), 'x', '`issues: write`', event)).toEqual({
      permission: false,
      message: 'Could not x: HTTP 404: Not Found',
    });
  });

  it('says the token is read-only on a pull request from a fork', () => {
    const f = describeFailure(failed(403), 'comment on #3', '`pull-requests: write`', { ...event, fromFork: true });
    expect(f.permission).toBe(true);
    expect(f.message).toMatch(/comes from a fork, .* read-only token/);
  });

  it('does not take a rate limit for a refusal', () => {
    const f = describeFailure(failed(403, 'API rate limit exceeded for installation'), 'x', '`issues: write`', event);
    expect(f).toEqual({
      permission: false,
      message: "Could not x: GitHub's rate limit (HTTP 403): API rate limit exceeded for installation",
    });
  });

  it('passes on other failures with what GitHub said', () => {
    expect(describeFailure(failed(502, 'Bad Gateway'), 'x', '`issues: write`', event).message).toBe(
      'Could not x: HTTP 502: Bad Gateway',
    );
    expect(describeFailure(new Error('fetch failed'), 'x', '`issues: write`', event).message).toBe(
      'Could not x: fetch failed',
    );
  });
});
