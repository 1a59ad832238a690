import { spawn } from 'node:child_process';

// Acting as another user. The action does it in one of two ways: as root it sets the uid of what it starts
// itself; as a user with passwordless sudo (GitHub's hosted runners) it goes through `sudo -n`. Everything
// that needs the privilege goes through `privileged` and `asAgentUser` below, so both ways share one code path.

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

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end, collecting its output; a command that cannot be started exits 127. */
export function run(argv: readonly string[], as: { uid?: number; gid?: number } = {}): Promise<Ran> {
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
export function privileged(via: AgentUser['via'], argv: readonly string[]): Promise<Ran> {
  return run(via === 'root' ? argv : ['sudo', '-n', '--', ...argv]);
}

/** Why a command failed, for an error message: its last line of stderr, or its exit code. */
export const failed = (r: Ran) => r.stderr.trim().split('\n').pop() || `exit code ${r.code}`;

/** Runs `argv` as the agent user, who can touch nothing of the runner's. */
function asAgentUser(user: AgentUser, argv: readonly string[]): Promise<Ran> {
  if (user.via === 'root') return run(argv, { uid: user.uid, gid: user.gid });
  return run(['sudo', '-n', '-u', user.name, '--', ...argv]);
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
