import type { GitHubClient } from './client.js';
import { UNTRUSTED_EVENTS, type EventContext } from './event.js';
import { statusOf } from './failures.js';

export type TriggerCheck = { allowed: true; why?: string } | { allowed: false; why: string };

/** Collaborator permissions that include writing to the repository. */
const WRITERS = ['admin', 'maintain', 'write'];

/**
 * Whether this run may start agents. On events anyone can trigger on a public repository (UNTRUSTED_EVENTS),
 * only an actor with write access to the repository may, or one listed in `allowed-actors`; everywhere else,
 * anyone who could start the workflow. When the access cannot be checked, no agent starts.
 */
export async function checkTrigger(
  client: GitHubClient | undefined,
  event: EventContext,
  allowedActors: readonly string[],
): Promise<TriggerCheck> {
  if (!UNTRUSTED_EVENTS.includes(event.eventName)) return { allowed: true };
  const actor = event.actor;
  if (allowedActors.some((a) => a.toLowerCase() === actor.toLowerCase())) {
    return { allowed: true, why: `${actor} is listed in allowed-actors` };
  }
  const refuse = (why: string): TriggerCheck => ({
    allowed: false,
    why: `No agent started: ${why}. On ${event.eventName} events, which anyone can trigger on a public repository, agents start only for actors with write access to the repository or listed in the allowed-actors input.`,
  });
  if (!actor) return refuse('the runner did not say who triggered the run (GITHUB_ACTOR is empty)');
  if (!client || !event.repo) return refuse(`the access of ${actor} could not be checked without a github-token`);
  try {
    const { data } = await client.rest.repos.getCollaboratorPermissionLevel({ ...event.repo, username: actor });
    const roles = [data.permission, data.role_name];
    if (roles.some((r) => WRITERS.includes(r))) return { allowed: true };
    return refuse(`${actor} has ${data.role_name || data.permission} access to the repository, not write`);
  } catch (error) {
    if (statusOf(error) === 404) return refuse(`${actor} is not a collaborator of the repository`);
    const said = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return refuse(`the access of ${actor} could not be checked (${said})`);
  }
}
