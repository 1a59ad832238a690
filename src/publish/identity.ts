import * as core from '@actions/core';
import type { GitHubClient } from './client.js';

/**
 * The login the token acts as (`github-actions[bot]` for the workflow's own token, the user for a personal
 * token), so that only what this token wrote is edited. GraphQL's `viewer` answers both kinds of token, where
 * REST's `GET /user` refuses installation tokens. Undefined when it cannot be told.
 */
export async function whoAmI(client: GitHubClient): Promise<string | undefined> {
  try {
    const { viewer } = await client.graphql<{ viewer: { login: string } }>('query { viewer { login } }');
    return viewer.login;
  } catch (error) {
    core.info(
      `Could not tell which login the github-token acts as (${String(error).split('\n')[0]}); matching by marker alone.`,
    );
    return undefined;
  }
}
