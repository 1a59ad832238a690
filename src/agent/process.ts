import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { signalGroupAs, spawnAs, type AgentUser } from '../isolation/run-as.js';

/** How long stdout may stay open after the CLI exited. */
const STDOUT_DRAIN_MS = 2000;

export interface GroupOptions {
  cwd: string;
  env: Record<string, string>;
  /** Fed to stdin, then stdin is closed. */
  stdin: Readable;
  /** Receives stdout as it comes; return false to pause the process until `resume` is called. */
  onStdout: (chunk: Buffer, resume: () => void) => boolean;
  /** stderr goes straight to this file. */
  stderrFile: string;
  /** Start it as this user rather than the action's own. */
  runAs?: AgentUser;
}

export interface GroupHandle {
  pid: number | undefined;
  exited: Promise<{ exitCode: number | null; signal: string | null }>;
  /** SIGTERM to the whole process group, SIGKILL after the grace period if anything is left. */
  stop(graceMs?: number): void;
}

/**
 * Starts a command as the leader of its own process group, so that stopping it also stops
 * whatever it started (the Bash tool's commands, their children).
 */
export function spawnGroup(command: string, args: string[], options: GroupOptions): GroupHandle {
  const { runAs } = options;
  const plan = runAs ? spawnAs(runAs, command, args, options.env) : { command, args };
  const stderr = fs.openSync(options.stderrFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(plan.command, plan.args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['pipe', 'pipe', stderr],
      ...('uid' in plan ? { uid: plan.uid, gid: plan.gid } : {}),
    });
  } finally {
    fs.closeSync(stderr);
  }

  const exited = new Promise<{ exitCode: number | null; signal: string | null }>((resolve) => {
    child.once('error', (err) => {
      fs.appendFileSync(options.stderrFile, `could not start ${command}: ${err.message}\n`);
      resolve({ exitCode: 127, signal: null });
    });
    child.once('exit', (exitCode, signal) => {
      // Nothing an agent started may outlive it: whatever is left in its group goes with the leader.
      signalGroup('SIGKILL');
      // A process that left the group (a new session) may hold stdout open for ever; what the CLI
      // itself wrote is in the pipe already, so read on only briefly.
      const stdout = child.stdout;
      const done = () => {
        clearTimeout(drain);
        resolve({ exitCode, signal });
      };
      const drain = setTimeout(() => stdout?.destroy(), STDOUT_DRAIN_MS);
      if (!stdout || stdout.destroyed || stdout.readableEnded) done();
      else stdout.once('close', done);
    });
  });

  child.stdout?.on('data', (chunk: Buffer) => {
    if (!options.onStdout(chunk, () => child.stdout?.resume())) child.stdout?.pause();
  });
  // A CLI that exits before reading its whole prompt closes the pipe; that is its exit to report, not ours.
  child.stdin?.on('error', () => undefined);
  if (child.stdin) options.stdin.pipe(child.stdin);

  let killTimer: NodeJS.Timeout | undefined;
  void exited.then(() => clearTimeout(killTimer));
  function signalGroup(signal: NodeJS.Signals) {
    const pid = child.pid;
    if (pid === undefined) return;
    const direct = () => {
      try {
        process.kill(-pid, signal);
      } catch {
        // The group is gone already.
      }
    };
    // Through sudo the group is sudo and the agent user's processes, out of the action's reach: the signal
    // goes as that user. sudo ends with its command; it is signalled itself only if that fails.
    if (runAs?.via === 'sudo') void signalGroupAs(runAs, pid, signal).then((sent) => sent || direct());
    else direct();
  }

  return {
    pid: child.pid,
    exited,
    stop(graceMs = 2500) {
      signalGroup('SIGTERM');
      killTimer ??= setTimeout(() => signalGroup('SIGKILL'), graceMs);
    },
  };
}
