// What some tests need of the machine besides Node: sudo, nftables, curl. A fresh Debian container as root has
// none of them, and `npm test` must pass there: the tests install what is missing with apt-get, and otherwise
// say what to install.
import { execFileSync } from 'node:child_process';

/** @param {string[]} argv */
export const succeeds = (argv) => {
  try {
    execFileSync(argv[0], argv.slice(1), { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/**
 * Installs Debian package `pkg` with apt-get unless `probe` already succeeds; throws, naming the package and why,
 * where that cannot be done. `why` says what the tests need it for.
 * @param {string} pkg
 * @param {string[]} probe
 * @param {string} why
 */
export function ensurePackage(pkg, probe, why) {
  if (succeeds(probe)) return;
  // The package lists of a fresh container are empty: fetch them only when the install needs them. Another
  // test file installing at the same time holds dpkg's lock; wait for it rather than fail.
  const lock = ['-o', 'DPkg::Lock::Timeout=300'];
  const install = ['apt-get', ...lock, 'install', '-y', '--no-install-recommends', pkg];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (/** @type {string[]} */ argv) => {
    try {
      execFileSync(argv[0], argv.slice(1), { stdio: 'pipe', env });
      return '';
    } catch (err) {
      return String(/** @type {{ stderr?: Buffer }} */ (err).stderr ?? err).trim();
    }
  };
  const failed = apt(install) && (apt(['apt-get', ...lock, 'update']) || apt(install));
  if (failed || !succeeds(probe)) {
    throw new Error(
      `${why}, and ${pkg} is not installed: apt-get could not install it ` +
        `(${failed.split('\n').pop() || `${pkg} still missing`}). Install ${pkg} and run them again.`,
    );
  }
}
