import type { MergedFinding } from '../report/findings.js';
import { commentableLines } from '../report/diff-lines.js';
import {
  planReview,
  postedFingerprints,
  renderLineComment,
  renderReviewBodies,
  type PlacedFinding,
  type ReviewPlan,
} from '../report/review-body.js';
import type { GitHubClient } from './client.js';
import type { Repo } from './event.js';
import { statusOf } from './failures.js';

export interface ReviewTarget {
  repo: Repo;
  pullRequest: number;
  /** `artifact-prefix`: the fingerprints are this use of the action's own. */
  prefix: string;
  runUrl?: string;
}

export interface ReviewOutcome {
  /** The review with the line comments; undefined when there was nothing new to post. */
  url?: string;
  plan: ReviewPlan;
}

/** Pending reviews tried while looking for the comments GitHub refuses; past this, the rest go to the body. */
const MAX_PROBES = 24;

/**
 * Posts the findings as one pull-request review (event COMMENT, never approve or request changes): line comments
 * where the diff shows the line, the rest in the body, and nothing an earlier review of this use of the action
 * (by this token's login, when known) already said. A body too long for one review continues in more reviews,
 * without comments. When GitHub refuses the review (422: a line it will not take), the refused comments are
 * found with pending reviews, deleted again, and moved to the body. Requests that fail otherwise throw.
 */
export async function postReview(
  client: GitHubClient,
  target: ReviewTarget,
  findings: readonly MergedFinding[],
  login: string | undefined,
): Promise<ReviewOutcome> {
  const [files, posted] = await Promise.all([pullFiles(client, target), earlierFingerprints(client, target, login)]);
  let plan = planReview(findings, files, posted);
  if (!plan.inline.length && !plan.body.length) return { plan };
  let url: string | undefined;
  try {
    url = await create(client, target, plan);
  } catch (error) {
    if (statusOf(error) !== 422 || !plan.inline.length) throw error;
    plan = moveToBody(plan, new Set(await findRefused(client, target, plan.inline)));
    try {
      url = await create(client, target, plan);
    } catch (again) {
      // Refused still, for a reason the probes did not show: every finding goes in the body, none is lost.
      if (statusOf(again) !== 422 || !plan.inline.length) throw again;
      plan = moveToBody(plan, new Set(plan.inline));
      url = await create(client, target, plan);
    }
  }
  return { url, plan };
}

/** The plan with the `refused` line comments moved to the body. */
function moveToBody(plan: ReviewPlan, refused: ReadonlySet<PlacedFinding>): ReviewPlan {
  const moved = plan.inline.filter((p) => refused.has(p)).map((p) => ({ ...p, reason: 'refused' as const }));
  return { ...plan, inline: plan.inline.filter((p) => !refused.has(p)), body: [...plan.body, ...moved] };
}

/** Creates the review (and, for a long body, the reviews that carry the rest of it); the first one's URL. */
async function create(client: GitHubClient, t: ReviewTarget, plan: ReviewPlan): Promise<string> {
  // COMMENT, always: the action never approves or requests changes.
  const event = 'COMMENT';
  const { owner, repo } = t.repo;
  const [first, ...rest] = renderReviewBodies({ prefix: t.prefix, plan, runUrl: t.runUrl });
  const { data } = await client.rest.pulls.createReview({
    owner,
    repo,
    pull_number: t.pullRequest,
    event,
    body: first,
    comments: plan.inline.map((p) => comment(p, t.prefix)),
  });
  for (const body of rest) {
    await client.rest.pulls.createReview({ owner, repo, pull_number: t.pullRequest, event, body });
  }
  return data.html_url;
}

function comment(p: PlacedFinding, prefix: string) {
  return {
    path: p.finding.path,
    line: p.line,
    side: 'RIGHT',
    ...(p.startLine !== undefined && { start_line: p.startLine, start_side: 'RIGHT' }),
    body: renderLineComment(p, prefix),
  };
}

/**
 * The comments GitHub refuses, by halves: a pending review of a half that GitHub takes is deleted at once and
 * its comments are fine; a refused single comment is one to move. After MAX_PROBES tries, the comments not yet
 * cleared count as refused: they go to the body, never lost.
 */
async function findRefused(client: GitHubClient, t: ReviewTarget, inline: readonly PlacedFinding[]) {
  const { owner, repo } = t.repo;
  let probes = 0;
  const probe = async (set: readonly PlacedFinding[]): Promise<PlacedFinding[]> => {
    if (probes++ >= MAX_PROBES) return [...set];
    try {
      const { data } = await client.rest.pulls.createReview({
        owner,
        repo,
        pull_number: t.pullRequest,
        comments: set.map((p) => comment(p, t.prefix)),
      });
      await client.rest.pulls.deletePendingReview({ owner, repo, pull_number: t.pullRequest, review_id: data.id });
      return [];
    } catch (error) {
      if (statusOf(error) !== 422) throw error;
      if (set.length === 1) return [...set];
      const half = Math.ceil(set.length / 2);
      return [...(await probe(set.slice(0, half))), ...(await probe(set.slice(half)))];
    }
  };
  return probe(inline);
}

/** The pull request's files, as the API pages them, each with the lines of its diff a comment can go on. */
async function pullFiles(client: GitHubClient, t: ReviewTarget): Promise<Map<string, Map<number, string>>> {
  const files = new Map<string, Map<number, string>>();
  const pages = client.paginate.iterator(client.rest.pulls.listFiles, {
    owner: t.repo.owner,
    repo: t.repo.repo,
    pull_number: t.pullRequest,
    per_page: 100,
  });
  for await (const { data } of pages) {
    for (const f of data) files.set(f.filename, commentableLines(f.patch));
  }
  return files;
}

/** The fingerprints in this login's earlier reviews of the pull request and in their line comments. */
async function earlierFingerprints(client: GitHubClient, t: ReviewTarget, login: string | undefined) {
  const params = { owner: t.repo.owner, repo: t.repo.repo, pull_number: t.pullRequest, per_page: 100 };
  const bodies: string[] = [];
  const mine = (user: { login?: string } | null | undefined) => !login || user?.login === login;
  for await (const { data } of client.paginate.iterator(client.rest.pulls.listReviews, params)) {
    for (const r of data) if (mine(r.user)) bodies.push(r.body ?? '');
  }
  for await (const { data } of client.paginate.iterator(client.rest.pulls.listReviewComments, params)) {
    for (const c of data) if (mine(c.user)) bodies.push(c.body);
  }
  return postedFingerprints(bodies, t.prefix);
}
