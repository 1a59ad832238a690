import * as core from '@actions/core';
import { InputError } from '../util/errors.js';
import { isGitHubHosted, jobTemp } from '../util/runner.js';
import { fenceRunner } from './fence.js';
import type { AgentUser } from './run-as.js';
import { chooseAgentUser, selfName, setUpAgentUser } from './user.js';

// Isolation's face to main.ts: set up once per step, before any agent starts, and finished at the step's end.
// What agents and workspaces need of it on the way (spawning as the agent user, handing folders over) they ask
// of run-as.ts and hand-over.ts with the `user` this gives.

/** A step's isolation: the agents' user, and the fence around the runner's files that `finish` completes. */
export interface Isolation {
  user: AgentUser;
  /** The loopback ports of the action's own servers (the API proxy) that agents must be able to reach. */
  actionPorts: readonly number[];
  /** Lets the agent user reach `target` (a folder it needs, or the CLI) through the folders above it. */
  openWayTo(target: string): void;
  finish(): void;
}

/**
 * Sets up `agent-user` for a step and logs what it came to, once: the user agents run as (created when
 * missing) and the runner's files fenced off, or why agents run as the action's own user. `auto` that cannot
 * set a user up warns and goes on without one; a named user that cannot be used fails the step.
 */
export async function startIsolation(
  setting: string,
  commandFiles: readonly string[],
  actionPorts: readonly number[] = [],
): Promise<Isolation | undefined> {
  const started = Date.now();
  const choice = chooseAgentUser(setting, {
    root: process.getuid?.() === 0,
    githubHosted: isGitHubHosted(),
    user: selfName(),
  });
  if (choice.note) core.info(choice.note);
  if (!choice.name) return undefined;
  let user: AgentUser & { created: boolean };
  try {
    user = await setUpAgentUser(choice.name);
  } catch (err) {
    if (choice.explicit || !(err instanceof InputError)) throw err;
    core.warning(`${err.message} Agents run as ${selfName()}; set agent-user: none to say that is meant.`);
    return undefined;
  }
  const fence = fenceRunner(jobTemp(), commandFiles);
  const how = user.via === 'root' ? 'as root' : 'through sudo';
  core.info(
    `Agents run as ${user.name} (uid ${user.uid}${user.created ? ', created now' : ''}; the action acts for it ${how}), ` +
      `set up in ${Date.now() - started} ms`,
  );
  for (const note of fence.notes) core.info(`agent-user: ${note}`);
  return {
    user,
    actionPorts,
    openWayTo(target) {
      const before = fence.notes.length;
      fence.openWayTo(target);
      for (const note of fence.notes.slice(before)) core.info(`agent-user: ${note}`);
    },
    finish: () => fence.finish(),
  };
}
