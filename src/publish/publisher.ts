import * as core from '@actions/core';
import { link } from '../report/markdown.js';
import { renderReport } from '../report/report-file.js';
import { countFindings, describeCounts, findingsOf, mergeFindings } from '../report/findings.js';
import type { AgentResult, CommentMode, ReportInput, ReviewMode } from '../types.js';
import { redactText } from '../util/redact.js';
import type { GitHubClient } from './client.js';
import { BODY_MARGIN, BODY_MAX, marker, renderComment, type AgentView, type Links } from '../report/comment-body.js';
import { CommentWriter } from './comment.js';
import type { EventContext, Repo } from './event.js';
import { describeFailure, type Permission } from './failures.js';
import { whoAmI } from './identity.js';
import { writeIssue } from './issue.js';
import { postReview } from './review.js';
import { throttle } from './throttle.js';

/** How often the comment is edited while agents run, at most. */
export const PROGRESS_INTERVAL_MS = 15_000;
/**
 * For tests only: another interval for the progress edits, in milliseconds, so that a test sees throttling
 * without waiting 15 s a step.
 */
export const PROGRESS_INTERVAL_ENV = 'CLAUDE_AGENT_MATRIX_PROGRESS_INTERVAL_MS';

export function progressInterval(env: NodeJS.ProcessEnv = process.env): number {
  const given = Number(env[PROGRESS_INTERVAL_ENV]);
  return env[PROGRESS_INTERVAL_ENV] && Number.isFinite(given) && given >= 0 ? given : PROGRESS_INTERVAL_MS;
}

export interface PublishPlan {
  /** The issue or pull request to comment on, and how. */
  comment?: { issue: number; mode: 'auto' | 'new' };
  /** The issue the report goes to. */
  issue?: { title: string; labels: string[] };
  /** The pull request that the reviewers' findings go to, as a review. */
  review?: { pullRequest: number };
}

/**
 * Where this run publishes: a comment on `comment-on` or else on the event's pull request (unless `comment:
 * off`), and the issue titled `issue-title` when one is given.
 */
export function planPublishing(
  event: EventContext,
  inputs: {
    comment: CommentMode;
    commentOn?: number;
    issueTitle: string;
    issueLabels: string[];
    matrix?: readonly { review?: ReviewMode }[];
  },
): PublishPlan {
  const plan: PublishPlan = {};
  const on = inputs.commentOn ?? event.pullRequest;
  if (inputs.comment !== 'off' && on !== undefined) plan.comment = { issue: on, mode: inputs.comment };
  if (inputs.issueTitle) plan.issue = { title: inputs.issueTitle, labels: inputs.issueLabels };
  const pullRequest = event.pullRequest ?? inputs.commentOn;
  if (pullRequest !== undefined && inputs.matrix?.some((s) => s.review === 'comments')) plan.review = { pullRequest };
  return plan;
}

export interface PublisherOptions {
  client: GitHubClient;
  event: EventContext & { repo: Repo };
  plan: PublishPlan;
  /** `artifact-prefix`: one comment and one issue marker per use of the action. */
  prefix: string;
  secrets: readonly string[];
  /** The least time between two progress edits of the comment. */
  intervalMs: number;
}

export interface Published {
  commentUrl?: string;
  issueUrl?: string;
  reviewUrl?: string;
}

/**
 * Publishes one run: the comment, filled in as agents start and finish (`started`, `finished`, edited at
 * most every `intervalMs`), then written once more with everything by `finish`, which also writes the issue.
 * It takes values only (results, the report's input, links), so the aggregate action can call `finish` alone.
 * Nothing it does throws: a failure is one warning per target, and a refusal stops that target.
 */
export class Publisher {
  private readonly agents = new Map<string, AgentView>();
  private readonly login: Promise<string | undefined>;
  private readonly comment?: CommentWriter;
  private readonly progress;
  private readonly warned = new Set<string>();
  private commentRefused = false;
  private links: Links = {};

  constructor(private readonly o: PublisherOptions) {
    this.login = whoAmI(o.client);
    const c = o.plan.comment;
    if (c) {
      const place = { repo: o.event.repo, issue: c.issue, marker: marker('comment', o.prefix), mode: c.mode };
      this.comment = new CommentWriter(o.client, place, this.login);
    }
    this.progress = throttle(o.intervalMs, () => this.writeComment(new Map()));
  }

  /** The agents of the run, in matrix order, all waiting; the comment appears at once. */
  begin(ids: readonly string[], links: Links): void {
    this.links = links;
    for (const id of ids) this.agents.set(id, { id, state: 'waiting' });
    this.progress.poke();
  }

