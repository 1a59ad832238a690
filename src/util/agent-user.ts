import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { InputError } from './errors.js';
import { isGitHubHosted, jobTemp } from './runner.js';

// Agents as another user (`agent-user`). An agent with a Bash tool runs whatever its prompt talks it into; as
// the runner's own user it can read the action's /proc/<pid>/environ (every INPUT_*, ACTIONS_RUNTIME_TOKEN) and
// the runner's files. As an unprivileged user of its own it can read neither. The action acts for that user in
// one of two ways: as root it sets the uid of what it starts itself; as a user with passwordless sudo (GitHub's
// hosted runners) it goes through `sudo -n`. Everything that needs the privilege goes through `privileged` and
// `asAgentUser` below, so both ways share one code path.

/** The user `agent-user: auto` creates and runs agents as. */
export const DEFAULT_AGENT_USER = 'claude-agent';

/**
 * Groups that are as good as root (or can read every disk): an agent user in one of them keeps nothing out,
 * so the action refuses to use it.
 */
export const PRIVILEGED_GROUPS = ['root', 'sudo', 'admin', 'wheel', 'docker', 'lxd', 'disk'];

/** The user agents run as, and how the action acts for it. */
export interface AgentUser {
  name: string;
  uid: number;
  gid: number;
  /** `root`: the action is root and sets the uid itself. `sudo`: every step goes through passwordless sudo. */
  via: 'root' | 'sudo';
  /** The action's own user and group, to whom the agents' folders go back after each attempt. */
  owner: { uid: number; gid: number };
}

