import type { ChangedPath } from '../workspace/changes.js';

// The checks a patch passes before anything of it is pushed. Pure: they look at the files it changes.

/** What an item allows its patch, with the defaults applied. */
export interface PatchRules {
  allowWorkflowChanges: boolean;
  maxChangedFiles: number;
}

/** A generous default: a fix across a repository touches many files, a runaway agent thousands. */
export const DEFAULT_MAX_CHANGED_FILES = 300;

const WORKFLOWS = '.github/workflows/';

/** The files a patch changes (read with `--no-renames`, so a rename is its two paths). */
function touchedPaths(changed: readonly ChangedPath[]): string[] {
  return [...new Set(changed.map((c) => c.path))];
}

/**
 * Why the patch of agent `id` may not be pushed, or undefined when it may: it touches `.github/workflows/`
 * without `allow-workflow-changes`, or more files than `max-changed-files`. Each reason names the key to change.
 */
export function refusal(id: string, changed: readonly ChangedPath[], rules: PatchRules): string | undefined {
  const paths = touchedPaths(changed);
  const workflows = paths.filter((p) => p.startsWith(WORKFLOWS));
  if (workflows.length && !rules.allowWorkflowChanges) {
    return (
      `agent ${id}'s patch changes ${workflows.length} workflow file(s) (${listed(workflows)}), and ` +
      `'allow-workflow-changes' is not true: review it and set \`allow-workflow-changes: true\` on the item to ` +
      `push it (GitHub also refuses it unless the token has the \`workflows\` permission, which GITHUB_TOKEN never has)`
    );
  }
  if (paths.length > rules.maxChangedFiles) {
    return (
      `agent ${id}'s patch changes ${paths.length} files, more than 'max-changed-files' (${rules.maxChangedFiles}): ` +
      `raise \`max-changed-files\` on the item if that many is meant`
    );
  }
  return undefined;
}

function listed(paths: readonly string[]): string {
  const shown = paths.slice(0, 5).map((p) => JSON.stringify(p));
  return shown.join(', ') + (paths.length > 5 ? ` and ${paths.length - 5} more` : '');
}

/**
 * The files `git apply` could not apply, from its error output ("patch failed: <path>:<line>", "<path>: patch does
 * not apply", "<path>: already exists in index", "<path>: does not exist in index").
 */
export function conflictedPaths(stderr: string): string[] {
  const found = new Set<string>();
  for (const line of stderr.split('\n')) {
    const m =
      /^error: patch failed: (.+):\d+$/.exec(line) ??
      /^error: (.+): (?:patch does not apply|already exists in (?:index|working directory)|does not exist in index)$/.exec(
        line,
      );
    if (m) found.add(m[1]!);
  }
  return [...found];
}