  started(id: string): void {
    this.agents.set(id, { id, state: 'running' });
    this.progress.poke();
  }

  /** An agent has finished; its result was made safe as it was made (see runAgents). */
  finished(result: AgentResult): void {
    this.agents.set(result.id, result);
    this.progress.poke();
  }

  /**
   * The final comment and the issue, from the report's input (results with their uploads, stats, whole
   * answers, all made safe) and the links. Waits for a progress edit in flight, never starts another.
   */
  async finish(report: ReportInput, links: Links): Promise<Published> {
    await this.progress.close();
    this.links = links;
    this.agents.clear();
    for (const r of report.results) this.agents.set(r.id, r);
    // The review first, so that the comment links it.
    const reviewUrl = await this.writeReview(report);
    const [, issueUrl] = await Promise.all([this.writeComment(report.answers), this.writeIssue(report, links)]);
    return { commentUrl: this.comment?.url, issueUrl, reviewUrl };
  }

  /** The reviewers' new findings as one pull-request review; its URL, when one was posted. */
  private async writeReview(report: ReportInput): Promise<string | undefined> {
    const on = this.o.plan.review?.pullRequest;
    if (on === undefined) return undefined;
    const findings = mergeFindings(findingsOf(report.results));
    if (!findings.length) return undefined;
    const target = { repo: this.o.event.repo, pullRequest: on, prefix: this.o.prefix, runUrl: report.runUrl };
    try {
      const { url, plan } = await postReview(this.o.client, target, findings, await this.login);
      if (plan.repeated) core.info(`${plan.repeated} findings were posted by an earlier review; not repeated.`);
      const posted = [...plan.inline, ...plan.body].map((p) => p.finding);
      if (url) this.links = { ...this.links, review: { url, findings: describeCounts(countFindings(posted)) } };
      return url;
    } catch (error) {
      this.fail(error, `post the review on pull request #${on}`, '`pull-requests: write`');
      return undefined;
    }
  }

  private async writeComment(answers: ReadonlyMap<string, string>): Promise<void> {
    if (!this.comment || this.commentRefused) return;
    const render = () =>
      renderComment({
        marker: marker('comment', this.o.prefix),
        agents: [...this.agents.values()],
        answers,
        links: this.links,
      });
    try {
      await this.comment.write(render);
    } catch (error) {
      const on = this.o.plan.comment!.issue;
      // A number from comment-on may be an issue's, which takes the other permission.
      const needs =
        on === this.o.event.pullRequest
          ? '`pull-requests: write`'
          : '`pull-requests: write` (`issues: write` if it is an issue)';
      if (this.fail(error, `comment on #${on}`, needs)) this.commentRefused = true;
    }
  }

  private async writeIssue(report: ReportInput, links: Links): Promise<string | undefined> {
    const plan = this.o.plan.issue;
    if (!plan) return undefined;
    const mark = marker('issue', this.o.prefix);
    const whole = links.report?.url
      ? `the ${link(`\`${links.report.name}\``, links.report.url)} artifact`
      : link('the run', links.run);
    const text = renderReport(report, { maxChars: BODY_MAX - BODY_MARGIN - mark.length - 1, whole });
    try {
      const body = `${mark}\n${text}`;
      return await writeIssue(this.o.client, this.o.event.repo, { ...plan, body, marker: mark }, await this.login);
    } catch (error) {
      this.fail(error, `write the report to the issue "${plan.title}"`, '`issues: write`');
      return undefined;
    }
  }

  /** Warns once per target; true when the token was refused (no use trying that target again). */
  private fail(error: unknown, what: string, permission: Permission): boolean {
    const failure = describeFailure(error, what, permission, this.o.event);
    if (!this.warned.has(what)) core.warning(redactText(failure.message, this.o.secrets));
    this.warned.add(what);
    return failure.permission;
  }
}

/**
 * The publisher for this run, or undefined when there is nothing to publish, no repository (a local run) or
 * no token (which is worth a warning, as the workflow asked for a comment or an issue).
 */
export function openPublisher(
  client: GitHubClient | undefined,
  event: EventContext,
  plan: PublishPlan,
  o: Pick<PublisherOptions, 'prefix' | 'secrets' | 'intervalMs'>,
): Publisher | undefined {
  if (!plan.comment && !plan.issue && !plan.review) return undefined;
  if (!event.repo) {
    core.info('Not running in a GitHub repository (no GITHUB_REPOSITORY): no comment and no issue are written.');
    return undefined;
  }
  if (!client) {
    core.warning('The github-token input is empty: no comment, review or issue is written. Pass github-token.');
    return undefined;
  }
  return new Publisher({ client, event: { ...event, repo: event.repo }, plan, ...o });
}
