import type { EventContext } from './event.js';

/** What a workflow adds to its `permissions:` for a kind of write, as Markdown: `` `issues: write` ``. */
export type Permission = string;

export interface Failure {
  /** The token may not do this: a 403, or a 404 from a private repository (which hides what it refuses). */
  permission: boolean;
  /** One line for a warning, saying what to change. */
  message: string;
}

/** The HTTP status of a failed request, if it got an answer. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * A failed request to GitHub as a warning: `what` is the thing that could not be done ("comment on pull
 * request #7"). A refusal names the permission to add; on a pull request from a fork it says that the token
 * is read-only there. Rate limits and other failures say what GitHub answered.
 */
export function describeFailure(error: unknown, what: string, permission: Permission, event: EventContext): Failure {
  const status = statusOf(error);
  const said = error instanceof Error ? error.message.split('\n')[0]!.slice(0, 300) : String(error);
  const limited = /rate limit/i.test(said);
  const refused = !limited && (status === 403 || (status === 404 && event.privateRepo));
  if (refused && event.fromFork) {
    return {
      permission: true,
      message:
        `Could not ${what}: this pull request comes from a fork, and GitHub gives workflows on such pull requests a ` +
        `read-only token. The report is in the job summary and in report.md (the report-file output).`,
    };
  }
  if (refused) {
    return {
      permission: true,
      message:
        `Could not ${what}: the token may not (HTTP ${status}). Add ${permission} to the job's \`permissions:\`, ` +
        `or pass a github-token that has it.`,
    };
  }
  if (limited)
    return { permission: false, message: `Could not ${what}: GitHub's rate limit (HTTP ${status}): ${said}` };
  return { permission: false, message: `Could not ${what}: ${status ? `HTTP ${status}: ` : ''}${said}` };
}