/** What `agent-user` comes to on this machine: a user to run agents as, or none, with a note for the log. */
export interface AgentUserChoice {
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

/** A user name as useradd takes it. */
export function isUserName(value: string): boolean {
  return /^[a-z_][a-z0-9_-]{0,30}[$]?$/.test(value);
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end, collecting its output; a command that cannot be started exits 127. */
function run(argv: readonly string[], as: { uid?: number; gid?: number } = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const [command, ...args] = argv as [string, ...string[]];
    let stdout = '';
    let stderr = '';
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...as });
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.once('error', (err) => resolve({ code: 127, stdout, stderr: `${stderr}${err.message}` }));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs `argv` as root: directly when the action is root, else through passwordless sudo. */
function privileged(via: AgentUser['via'], argv: readonly string[]): Promise<Ran> {
  return run(via === 'root' ? argv : ['sudo', '-n', '--', ...argv]);
}

/** Runs `argv` as the agent user, who can touch nothing of the runner's. */
function asAgentUser(user: AgentUser, argv: readonly string[]): Promise<Ran> {
  if (user.via === 'root') return run(argv, { uid: user.uid, gid: user.gid });
  return run(['sudo', '-n', '-u', user.name, '--', ...argv]);
}

const failed = (r: Ran) => r.stderr.trim().split('\n').pop() || `exit code ${r.code}`;

async function lookUp(name: string): Promise<{ uid: number; gid: number; groups: string[] } | undefined> {
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
  const self = selfName();
  if (!via) {
    throw new InputError(
      `${what}: the action runs as ${self}, which is neither root nor has passwordless sudo, so it cannot start ` +
        `agents as another user. Run the job as root, give ${self} passwordless sudo, or set agent-user: none.`,
    );
  }
  let found = await lookUp(name);
  let created = false;
  if (!found) {
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
    found = await lookUp(name);
    if (!found) {
      throw new InputError(
        `${what}: there is no such user and it could not be created (${failed(useradd)}). ` +
          `Create an unprivileged user and name it in agent-user, or set agent-user: none.`,
      );
    }
    created = useradd.code === 0;
  }
  const owner = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  if (found.uid === 0 || found.uid === owner.uid) {
    throw new InputError(
      `${what} is ${found.uid === 0 ? 'root' : `the runner's own user (${self})`}: agents would keep every ` +
        `privilege. Name an unprivileged user of its own, or set agent-user: auto.`,
    );
  }
  const strong = found.groups.filter((g) => PRIVILEGED_GROUPS.includes(g));
  if (strong.length) {
    throw new InputError(
      `${what} is in the group${strong.length > 1 ? 's' : ''} ${strong.join(', ')}, as good as root. ` +
        `Take it out, or name another user.`,
    );
  }
  // sudo itself may be missing (a container run as root); then no one has sudo rights to check.
  const rights = await privileged(via, ['sudo', '-n', '-l', '-U', name]);
  if (rights.code === 0 && /may run the following commands/i.test(rights.stdout)) {
    throw new InputError(`${what} has sudo rights, which would let agents become root. Name a user without them.`);
  }
  const user: AgentUser = { name, uid: found.uid, gid: found.gid, via, owner };
  if (via === 'sudo') {
    // Agents get their environment (their API key) through sudo's -E, never on a command line anyone can read.
    const check = await run(['sudo', '-n', '-E', '-u', name, '--', 'true']);
    if (check.code !== 0) {
      throw new InputError(
        `${what}: sudo cannot start commands as ${name} with the caller's environment (${failed(check)}). ` +
          `The runner's sudo rule needs SETENV (or ALL), or set agent-user: none.`,
      );
    }
  }
  return { ...user, created };
}

/** The command and ids to start `command` as the agent user with `env` (see AgentUser['via']). */
export function spawnAs(
  user: AgentUser,
  command: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): { command: string; args: string[]; uid?: number; gid?: number } {
  if (user.via === 'root') return { command, args: [...args], uid: user.uid, gid: user.gid };
  // sudo keeps the environment with -E but replaces PATH (secure_path) and SHELL; env puts them back. Neither
  // is a secret, unlike the rest, which stays off the command line.
  const restore = (['PATH', 'SHELL'] as const).filter((k) => env[k] !== undefined).map((k) => `${k}=${env[k]}`);
  return { command: 'sudo', args: ['-n', '-E', '-u', user.name, '--', 'env', ...restore, command, ...args] };
}

/**
 * Signals every process of a process group that sudo started as the agent user. The group's leader is sudo
 * (root) and the rest are the agent user's, so the action can signal none of them itself: the signal is sent
 * as the agent user, who can reach its own processes and no one else's. False when that failed.
 */
export async function signalGroupAs(user: AgentUser, pgid: number, signal: NodeJS.Signals): Promise<boolean> {
  const r = await asAgentUser(user, ['kill', '-s', signal.replace(/^SIG/, ''), '--', `-${pgid}`]);
  return r.code === 0;
}

/**
 * Hands folders to the agent user: every entry, deepest first, so that no folder is the agent's while the
 * action still works below it (another agent of the same user could otherwise swap a folder it is about to
 * enter for a link elsewhere). Links are changed, never followed. The hook for whatever prepares an agent's
 * folder (a worktree, a copy) before the agent starts.
 */
export async function handOver(user: AgentUser, dirs: readonly string[]): Promise<void> {
  await chownTree(user, dirs, `${user.uid}:${user.gid}`, 'hand to');
}

/**
 * Takes folders back from the agent user once its processes are gone, so the action (and later steps, and
 * git, which refuses repositories owned by someone else) can read, move and delete what it wrote. Files are
 * made readable to their new owner and writable by no one else.
 */
export async function reclaim(user: AgentUser, dirs: readonly string[]): Promise<void> {
  await chownTree(user, dirs, `${user.owner.uid}:${user.owner.gid}`, 'take back from', ['u+rwX,go-w']);
}

async function chownTree(
  user: AgentUser,
  dirs: readonly string[],
  owner: string,
  verb: string,
  chmod: string[] = [],
): Promise<void> {
  const there = dirs.filter((d) => fs.existsSync(d));
  if (!there.length) return;
  const also = chmod.length ? ['!', '-type', 'l', '-exec', 'chmod', ...chmod, '{}', '+'] : [];
  const r = await privileged(user.via, ['find', ...there, '-depth', '-exec', 'chown', '-h', owner, '{}', '+', ...also]);
  if (r.code !== 0) throw new Error(`could not ${verb} ${user.name} ${there.join(', ')}: ${failed(r)}`);
}

/** Files an agent's own HOME starts with. */
export function agentHomeFiles(): Record<string, string> {
  // git refuses repositories owned by another user: the checkout and the worktrees made from it are the
  // runner's. Trusting them is safe for the agent user, the one of the two with less to lose.
  return { '.gitconfig': '[safe]\n\tdirectory = *\n' };
}

/**
 * Keeps the agent user out of the runner's files while letting it reach its own folders, the checkout and the
 * CLI. `$RUNNER_TEMP` (the command files, the step scripts with their pasted-in values, credential files other
 * actions leave there) becomes search-only for other users, every entry already in it private, and the command
 * files private wherever they are; `finish` closes `$RUNNER_TEMP` altogether once the agents are done, so a
 * process an agent left behind finds nothing of later steps, and takes back the search permission `openWayTo`
 * gave. Without `RUNNER_TEMP` (a local run) there is nothing of a runner's to keep; a world-writable sticky
 * folder (/tmp) is never changed.
 */
export function fenceRunner(runnerTemp: string | undefined, commandFiles: readonly string[]) {
  const notes: string[] = [];
  const opened: { dir: string; mode: number }[] = [];
  const temp = runnerTemp && isPrivateFolder(runnerTemp) ? runnerTemp : undefined;
  if (temp) {
    for (const entry of fs.readdirSync(temp)) closeToOthers(path.join(temp, entry));
    chmodBits(temp, 0o711);
    notes.push(`$RUNNER_TEMP (${temp}) is search-only for other users, and what was in it private to its owner`);
  }
  for (const file of commandFiles) if (fs.existsSync(file)) closeToOthers(file);

  return {
    notes,
    /** Gives other users search permission (o+x, never read) on each folder above `target` that lacks it. */
    openWayTo(target: string): void {
      const dirs: string[] = [];
      for (let d = path.dirname(path.resolve(target)); ; d = path.dirname(d)) {
        dirs.unshift(d);
        if (d === path.dirname(d)) break;
      }
      for (const dir of dirs) {
        try {
          const mode = fs.statSync(dir).mode & 0o7777;
          if (mode & 0o001) continue;
          fs.chmodSync(dir, mode | 0o001);
          opened.push({ dir, mode });
          notes.push(`${dir} is searchable (o+x) by other users while agents run, to reach ${target}`);
        } catch (err) {
          notes.push(`${dir} could not be made searchable to reach ${target}: ${(err as Error).message}`);
        }
      }
    },
    /** At the end of the run: `$RUNNER_TEMP` closed to other users, the opened folders as they were. */
    finish(): void {
      const steps = [
        ...(temp ? [() => chmodBits(temp, 0o700)] : []),
        ...opened.reverse().map(({ dir, mode }) => () => {
          if ((fs.statSync(dir).mode & 0o7777) === (mode | 0o001)) fs.chmodSync(dir, mode);
        }),
      ];
      // One folder that cannot be changed back must not keep the others open.
      for (const step of steps) {
        try {
          step();
        } catch (err) {
          notes.push(`at the end: ${(err as Error).message}`);
        }
      }
    },
  };
}

/** Whether `dir` is a folder of its own rather than a shared one such as /tmp (world-writable and sticky). */
function isPrivateFolder(dir: string): boolean {
  try {
    const stat = fs.statSync(dir);
    return stat.isDirectory() && path.resolve(dir) !== path.parse(path.resolve(dir)).root && !(stat.mode & 0o1000);
  } catch {
    return false;
  }
}

/** Takes every permission of group and others off a file or folder; links are left alone. */
function closeToOthers(file: string): void {
  const stat = fs.lstatSync(file);
  if (!stat.isSymbolicLink() && stat.mode & 0o077) fs.chmodSync(file, stat.mode & 0o7700);
}

/** Sets the group and other bits of `dir` to those of `bits`, keeping the owner's. */
function chmodBits(dir: string, bits: number): void {
  const mode = fs.statSync(dir).mode & 0o7777;
  fs.chmodSync(dir, (mode & 0o7700) | (bits & 0o077));
}

/** A run's agent user, and the fence around the runner's files that `finish` completes at the end. */
export interface AgentUserRun {
  user: AgentUser;
  /** Lets the agent user reach `target` (a folder it needs, or the CLI) through the folders above it. */
  openWayTo(target: string): void;
  finish(): void;
}

/**
 * Sets up `agent-user` for a run and logs what it came to, once: the user agents run as (created when
 * missing) and the runner's files fenced off, or why agents run as the action's own user. `auto` that cannot
 * set a user up warns and goes on without one; a named user that cannot be used fails the step.
 */
export async function startAgentUser(
  setting: string,
  commandFiles: readonly string[],
): Promise<AgentUserRun | undefined> {
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
    openWayTo(target) {
      const before = fence.notes.length;
      fence.openWayTo(target);
      for (const note of fence.notes.slice(before)) core.info(`agent-user: ${note}`);
    },
    finish: () => fence.finish(),
  };
}

/** The action's own user name, or its uid where the machine has no name for it (a bare container). */
function selfName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return `uid ${process.getuid?.()}`;
  }
}
