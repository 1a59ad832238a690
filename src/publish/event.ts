import * as github from '@actions/github';
import { repository } from '../util/runner.js';

// The GitHub event that started the run, read in this one place (from GITHUB_EVENT_PATH and the runner's
// variables, through @actions/github) and turned into the few facts publishing and the actor check need.

/** Events that anyone can trigger on a public repository: the actor's access is checked before agents start. */
export const UNTRUSTED_EVENTS: readonly string[] = [
  'issue_comment',
  'pull_request_review_comment',
  'pull_request_target',
];

const PULL_REQUEST_EVENTS: readonly string[] = [
  'pull_request',
  'pull_request_target',
  'pull_request_review',
  'pull_request_review_comment',
];

export interface Repo {
  owner: string;
  repo: string;
}

export interface EventContext {
  eventName: string;
  /** Undefined outside GitHub Actions (no GITHUB_REPOSITORY and no repository in the event). */
  repo?: Repo;
  /** The login that triggered the run. */
  actor: string;
  /** The pull request the event concerns, if it concerns one. */
  pullRequest?: number;
  /** The pull request comes from a fork: on `pull_request`, its token is read-only. */
  fromFork: boolean;
  /** A private repository answers 404, not 403, to a token that may not write. */
  privateRepo: boolean;
  /** The pull request's base commit, when the payload names it (a comment's payload does not). */
  baseSha?: string;
}

interface Payload {
  pull_request?: { number?: number; head?: { repo?: { full_name?: string } | null }; base?: PayloadRepo };
  issue?: { number?: number; pull_request?: unknown };
  repository?: PayloadRepo & { private?: boolean };
}

interface PayloadRepo {
  repo?: { full_name?: string };
  sha?: string;
  full_name?: string;
}

/** The facts of an event, from its name, its payload, `owner/name` and the actor. */
export function describeEvent(
  eventName: string,
  payload: unknown,
  repository: string | undefined,
  actor: string,
): EventContext {
  const p = (payload ?? {}) as Payload;
  const full = repository || p.repository?.full_name;
  const [owner, name] = (full ?? '').split('/');
  let pullRequest: number | undefined;
  if (PULL_REQUEST_EVENTS.includes(eventName)) pullRequest = p.pull_request?.number;
  else if (eventName === 'issue_comment' && p.issue?.pull_request) pullRequest = p.issue.number;
  const head = p.pull_request?.head?.repo;
  const base = p.pull_request?.base?.repo?.full_name ?? full;
  return {
    eventName,
    repo: owner && name ? { owner, repo: name } : undefined,
    actor,
    pullRequest: typeof pullRequest === 'number' ? pullRequest : undefined,
    // A pull request whose head repository is gone came from a fork that was deleted.
    fromFork:
      p.pull_request !== undefined && (head === null || (head?.full_name !== undefined && head.full_name !== base)),
    privateRepo: p.repository?.private === true,
    baseSha: typeof p.pull_request?.base?.sha === 'string' ? p.pull_request.base.sha : undefined,
  };
}

/** The event of this run. */
export function readEventContext(): EventContext {
  const c = github.context;
  return describeEvent(c.eventName ?? '', c.payload, repository(), c.actor ?? '');
}
