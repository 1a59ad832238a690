import type { GitHubClient } from '../publish/client.js';
import type { Repo } from '../publish/event.js';
import { statusOf } from '../publish/failures.js';

/** A pull request as the action keeps it: enough to link it and to edit it. */
export interface OpenPull {
  number: number;
  url: string;
}

/** Where pull requests go: the repository, the branch they merge into, and the client that opens them. */
export interface PullTarget {
  github: GitHubClient;
  repo: Repo;
  /** The branch they merge into. */
  base: string;
}

/** The open pull request of `branch` (this repository's own branch), if there is one. */
export async function findPull(t: PullTarget, branch: string): Promise<OpenPull | undefined> {
  const { data } = await t.github.rest.pulls.list({
    ...t.repo,
    head: `${t.repo.owner}:${branch}`,
    state: 'open',
    per_page: 10,
  });
  const pull = data.find((p) => p.head.ref === branch);
  return pull ? { number: pull.number, url: pull.html_url } : undefined;
}

/**
 * The pull request of `branch`: the open one edited (title and body), else a new one. The same branch is the
 * same pull request, so a re-run or the next night updates it instead of opening another.
 */
export async function upsertPull(
  t: PullTarget,
  branch: string,
  text: { title: string; body: string },
): Promise<OpenPull & { created: boolean }> {
  const open = await findPull(t, branch);
  if (open) {
    await t.github.rest.pulls.update({ ...t.repo, pull_number: open.number, ...text });
    return { ...open, created: false };
  }
  const { data } = await t.github.rest.pulls.create({ ...t.repo, head: branch, base: t.base, ...text });
  return { number: data.number, url: data.html_url, created: true };
}

/** The branch pull requests merge into when the job checked out none: the repository's default branch. */
export async function defaultBranch(github: GitHubClient, repo: Repo): Promise<string> {
  const { data } = await github.rest.repos.get({ ...repo });
  return data.default_branch;
}

/** A failed pull request request as what to change: the permission, or the repository setting, it lacks. */
export function pullFailure(branch: string, error: unknown): string {
  const said = error instanceof Error ? error.message.split('\n')[0]!.slice(0, 300) : String(error);
  if (statusOf(error) === 403 && /not permitted to create or approve pull requests/i.test(said)) {
    return (
      `the pull request of ${branch} was not opened: the repository does not let GitHub Actions create pull ` +
      `requests. Turn on "Allow GitHub Actions to create and approve pull requests" (Settings → Actions → General → ` +
      `Workflow permissions), or give a GitHub App's token (${said})`
    );
  }
  if (statusOf(error) === 403) {
    return (
      `the pull request of ${branch} was not opened or edited: the job's token needs \`pull-requests: write\` ` +
      `(add it to the job's \`permissions:\`) (${said})`
    );
  }
  return `the pull request of ${branch} was not opened or edited: ${said}`;
}
