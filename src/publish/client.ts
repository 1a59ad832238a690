import * as core from '@actions/core';
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

export type GitHubClient = ReturnType<typeof getOctokit>;

/** One request (each attempt of it) gets this long before it is given up. */
const REQUEST_TIMEOUT_MS = 30_000;
/** Waits longer than this for a rate limit to pass are not worth a run's time: the request fails instead. */
const MAX_RATE_LIMIT_WAIT_S = 60;

/**
 * The Octokit of @actions/github (GITHUB_API_URL, the runner's proxy) with the retry plugin (5xx and network
 * failures, three more tries with a growing backoff) and the throttling plugin (writes spaced out as GitHub
 * asks; a rate limit waited out once when it passes within a minute). 4xx answers are never retried.
 */
export function createClient(token: string): GitHubClient {
  const waitOnce =
    (kind: string) =>
    (retryAfter: number, options: { method: string; url: string }, _o: unknown, retryCount: number) => {
      const wait = retryCount < 1 && retryAfter <= MAX_RATE_LIMIT_WAIT_S;
      core.info(
        `GitHub ${kind} on ${options.method} ${options.url}: ${wait ? `retrying in ${retryAfter} s` : 'giving up'}`,
      );
      return wait;
    };
  const octokit = getOctokit(
    token,
    {
      retry: { retries: 3 },
      throttle: { onRateLimit: waitOnce('rate limit'), onSecondaryRateLimit: waitOnce('secondary rate limit') },
      log: { debug: core.debug, info: core.debug, warn: core.debug, error: core.debug },
    },
    retry,
    throttling,
  );
  octokit.hook.before('request', (options) => {
    options.request = { ...options.request, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) };
  });
  return octokit;
}
