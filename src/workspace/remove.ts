import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

// Removing what the engines made: folders an agent may have made read-only, and the records worktrees leave in the
// checkout's git folder.

/** Removes a folder, also one where an agent took away write permission from its subfolders. */
export async function removeTree(dir: string): Promise<void> {
  try {
    await fsp.rm(dir, { recursive: true, force: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') throw err;
    makeWritable(dir);
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

function makeWritable(dir: string): void {
  try {
    fs.chmodSync(dir, 0o700);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) makeWritable(path.join(dir, entry.name));
    }
  } catch {
    // Not ours to change: the removal after this says why.
  }
}

/**
 * Removes the admin folders (`<common>/worktrees/<name>`) of worktrees that lie in `under`, so the checkout keeps
 * no record of them: what `git worktree remove` does, without a git process (fast enough for a cancel).
 */
export function removeAdminFolders(commonDir: string, under: string): void {
  const dir = path.join(commonDir, 'worktrees');
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    let target: string;
    try {
      target = fs.readFileSync(path.join(dir, name, 'gitdir'), 'utf8').trim();
    } catch {
      continue;
    }
    const rel = path.relative(under, target);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) {
      fs.rmSync(path.join(dir, name), { recursive: true, force: true });
    }
  }
}
