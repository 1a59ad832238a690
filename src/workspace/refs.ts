import * as core from '@actions/core';
import { errorMessage } from '../util/errors.js';
import { git } from './git.js';

// Worktrees share the checkout's refs: a branch an agent creates or moves in its worktree is a branch of the
// checkout. The run takes the refs down before the first agent and puts them back after the last.

/** Each ref's name and the object it names. Symbolic refs are left out: restoring one would move its target. */
type RefSnapshot = ReadonlyMap<string, string>;

const FORMAT = '%(objectname) %(refname) %(symref)';

/** The lines of `git for-each-ref --format='%(objectname) %(refname) %(symref)'` (ref names hold no spaces). */
export function parseRefs(output: string): RefSnapshot {
  const refs = new Map<string, string>();
  for (const line of output.split('\n')) {
    const [object, name, symref] = line.split(' ');
    if (object && name && !symref) refs.set(name, object);
  }
  return refs;
}

/** The `git update-ref --stdin` commands that take the refs from `after` back to `before`. */
export function restoreCommands(before: RefSnapshot, after: RefSnapshot): string[] {
  const commands: string[] = [];
  for (const name of after.keys()) if (!before.has(name)) commands.push(`delete ${name}`);
  for (const [name, object] of before) {
    const now = after.get(name);
    if (now === undefined) commands.push(`create ${name} ${object}`);
    else if (now !== object) commands.push(`update ${name} ${object}`);
  }
  return commands;
}

async function snapshotRefs(top: string): Promise<RefSnapshot> {
  return parseRefs(await git(['for-each-ref', `--format=${FORMAT}`], { cwd: top }));
}

/** Puts the refs back as they were in `before`, in one transaction; returns the commands it ran. */
async function restoreRefs(top: string, before: RefSnapshot): Promise<string[]> {
  const commands = restoreCommands(before, await snapshotRefs(top));
  if (commands.length) {
    // All the commands of one `--stdin` are one transaction: every ref is put back, or none.
    await git(['update-ref', '--no-deref', '--stdin'], { cwd: top, input: `${commands.join('\n')}\n` });
  }
  return commands;
}

/** The checkout's refs, taken down once; `putBack` puts them back as they were then. */
interface RefGuard {
  /** Settles once the refs are taken down (or could not be): nothing that could change them may start before. */
  taken: Promise<void>;
  /** Puts back every ref changed since, with a warning naming them. Never throws. */
  putBack(): Promise<void>;
}

/** Takes the refs of the checkout at `top` down now; a failure is a warning, and the refs then go unguarded. */
export function guardRefs(top: string): RefGuard {
  const before = snapshotRefs(top).catch((err: unknown) => {
    core.warning(`Could not list the checkout's refs, so they are not guarded: ${errorMessage(err)}`);
    return undefined;
  });
  async function putBack(): Promise<void> {
    const snapshot = await before;
    if (!snapshot) return;
    try {
      const commands = await restoreRefs(top, snapshot);
      if (commands.length) {
        core.warning(`Agents changed refs of the checkout; put back as they were: ${commands.join(', ')}`);
      }
    } catch (err) {
      core.warning(`Could not put the checkout's refs back: ${errorMessage(err)}`);
    }
  }
  return { taken: before.then(() => undefined), putBack };
}
