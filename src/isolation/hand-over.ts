import fs from 'node:fs';
import path from 'node:path';
import { failed, privileged, type AgentUser } from './run-as.js';

/**
 * Hands folders to the agent user: every entry, deepest first, so that no folder is the agent's while the
 * action still works below it (another agent of the same user could otherwise swap a folder it is about to
 * enter for a link elsewhere). Links are changed, never followed. The hook for whatever prepares an agent's
 * folder (a worktree, a copy) before the agent starts.
 */
export async function handOver(user: AgentUser, dirs: readonly string[]): Promise<void> {
  await chownTree(user, dirs, `${user.uid}:${user.gid}`, 'hand to');
}

/** Hands single entries to the agent user, deepest first, and not what lies below them; links never followed. */
export async function handOverEntries(user: AgentUser, entries: readonly string[]): Promise<void> {
  const depth = (p: string) => p.split(path.sep).length;
  const deepestFirst = [...entries].sort((a, b) => depth(b) - depth(a));
  for (let i = 0; i < deepestFirst.length; i += ENTRIES_PER_CALL) {
    const some = deepestFirst.slice(i, i + ENTRIES_PER_CALL);
    const r = await privileged(user.via, ['chown', '-h', `${user.uid}:${user.gid}`, '--', ...some]);
    if (r.code !== 0) throw new Error(`could not hand to ${user.name} ${some.join(', ')}: ${failed(r)}`);
  }
}

/** Entries per `chown` call: well under any command line's limit. */
const ENTRIES_PER_CALL = 200;

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

/**
 * Handing a tree over and back gives every file a new owner and ctime, and git's index records both: with its
 * default checks, git would hash every file of the tree again, in the agent's first `git status` (the CLI runs
 * one as it starts) and in the patch made after it (0.2 s each on a 50 MB tree, per agent). Nothing but the
 * owner changed, so the index's stats are trusted by what the hand-over keeps: the whole-second mtime and the
 * size. An edit that keeps both within the second the index was written in is still found, as git finds it.
 */
export const STAT_TRUSTED_BY_TIME_AND_SIZE = { 'core.checkStat': 'minimal', 'core.trustctime': 'false' } as const;

/** Files an agent's own HOME starts with. */
export function agentHomeFiles(): Record<string, string> {
  // git refuses repositories owned by another user: the checkout and the worktrees made from it are the
  // runner's. Trusting them is safe for the agent user, the one of the two with less to lose.
  const core = Object.entries(STAT_TRUSTED_BY_TIME_AND_SIZE).map(([key, value]) => `\t${key.slice(5)} = ${value}\n`);
  return { '.gitconfig': `[safe]\n\tdirectory = *\n[core]\n${core.join('')}` };
}
