/**
 * The lines of a file's new version that a pull-request review can comment on, from the patch GitHub gives for
 * the file: the added lines and the context lines of its hunks (the right side of the diff), each with its text.
 * A file without a patch (binary, or too large for GitHub to show) has none.
 */
export function commentableLines(patch: string | undefined): Map<number, string> {
  const lines = new Map<number, string>();
  if (!patch) return lines;
  let next = 0;
  let inHunk = false;
  for (const line of patch.split('\n')) {
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (hunk) {
      next = Number(hunk[1]);
      inHunk = true;
      continue;
    }
    if (!inHunk) continue;
    if (line.startsWith('+') || line.startsWith(' ')) lines.set(next++, line.slice(1));
    // '-' lines are the old version's; '\ No newline at end of file' is no line.
  }
  return lines;
}
