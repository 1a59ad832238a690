// A runner's user as GitHub's hosted runners have it: not root, with passwordless sudo. Tests that run the
// action that way run it as this user. As root (CI in a container) the test makes the user, and installs sudo
// where the machine has none (a fresh Debian container): the action's sudo path is tested against real sudo,
// whose secure_path and environment rules it works around, never a stand-in. As such a user already (CI on a
// GitHub-hosted runner) it runs the action as itself.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { ensurePackage, succeeds as ok } from './packages.js';

const SUDO_RUNNER = 'cam-test-runner';

/**
 * How to start the action as a non-root user with passwordless sudo: `{ uid, gid }` for startAction's `as`,
 * or undefined to start it as this process's user, which is one already.
 * @returns {{ uid: number, gid: number } | undefined}
 */
export function sudoRunner() {
  if (process.getuid?.() !== 0) {
    if (!ok(['sudo', '-n', 'true'])) throw new Error('these tests need root, or passwordless sudo');
    return undefined;
  }
  ensurePackage('sudo', ['sudo', '-V'], 'these tests run the action as a user with passwordless sudo');
  if (!ok(['id', '-u', SUDO_RUNNER])) {
    // Two test files may make it at once; the loser finds it made.
    ok(['useradd', '--system', '--user-group', '--no-create-home', '--shell', '/bin/sh', SUDO_RUNNER]);
  }
  const rule = `/etc/sudoers.d/${SUDO_RUNNER}`;
  if (!fs.existsSync(rule)) {
    // sudo skips files whose names hold a '.', so the half-written one is never read.
    const partial = `${rule}.${process.pid}`;
    fs.writeFileSync(partial, `${SUDO_RUNNER} ALL=(ALL) NOPASSWD:ALL\n`, { mode: 0o440 });
    fs.renameSync(partial, rule);
  }
  const id = (/** @type {string} */ flag) =>
    Number(execFileSync('id', [flag, SUDO_RUNNER], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}
