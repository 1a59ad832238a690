import type { GitHubClient } from './client.js';
import type { Repo } from './event.js';

export interface IssueReport {
  title: string;
  /** For a new issue. */
  labels: string[];
  body: string;
  marker: string;
}

/** How many pages of open issues (100 a page, most recently updated first) are searched for the report's issue. */
const ISSUE_PAGES = 10;

/**
 * Writes the report to the open issue with exactly this title that this token created (its body replaced),
 * or to a new issue; returns the issue's page. Without a known login, an issue counts as this token's when its
 * body starts with the marker. Each run updates the issue, so it is found among the most recently updated
 * open issues: the first ISSUE_PAGES pages of them are searched, and the login is compared here rather than
 * trusted to the `creator` filter, whose handling of app logins (`github-actions[bot]`) is not documented.
 * Requests that fail throw.
 */
export async function writeIssue(
  client: GitHubClient,
  { owner, repo }: Repo,
  report: IssueReport,
  login: string | undefined,
): Promise<string> {
  const pages = client.paginate.iterator(client.rest.issues.listForRepo, {
    owner,
    repo,
    state: 'open',
    sort: 'updated',
    direction: 'desc',
    per_page: 100,
  });
  let found: number | undefined;
  let searched = 0;
  for await (const { data } of pages) {
    const mine = data.find(
      (i) =>
        !i.pull_request &&
        i.title === report.title &&
        (login ? i.user?.login === login : (i.body ?? '').startsWith(report.marker)),
    );
    if (mine) found = mine.number;
    if (mine || ++searched >= ISSUE_PAGES) break;
  }
  if (found !== undefined) {
    const { data } = await client.rest.issues.update({ owner, repo, issue_number: found, body: report.body });
    return data.html_url;
  }
  const { data } = await client.rest.issues.create({
    owner,
    repo,
    title: report.title,
    body: report.body,
    labels: report.labels,
  });
  return data.html_url;
}
