import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../util/errors.js';

/**
 * The real path of `file`, a path relative to `workspace` given as `what` (an item's key or an input), checked to
 * exist, to be a file, and to lie inside the workspace once links are resolved, so neither "../" nor a symlink
 * reads a file outside it.
 */
export function resolveWorkspaceFile(file: string, workspace: string, what: string): string {
  if (!file.trim()) throw new InputError(`${what} is empty`);
  const root = fs.realpathSync(workspace);
  const full = path.resolve(root, file);
  let real: string;
  try {
    real = fs.realpathSync(full);
  } catch {
    throw new InputError(`${what} ${JSON.stringify(file)} does not exist (looked in ${root})`);
  }
  const inside = path.relative(root, real);
  if (inside === '..' || inside.startsWith(`..${path.sep}`) || path.isAbsolute(inside)) {
    throw new InputError(`${what} ${JSON.stringify(file)} lies outside the workspace ${root}`);
  }
  if (!fs.statSync(real).isFile()) throw new InputError(`${what} ${JSON.stringify(file)} is not a file`);
  return real;
}
