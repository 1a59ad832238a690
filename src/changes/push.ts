import * as core from '@actions/core';
import { gitComplaint } from './commit.js';

/**
 * The token as git's HTTP header, through the environment of the one git command that needs it: never in a
 * remote's URL, on a command line, or in a file an agent could read.
 */
export function tokenEnv(token: string): Record<string, string> {
  if (!token) return {};
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  core.setSecret(basic);
  return {
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'http.extraheader',
    GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}`,
  };
}

/**
 * Pushes `commit` to `branch` of `origin` (forced for the action's own branches, which it alone writes). Returns
 * why it failed, naming the permission that is missing when git's answer shows one, or undefined.
 */
export async function pushBranch(
  dir: string,
  commit: string,
  branch: string,
  o: { force: boolean; token: string },
): Promise<string | undefined> {
  const args = ['push', '--quiet', '--no-verify', ...(o.force ? ['--force'] : []), 'origin'];
  const said = await gitComplaint(dir, [...args, `${commit}:refs/heads/${branch}`], tokenEnv(o.token));
  return said === undefined ? undefined : pushFailure(branch, said.trim().replace(/\s*\n\s*/g, ' '));
}

/** What a failed push means for the user: the permission it lacks, when git's answer tells. */
export function pushFailure(branch: string, message: string): string {
  if (/workflows?`? (scope|permission)/i.test(message)) {
    return (
      `pushing ${branch} was refused: it changes a workflow file, which GitHub lets only a token with the ` +
      `\`workflows\` permission push (GITHUB_TOKEN never has it; use a GitHub App's token): ${message}`
    );
  }
  if (/\b403\b|denied|not permitted|write access/i.test(message)) {
    return (
      `pushing ${branch} was refused: the job's token needs \`contents: write\` (add \`permissions: contents: ` +
      `write\` to the job that pushes): ${message}`
    );
  }
  if (/non-fast-forward|fetch first|rejected/i.test(message)) {
    return `pushing ${branch} was refused: the branch moved on since the agents started; run them again: ${message}`;
  }
  return `pushing ${branch} failed: ${message}`;
}
