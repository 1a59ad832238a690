// Reading what git says about an agent's changes. Pure: the git commands are in patch.ts.

/** One path of `git diff --name-status -z --no-renames`: A(dded), M(odified), D(eleted), T(ype changed), ... */
export interface ChangedPath {
  status: string;
  path: string;
}

/** The records of `git diff --name-status -z --no-renames`: a status, then its path, each ended by NUL. */
export function parseNameStatus(output: string): ChangedPath[] {
  const fields = output.split('\0');
  const changed: ChangedPath[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const status = fields[i]!;
    const file = fields[i + 1]!;
    if (status) changed.push({ status: status[0]!, path: file });
  }
  return changed;
}

export interface LineCounts {
  files: number;
  insertions: number;
  deletions: number;
}

/**
 * Sums `git diff --numstat -z --no-renames`: records `added<TAB>deleted<TAB>path` ended by NUL, where a binary
 * file has `-` for both counts (it counts as a file, with no lines).
 */
export function sumNumstat(output: string): LineCounts {
  const counts: LineCounts = { files: 0, insertions: 0, deletions: 0 };
  for (const record of output.split('\0')) {
    const m = /^(\d+|-)\t(\d+|-)\t/.exec(record);
    if (!m) continue;
    counts.files++;
    if (m[1] !== '-') counts.insertions += Number(m[1]);
    if (m[2] !== '-') counts.deletions += Number(m[2]);
  }
  return counts;
}

/** The files an agent left that the artifact should hold: those it added or changed, not those it deleted. */
export function keptPaths(changed: readonly ChangedPath[]): string[] {
  return changed.filter((c) => c.status !== 'D').map((c) => c.path);
}

/**
 * The paths that `git status --porcelain -z --no-renames` finds changed in the work tree against the index, or
 * untracked: records `XY path` ended by NUL, Y being the work tree's side (`?` for untracked). Staged-only
 * records (Y a space) are left out: the index is what the patch starts from.
 */
export function differingPaths(output: string): string[] {
  return output
    .split('\0')
    .filter((record) => record.length > 3 && record[1] !== ' ')
    .map((record) => record.slice(3));
}
