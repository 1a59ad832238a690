import os from 'node:os';
import { InputError } from '../util/errors.js';
import { failed, privileged, run, type AgentUser } from './run-as.js';

// Agents as another user (`agent-user`). An agent with a Bash tool runs whatever its prompt talks it into; as
// the runner's own user it can read the action's /proc/<pid>/environ (every INPUT_*, ACTIONS_RUNTIME_TOKEN) and
// the runner's files. As an unprivileged user of its own it can read neither.

/** The user `agent-user: auto` creates and runs agents as. */
export const DEFAULT_AGENT_USER = 'claude-agent';

/**
 * Groups that are as good as root (or can read every disk): an agent user in one of them keeps nothing out,
 * so the action refuses to use it.
 */
const PRIVILEGED_GROUPS = ['root', 'sudo', 'admin', 'wheel', 'docker', 'lxd', 'disk'];

/** What `agent-user` comes to on this machine: a user to run agents as, or none, with a note for the log. */
interface AgentUserChoice {
  name: string | null;
  /** The name was given, not chosen by `auto`: a failure to set it up fails the step rather than being noted. */
  explicit: boolean;
  note?: string;
}

/**
 * Decides `agent-user`. `auto` takes a separate user where the machine is the job's own: on GitHub-hosted
 * runners and when the action runs as root (a container, a throwaway VM). On a self-hosted runner as an
 * ordinary user it changes nothing on the machine, and says so.
 */
export function chooseAgentUser(
  setting: string,
  host: { root: boolean; githubHosted: boolean; user: string },
): AgentUserChoice {
  if (setting === 'none') return { name: null, explicit: true };
  if (setting !== 'auto') return { name: setting, explicit: true };
  if (host.root || host.githubHosted) return { name: DEFAULT_AGENT_USER, explicit: false };
  return {
    name: null,
    explicit: false,
    note:
      `agent-user is auto and this is a self-hosted runner: agents run as ${host.user}, as the action does, and ` +
      `can read what it can. Set agent-user to the name of an unprivileged user to run them as that user.`,
  };
}

interface Found {
  uid: number;
  gid: number;
  groups: string[];
}

async function lookUp(name: string): Promise<Found | undefined> {
  const [uid, gid, groups] = await Promise.all([
    run(['id', '-u', name]),
    run(['id', '-g', name]),
    run(['id', '-Gn', name]),
  ]);
  if (uid.code !== 0 || gid.code !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()), groups: groups.stdout.trim().split(/\s+/) };
}

/** How the action can act for another user here: as root, through passwordless sudo, or not at all. */
async function howToActAs(): Promise<AgentUser['via'] | undefined> {
  if (process.getuid?.() === 0) return 'root';
  const sudo = await run(['sudo', '-n', 'true']);
  return sudo.code === 0 ? 'sudo' : undefined;
}

/**
 * Finds the agent user, creating it (a system user with a group of its own, no home, no login shell, no sudo
 * rights) when it is missing, and checks it is fit to keep agents out: not root, not the runner's own user, in
 * no group that is as good as root, with no sudo rights. Throws an InputError naming `agent-user` otherwise.
 */
export async function setUpAgentUser(name: string): Promise<AgentUser & { created: boolean }> {
  const what = `Input 'agent-user' (${JSON.stringify(name)})`;
  const via = await howToActAs();
  if (!via) {
    const self = selfName();
    throw new InputError(
      `${what}: the action runs as ${self}, which is neither root nor has passwordless sudo, so it cannot start ` +
        `agents as another user. Run the job as root, give ${self} passwordless sudo, or set agent-user: none.`,
    );
  }
  const { found, created } = await findOrCreate(name, via, what);
  const owner = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  const user: AgentUser = { name, uid: found.uid, gid: found.gid, via, owner };
  await checkFit(user, found.groups, what);
  return { ...user, created };
}

/** The user named `name`, created when missing. */
async function findOrCreate(
  name: string,
  via: AgentUser['via'],
  what: string,
): Promise<{ found: Found; created: boolean }> {
  const found = await lookUp(name);
  if (found) return { found, created: false };
  const useradd = await privileged(via, [
    'useradd',
    '--system',
    '--user-group',
    '--no-create-home',
    '--home-dir',
    '/nonexistent',
    '--shell',
    '/usr/sbin/nologin',
    '--comment',
    'Claude Agent Matrix agents',
    name,
  ]);
  // Two runs on one machine may create it at the same time: the loser finds it made.
  const made = await lookUp(name);
  if (!made) {
    throw new InputError(
      `${what}: there is no such user and it could not be created (${failed(useradd)}). ` +
        `Create an unprivileged user and name it in agent-user, or set agent-user: none.`,
    );
  }
  return { found: made, created: useradd.code === 0 };
}

/** Throws unless `user` keeps agents out: not root or the runner, in no strong group, without sudo rights. */
async function checkFit(user: AgentUser, groups: readonly string[], what: string): Promise<void> {
  if (user.uid === 0 || user.uid === user.owner.uid) {
    throw new InputError(
      `${what} is ${user.uid === 0 ? 'root' : `the runner's own user (${selfName()})`}: agents would keep every ` +
        `privilege. Name an unprivileged user of its own, or set agent-user: auto.`,
    );
  }
  const strong = groups.filter((g) => PRIVILEGED_GROUPS.includes(g));
  if (strong.length) {
    throw new InputError(
      `${what} is in the group${strong.length > 1 ? 's' : ''} ${strong.join(', ')}, as good as root. ` +
        `Take it out, or name another user.`,
    );
  }
  // sudo itself may be missing (a container run as root); then no one has sudo rights to check.
  const rights = await privileged(user.via, ['sudo', '-n', '-l', '-U', user.name]);
  if (rights.code === 0 && /may run the following commands/i.test(rights.stdout)) {
    throw new InputError(`${what} has sudo rights, which would let agents become root. Name a user without them.`);
  }
  if (user.via === 'sudo') {
    // Agents get their environment (their API key) through sudo's -E, never on a command line anyone can read.
    const check = await run(['sudo', '-n', '-E', '-u', user.name, '--', 'true']);
    if (check.code !== 0) {
      throw new InputError(
        `${what}: sudo cannot start commands as ${user.name} with the caller's environment (${failed(check)}). ` +
          `The runner's sudo rule needs SETENV (or ALL), or set agent-user: none.`,
      );
    }
  }
}

/** The action's own user name, or its uid where the machine has no name for it (a bare container). */
export function selfName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return `uid ${process.getuid?.()}`;
  }
}
