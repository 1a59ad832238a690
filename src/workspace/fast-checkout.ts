import fs from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import { errorMessage } from '../util/errors.js';
import { formatDuration } from '../util/format.js';
import type { Checkout } from './checkout.js';
import { gitPipe } from './git.js';

/**
 * Most of the time `git worktree add` takes goes into inflating the commit's objects, compressed in the
 * checkout's packs. A copy of just that commit's objects, stored without compression or deltas, is made once per
 * run; worktrees made with it as their primary object store read the files almost as fast as `cp` copies them.
 */
interface FastCheckout {
  /** The object folder to check out from, once it is made (undefined before, or when it could not be). */
  ready(): string | undefined;
  /** Settles when making it has ended, either way. */
  done: Promise<void>;
}

export function startFastCheckout(checkout: Checkout, dir: string): FastCheckout {
  let objects: string | undefined;
  const started = performance.now();
  fs.mkdirSync(path.join(dir, 'pack'), { recursive: true });
  const done = gitPipe(
    ['rev-list', '--objects', '--no-walk', checkout.commit],
    [
      '-c',
      'pack.compression=0',
      'pack-objects',
      '-q',
      '--no-reuse-object',
      '--window=0',
      '--depth=0',
      path.join(dir, 'pack', 'pack'),
    ],
    { cwd: checkout.top },
  ).then(
    () => {
      objects = dir;
      core.info(
        `Worktrees check out ${checkout.commit.slice(0, 12)} from a stored copy of its objects, made in ${formatDuration(performance.now() - started)}`,
      );
    },
    (err: unknown) => {
      core.info(`Worktrees check out from the checkout's own packs (no stored copy: ${errorMessage(err)})`);
    },
  );
  return { ready: () => objects, done };
}
