// A runner's user as GitHub's hosted runners have it: not root, with passwordless sudo. Tests that run the
// action that way run it as this user. As root (CI in a container) the test makes the user, and installs sudo
// where the machine has none (a fresh Debian container): the action's sudo path is tested against real sudo,
// whose secure_path and environment rules it works around, never a stand-in. As such a user already (CI on a
// GitHub-hosted runner) it runs the action as itself.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const SUDO_RUNNER = 'cam-test-runner';

/** @param {string[]} argv */
const ok = (argv) => {
  try {
    execFileSync(argv[0], argv.slice(1), { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

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
  installSudo();
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

/** Installs sudo with apt-get when it is missing; throws, naming the fix, where that cannot be done. */
function installSudo() {
  if (ok(['sudo', '-V'])) return;
  // The package lists of a fresh container are empty: fetch them only when the install needs them. Another
  // test file installing at the same time holds dpkg's lock; wait for it rather than fail.
  const install = ['apt-get', '-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '--no-install-recommends', 'sudo'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (/** @type {string[]} */ argv) => {
    try {
      execFileSync(argv[0], argv.slice(1), { stdio: 'pipe', env });
      return '';
    } catch (err) {
      return String(/** @type {{ stderr?: Buffer }} */ (err).stderr ?? err).trim();
    }
  };
  const failed = apt(install) && (apt(['apt-get', '-o', 'DPkg::Lock::Timeout=300', 'update']) || apt(install));
  if (failed || !ok(['sudo', '-V'])) {
    throw new Error(
      `these tests run the action as a user with passwordless sudo, and sudo is not installed: apt-get could not ` +
        `install it (${failed.split('\n').pop() || 'sudo still missing'}). Install sudo and run them again.`,
    );
  }
}
