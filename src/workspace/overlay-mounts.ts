import fs from 'node:fs';
import { failed, privileged, run, type AgentUser } from '../isolation/run-as.js';
import { startTicksOf, stillRunning } from '../util/proc-stat.js';

// Overlay mounts: made, taken down, and found again after a step that was killed before it could take its own
// down. Every mount of this action names its maker in its source (`/proc/self/mounts`' first field), so a later
// run takes down only this action's mounts, and only those whose maker is gone.

/** How the action mounts: as root itself, or through passwordless sudo. */
export type Mounter = AgentUser['via'];

const SOURCE_PREFIX = 'claude-agent-matrix-overlay-';

/** The source name of this process's mounts: the prefix, the pid and the pid's start time (pids are reused). */
export function mountSource(pid: number, startTicks: number): string {
  return `${SOURCE_PREFIX}${pid}.${startTicks}`;
}

/** This process's own source name. */
export function ownMountSource(): string {
  return mountSource(process.pid, startTicksOf(process.pid) ?? 0);
}

/** A mount point as `/proc/self/mounts` writes it: space, tab, newline and backslash as octal escapes. */
function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/**
 * The mount points of this action's overlays in a mount table whose makers are no longer running, the
 * latest first. Other overlays (Docker's, another tool's) and those of a run still going are left out.
 */
export function leftoverMounts(mounts: string, alive: (pid: number, startTicks: number) => boolean): string[] {
  const found: string[] = [];
  for (const line of mounts.split('\n')) {
    const [source, target, type] = line.split(' ');
    if (type !== 'overlay' || !source?.startsWith(SOURCE_PREFIX) || !target) continue;
    const m = /^(\d+)\.(\d+)$/.exec(source.slice(SOURCE_PREFIX.length));
    if (!m || alive(Number(m[1]), Number(m[2]))) continue;
    found.push(unescapeMountField(target));
  }
  // The table lists mounts in the order they were made: taken down last first, a mount on top of another goes first.
  return found.reverse();
}

/**
 * Takes down, lazily, every overlay of this action that a killed step left: a mount point under `$RUNNER_TEMP`
 * would otherwise stop the runner from cleaning it. Returns the mount points it took down; never throws.
 */
export async function sweepLeftovers(mounter: Mounter): Promise<string[]> {
  let table: string;
  try {
    table = fs.readFileSync('/proc/self/mounts', 'utf8');
  } catch {
    return [];
  }
  const gone: string[] = [];
  for (const target of leftoverMounts(table, stillRunning)) {
    const r = await privileged(mounter, ['umount', '-l', '--', target]);
    if (r.code === 0) gone.push(target);
  }
  return gone;
}

/** How the action may mount here, or why it cannot. */
export async function findMounter(): Promise<Mounter | { refused: string }> {
  if (process.platform !== 'linux') return { refused: `overlay mounts are Linux's (this is ${process.platform})` };
  if (process.getuid?.() === 0) return 'root';
  const r = await run(['sudo', '-n', 'true']);
  if (r.code === 0) return 'sudo';
  return { refused: 'the action is not root and has no passwordless sudo to mount with' };
}

export interface OverlayDirs {
  /** The read-only layer, shared by every agent. */
  lower: string;
  /** A layer above it where every file is the agent user's (`handLower` in overlay.ts), shared too. */
  handed?: string;
  /** The agent's own layer, where what it writes goes. */
  upper: string;
  /** The kernel's scratch folder, on the upper's file system. */
  work: string;
  /** The merged view the agent works in. */
  merged: string;
}

/** Characters that would end or split an option of `mount -o` (lowerdir takes ':' lists, options ',' ones). */
const UNSAFE_IN_OPTIONS = /[,:\\\n]/;

/**
 * Mounts an overlay; `metacopy` copies up only a file's metadata when its owner or mode changes (handing a tree to
 * the agent user changes every file's owner; without it, every file would be copied). Throws with the kernel's
 * reason when the mount is refused.
 */
export async function mountOverlay(mounter: Mounter, dirs: OverlayDirs, metacopy: boolean): Promise<void> {
  const lowers = dirs.handed ? [dirs.handed, dirs.lower] : [dirs.lower];
  const unsafe = [...lowers, dirs.upper, dirs.work].find((d) => UNSAFE_IN_OPTIONS.test(d));
  if (unsafe) throw new Error(`the path ${JSON.stringify(unsafe)} holds a character mount options cannot carry`);
  const options = [`lowerdir=${lowers.join(':')}`, `upperdir=${dirs.upper}`, `workdir=${dirs.work}`];
  if (metacopy) options.push('metacopy=on');
  const argv = ['mount', '-t', 'overlay', '-o', options.join(','), '--', ownMountSource(), dirs.merged];
  const r = await privileged(mounter, argv);
  // mount's first line says what was refused; its last only points at dmesg.
  const why = r.stderr.trim().split('\n')[0] || `exit code ${r.code}`;
  if (r.code !== 0) throw new Error(`mount -t overlay over ${dirs.lower}: ${why}`);
}

/** Unmounts; lazily when something still holds the mount (an agent's process that outlived it). */
export async function unmount(mounter: Mounter, merged: string): Promise<void> {
  if ((await privileged(mounter, ['umount', '--', merged])).code === 0) return;
  const r = await privileged(mounter, ['umount', '-l', '--', merged]);
  if (r.code !== 0 && isMounted(merged)) throw new Error(`umount ${merged}: ${failed(r)}`);
}

function isMounted(target: string): boolean {
  try {
    return fs
      .readFileSync('/proc/self/mounts', 'utf8')
      .split('\n')
      .some((line) => unescapeMountField(line.split(' ')[1] ?? '') === target);
  } catch {
    return false;
  }
}

/** Removes a folder as root: an overlay's work folder holds the kernel's own, which only root may remove. */
export async function removeAsRoot(mounter: Mounter, dir: string): Promise<void> {
  const r = await privileged(mounter, ['rm', '-rf', '--', dir]);
  if (r.code !== 0) throw new Error(`rm -rf ${dir}: ${failed(r)}`);
}
