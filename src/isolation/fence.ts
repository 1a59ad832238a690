import fs from 'node:fs';
import path from 'node:path';

/**
 * Keeps the agent user out of the runner's files while letting it reach its own folders, the checkout and the
 * CLI. `$RUNNER_TEMP` (the command files, the step scripts with their pasted-in values, credential files other
 * actions leave there) becomes search-only for other users, every entry already in it private, and the command
 * files private wherever they are; `finish` closes `$RUNNER_TEMP` altogether once the agents are done, so a
 * process an agent left behind finds nothing of later steps, and takes back the search permission `openWayTo`
 * gave. Without `RUNNER_TEMP` (a local run) there is nothing of a runner's to keep; a world-writable sticky
 * folder (/tmp) is never changed.
 */
export function fenceRunner(runnerTemp: string | undefined, commandFiles: readonly string[]) {
  const notes: string[] = [];
  const opened: { dir: string; mode: number }[] = [];
  const temp = runnerTemp && isPrivateFolder(runnerTemp) ? runnerTemp : undefined;
  if (temp) {
    for (const entry of fs.readdirSync(temp)) closeToOthers(path.join(temp, entry));
    chmodBits(temp, 0o711);
    notes.push(`$RUNNER_TEMP (${temp}) is search-only for other users, and what was in it private to its owner`);
  }
  for (const file of commandFiles) if (fs.existsSync(file)) closeToOthers(file);

  return {
    notes,
    /** Gives other users search permission (o+x, never read) on each folder above `target` that lacks it. */
    openWayTo(target: string): void {
      const dirs: string[] = [];
      for (let d = path.dirname(path.resolve(target)); ; d = path.dirname(d)) {
        dirs.unshift(d);
        if (d === path.dirname(d)) break;
      }
      for (const dir of dirs) {
        try {
          const mode = fs.statSync(dir).mode & 0o7777;
          if (mode & 0o001) continue;
          fs.chmodSync(dir, mode | 0o001);
          opened.push({ dir, mode });
          notes.push(`${dir} is searchable (o+x) by other users while agents run, to reach ${target}`);
        } catch (err) {
          notes.push(`${dir} could not be made searchable to reach ${target}: ${(err as Error).message}`);
        }
      }
    },
    /** At the end of the run: `$RUNNER_TEMP` closed to other users, the opened folders as they were. */
    finish(): void {
      const steps = [
        ...(temp ? [() => chmodBits(temp, 0o700)] : []),
        ...opened.reverse().map(({ dir, mode }) => () => {
          if ((fs.statSync(dir).mode & 0o7777) === (mode | 0o001)) fs.chmodSync(dir, mode);
        }),
      ];
      // One folder that cannot be changed back must not keep the others open.
      for (const step of steps) {
        try {
          step();
        } catch (err) {
          notes.push(`at the end: ${(err as Error).message}`);
        }
      }
    },
  };
}

/** Whether `dir` is a folder of its own rather than a shared one such as /tmp (world-writable and sticky). */
function isPrivateFolder(dir: string): boolean {
  try {
    const stat = fs.statSync(dir);
    return stat.isDirectory() && path.resolve(dir) !== path.parse(path.resolve(dir)).root && !(stat.mode & 0o1000);
  } catch {
    return false;
  }
}

/** Takes every permission of group and others off a file or folder; links are left alone. */
function closeToOthers(file: string): void {
  const stat = fs.lstatSync(file);
  if (!stat.isSymbolicLink() && stat.mode & 0o077) fs.chmodSync(file, stat.mode & 0o7700);
}

/** Sets the group and other bits of `dir` to those of `bits`, keeping the owner's. */
function chmodBits(dir: string, bits: number): void {
  const mode = fs.statSync(dir).mode & 0o7777;
  fs.chmodSync(dir, (mode & 0o7700) | (bits & 0o077));
}
