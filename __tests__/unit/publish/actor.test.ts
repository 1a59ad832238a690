import { describe, expect, it } from 'vitest';
import { checkTrigger } from '../../../src/publish/actor.js';
import type { EventContext } from '../../../src/publish/event.js';

// The access check against the API is tested end to end (integration/publish.test.ts); here, what is
// decided before any request.

const event = (eventName: string, actor = 'stranger'): EventContext => ({
  eventName,
  actor,
  repo: { owner: 'o', repo: 'r' },
  fromFork: false,
  privateRepo: false,
});

describe('checkTrigger', () => {
  it('lets anyone who could start the workflow start it on events only writers can trigger', async () => {
    for (const name of ['pull_request', 'push', 'schedule', 'workflow_dispatch', 'pull_request_review']) {
      expect(await checkTrigger(undefined, event(name), [])).toEqual({ allowed: true });
    }
  });

  it('lets an actor in allowed-actors start it, whatever the case of the login', async () => {
    expect(await checkTrigger(undefined, event('issue_comment', 'Dependabot[bot]'), ['dependabot[bot]'])).toEqual({
      allowed: true,
      why: 'Dependabot[bot] is listed in allowed-actors',
    });
  });

  it('refuses, saying why, when the access cannot be checked', async () => {
    for (const name of ['issue_comment', 'pull_request_review_comment', 'pull_request_target']) {
      const check = await checkTrigger(undefined, event(name), ['someone-else']);
      expect(check.allowed).toBe(false);
      expect(check.why).toContain('the access of stranger could not be checked without a github-token');
      expect(check.why).toContain(`On ${name} events, which anyone can trigger`);
    }
    expect((await checkTrigger(undefined, event('issue_comment', ''), [])).why).toContain('GITHUB_ACTOR is empty');
  });
});
