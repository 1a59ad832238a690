import path from 'node:path';
import type { AgentSpec, WorkspaceMode } from '../types.js';
import { errorMessage, InputError, Problems } from '../util/errors.js';
import { git } from './git.js';

/** The git work tree agents work on, found from the `working-directory` input. */
export interface Checkout {
  /** The top folder of the work tree. */
  top: string;
  /** Where the working directory lies inside it: '' at the top, else `a/b` ('/' separated, no trailing '/'). */
  prefix: string;
  /** The checkout's own git folder (`.git`, or the admin folder of a linked worktree). */
  gitDir: string;
  /** The git folder it shares objects and refs with; the same as `gitDir` in a plain clone. */
  commonDir: string;
  /** The commit worktrees start from: `ref`, or the checkout's HEAD ('' when no agent works in a worktree). */
  commit: string;
}

/** What the agents work in: the checkout (if the working directory is in one) and each agent's mode. */
export interface WorkspacePlan {
  workingDirectory: string;
  checkout?: Checkout;
  modeOf(spec: AgentSpec): WorkspaceMode;
}

export interface PlanOptions {
  /** Absolute; checked to be a folder. */
  workingDirectory: string;
  /** The `ref` input; empty means HEAD. */
  ref: string;
  specs: readonly AgentSpec[];
}

/**
 * Finds the checkout around the working directory and checks that every agent's workspace can be made there:
 * `worktree` and `copy` need a git work tree, a worktree needs `ref` to be a commit and the working directory
 * to be in it. Throws one InputError naming every problem, before any agent starts.
 */
export async function planWorkspaces(options: PlanOptions): Promise<WorkspacePlan> {
  const { workingDirectory, ref, specs } = options;
  const problems = new Problems();
  const found = await findWorkTree(workingDirectory);
  const fallback: WorkspaceMode = 'top' in found ? 'worktree' : 'empty';
  const modeOf = (spec: AgentSpec): WorkspaceMode => spec.workspace ?? fallback;
  const using = (mode: WorkspaceMode) => specs.filter((s) => modeOf(s) === mode).map((s) => s.id);
  const where = `working-directory ${JSON.stringify(workingDirectory)}`;

  if (!('top' in found)) {
    for (const mode of ['worktree', 'copy'] as const) {
      const ids = using(mode);
      if (ids.length === 0) continue;
      problems.add(
        `Input 'workspace' is "${mode}" (${agents(ids)}), but ${where} is not in a git work tree (${found.none}); ` +
          `check the repository out first (actions/checkout), point working-directory at it, or use workspace: empty`,
      );
    }
    if (ref) problems.add(`Input 'ref' is ${JSON.stringify(ref)}, but ${where} is not in a git work tree`);
    problems.throwIfAny();
    return { workingDirectory, modeOf };
  }

  const worktrees = using('worktree');
  let commit = '';
  if (worktrees.length || ref) {
    try {
      commit = await resolveCommit(found.top, ref);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      problems.add(err.message);
    }
  }
  if (ref && !worktrees.length) {
    problems.add(`Input 'ref' is ${JSON.stringify(ref)}, but no agent works in a worktree, where it would apply`);
  }
  if (commit && worktrees.length && found.prefix) {
    // A worktree holds the commit's files only: a working directory that is not committed is not in it.
    const inCommit = await git(['cat-file', '-t', `${commit}:${found.prefix}`], { cwd: found.top }).catch(() => '');
    if (inCommit.trim() !== 'tree') {
      problems.add(
        `Input 'working-directory': ${JSON.stringify(found.prefix)} is not a folder of commit ${commit.slice(0, 12)} ` +
          `in ${found.top} (it is untracked or ignored), so a worktree (${agents(worktrees)}) would not hold it; ` +
          `commit it, or use workspace: copy`,
      );
    }
  }
  problems.throwIfAny();
  return { workingDirectory, checkout: { ...found, commit }, modeOf };
}

function agents(ids: string[]): string {
  const shown = ids.slice(0, 5).join(', ');
  return `agent${ids.length > 1 ? 's' : ''} ${shown}${ids.length > 5 ? ` and ${ids.length - 5} more` : ''}`;
}

type WorkTree = Omit<Checkout, 'commit'> | { none: string };

/** The git work tree that holds `dir`, or why there is none (not a repository, no git, a bare repository). */
async function findWorkTree(dir: string): Promise<WorkTree> {
  try {
    const inside = (await git(['rev-parse', '--is-inside-work-tree'], { cwd: dir })).trim();
    if (inside !== 'true') return { none: 'it is inside a git folder, not a work tree' };
    const out = await git(
      ['rev-parse', '--path-format=absolute', '--show-toplevel', '--git-dir', '--git-common-dir', '--show-prefix'],
      { cwd: dir },
    );
    const [top, gitDir, commonDir, prefix = ''] = out.split('\n');
    return {
      top: path.resolve(top!),
      gitDir: path.resolve(gitDir!),
      commonDir: path.resolve(commonDir!),
      prefix: prefix.replace(/\/$/, ''),
    };
  } catch (err) {
    return { none: errorMessage(err) };
  }
}

/** `ref` (HEAD when empty) as a full commit id. */
async function resolveCommit(top: string, ref: string): Promise<string> {
  const name = ref || 'HEAD';
  // A name starting with '-' would be read as an option.
  if (name.startsWith('-')) throw new InputError(`Input 'ref': ${JSON.stringify(ref)} is not a ref or commit`);
  try {
    return (await git(['rev-parse', '--verify', '--quiet', `${name}^{commit}`], { cwd: top })).trim();
  } catch {
    if (!ref)
      throw new InputError(`The checkout ${top} has no commit yet (HEAD is unborn); commit first, or give 'ref'`);
    throw new InputError(
      `Input 'ref': ${JSON.stringify(ref)} is not a commit in ${top}; give a branch, tag or commit id that the ` +
        `checkout has (a shallow clone has only what it fetched: raise actions/checkout's fetch-depth)`,
    );
  }
}
