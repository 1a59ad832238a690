import path from 'node:path';
import * as core from '@actions/core';
import type { GitHubClient } from '../publish/client.js';
import type { EventContext } from '../publish/event.js';
import type { AgentResult, ChangesMode, PullRequestRef } from '../types.js';
import { DEFAULT_MAX_CHANGED_FILES, refusal } from './checks.js';
import { commitChain, type PatchItem, type PatchOutcome } from './commit.js';
import { defaultBranch, findPull, pullFailure, upsertPull, type PullTarget } from './pulls.js';
import { pushBranch, tokenEnv } from './push.js';
import { branchName, commitMessage, pullBody, pullTitle } from './texts.js';

/** What an item asks of its changes (the matrix's keys, with the inputs' defaults applied). */
export interface ItemChanges {
  mode: ChangesMode;
  commitMessage?: string;
  prTitle?: string;
  allowWorkflowChanges?: boolean;
  maxChangedFiles?: number;
}

/** Where and how the agents' changes are committed, pushed and proposed. */
export interface ChangesPlan {
  /** The checkout: commits are made in its object store and pushed to its `origin`. */
  dir: string;
  /** Scratch files (the private index). */
  scratch: string;
  branchPrefix: string;
  /** The token that pushes; only the step that applies the changes holds one that may write. */
  token: string;
  github?: GitHubClient;
  event: EventContext;
  /** The branch the job checked out (`push` pushes to it; pull requests merge into it). */
  branch?: string;
  runUrl?: string;
  /** Each agent's settings, by id; an agent missing here keeps its patch alone. */
  items: ReadonlyMap<string, ItemChanges>;
}

/** The stage's outcome: the results with their pull requests, and what went wrong. */
export interface ChangesOutcome {
  results: AgentResult[];
  /** Markdown lines of our own for the summary: what was pushed, refused or left out (agent text neutralised). */
  notes: string[];
  /** Failures that fail the step: a push or a pull request refused, naming the permission it needs. */
  problems: string[];
}

/**
 * The agents' changes, as each item's `changes` says: a pull request per agent, one for them all, or commits on
 * the checked-out branch. Every patch is checked (workflow files, `max-changed-files`, a clean apply to its base)
 * before anything is pushed; failures are returned, never thrown, so the summary and the report still come.
 */
export async function applyChanges(
  results: readonly AgentResult[],
  answers: ReadonlyMap<string, string>,
  plan: ChangesPlan,
): Promise<ChangesOutcome> {
  const out: ChangesOutcome = { results: [...results], notes: [], problems: [] };
  const modeOf = (r: AgentResult) => plan.items.get(r.id)?.mode ?? 'patch';
  if (results.every((r) => modeOf(r) === 'patch')) return out;
  const run = new ChangesRun(plan, answers, out);
  try {
    for (const r of results.filter((r) => modeOf(r) === 'pull-request')) await run.ownPull(r);
    await run.onePull(results.filter((r) => modeOf(r) === 'one-pull-request'));
    await run.pushed(results.filter((r) => modeOf(r) === 'push'));
  } catch (err) {
    out.problems.push(`changes: ${err instanceof Error ? err.message : String(err)}`);
  }
  return out;
}

/** One pass over the agents' changes, sharing the pull requests' target. */
class ChangesRun {
  private target?: PullTarget;

  constructor(
    private readonly plan: ChangesPlan,
    private readonly answers: ReadonlyMap<string, string>,
    private readonly out: ChangesOutcome,
  ) {}

  /** `pull-request`: the agent's own branch and pull request; an agent that changed nothing opens none. */
  async ownPull(r: AgentResult): Promise<void> {
    const branch = branchName(this.plan.branchPrefix, r.id);
    if (!r.changes?.patch) {
      const target = await this.pullTarget();
      const open = target ? await findPull(target, branch).catch(() => undefined) : undefined;
      if (open) this.note(`${r.id} changed nothing: its open pull request #${open.number} is left as it is`);
      return;
    }
    const chain = await this.commit(r.changes.base ?? '', [this.patchItem(r)], r.id);
    const made = chain?.outcomes[0];
    if (!chain || !made || !('commit' in made)) return;
    if (!(await this.push(chain.head, branch, true))) return;
    const answer = this.answers.get(r.id) ?? r.answer;
    const title = pullTitle(this.message(r), this.plan.items.get(r.id)?.prTitle);
    const pull = await this.pull(branch, { title, body: pullBody(r.id, answer, this.plan.runUrl) });
    if (pull) this.attach(r.id, { ...pull, branch, files: made.files.length });
  }

  /** `one-pull-request`: every patch in matrix order on one branch; those that do not apply are named. */
  async onePull(group: readonly AgentResult[]): Promise<void> {
    const changed = group.filter((r) => r.changes?.patch);
    if (!changed.length) return;
    const branch = branchName(this.plan.branchPrefix);
    const chain = await this.commit(
      changed[0]!.changes!.base ?? '',
      changed.map((r) => this.patchItem(r)),
      'all',
    );
    if (!chain || chain.head === changed[0]!.changes!.base) return;
    if (!(await this.push(chain.head, branch, true))) return;
    const left = leftOut(chain.outcomes);
    const answers = changed.map((r) => pullBody(r.id, this.answers.get(r.id) ?? r.answer, this.plan.runUrl));
    const title = this.plan.items.get(changed[0]!.id)?.prTitle ?? `Changes of ${changed.length} agents`;
    const pull = await this.pull(branch, { title: pullTitle(title), body: [...answers, ...left].join('\n\n---\n\n') });
    if (!pull) return;
    for (const o of chain.outcomes) if ('commit' in o) this.attach(o.id, { ...pull, branch, files: o.files.length });
  }

  /** `push`: commits on the branch the job checked out; refused on a fork's pull request and a detached head. */
  async pushed(group: readonly AgentResult[]): Promise<void> {
    const changed = group.filter((r) => r.changes?.patch);
    if (!changed.length) return;
    const { event, branch } = this.plan;
    if (event.pullRequest !== undefined && event.fromFork) {
      this.out.problems.push(
        `changes: push: pull request #${event.pullRequest} comes from a fork, whose branch this repository's ` +
          `token cannot push to; use \`changes: pull-request\` instead`,
      );
      return;
    }
    if (!branch) {
      this.out.problems.push(
        `changes: push: the job checked out no branch (a tag or a detached commit, and not a pull request); ` +
          `use \`changes: pull-request\`, or run on a branch`,
      );
      return;
    }
    const chain = await this.commit(
      changed[0]!.changes!.base ?? '',
      changed.map((r) => this.patchItem(r)),
      'push',
    );
    if (!chain || chain.head === changed[0]!.changes!.base) return;
    if (await this.push(chain.head, branch, false)) {
      const ids = chain.outcomes.filter((o) => 'commit' in o).map((o) => o.id);
      this.note(`pushed the changes of ${ids.join(', ')} to ${branch}`);
    }
  }

  private message(r: AgentResult): string {
    return commitMessage(r.id, this.answers.get(r.id) ?? r.answer, this.plan.items.get(r.id)?.commitMessage);
  }

  private patchItem(r: AgentResult): PatchItem {
    const item = this.plan.items.get(r.id);
    const rules = {
      allowWorkflowChanges: item?.allowWorkflowChanges ?? false,
      maxChangedFiles: item?.maxChangedFiles ?? DEFAULT_MAX_CHANGED_FILES,
    };
    return { id: r.id, patch: r.changes!.patch!, message: this.message(r), refuse: (c) => refusal(r.id, c, rules) };
  }

  /** The patches committed; each one refused or left out is said in the notes and warned of. */
  private async commit(base: string, items: PatchItem[], what: string) {
    if (!base) {
      const ids = items.map((i) => i.id).join(', ');
      this.note(`${ids}: no commit to start from (only agents in a \`worktree\` have one); the patch stays a patch`);
      return undefined;
    }
    const place = {
      dir: this.plan.dir,
      scratch: path.join(this.plan.scratch, what),
      fetchEnv: tokenEnv(this.plan.token),
    };
    const chain = await commitChain(place, base, items);
    for (const line of leftOut(chain.outcomes)) {
      this.note(line);
      core.warning(line);
    }
    return chain;
  }

  private async push(commit: string, branch: string, force: boolean): Promise<boolean> {
    const failed = await pushBranch(this.plan.dir, commit, branch, { force, token: this.plan.token });
    if (failed) this.out.problems.push(`changes: ${failed}`);
    else core.info(`pushed ${commit.slice(0, 12)} to ${branch}`);
    return !failed;
  }

  private async pull(branch: string, text: { title: string; body: string }) {
    const target = await this.pullTarget();
    if (!target) {
      this.out.problems.push(`changes: no pull request for ${branch}: there is no GitHub token or repository`);
      return undefined;
    }
    try {
      const pull = await upsertPull(target, branch, text);
      core.info(`${pull.created ? 'opened' : 'updated'} pull request #${pull.number} of ${branch}`);
      return pull;
    } catch (err) {
      this.out.problems.push(`changes: ${pullFailure(branch, err)}`);
      return undefined;
    }
  }

  private async pullTarget(): Promise<PullTarget | undefined> {
    const { github, event } = this.plan;
    if (this.target || !github || !event.repo) return this.target;
    const base = this.plan.branch ?? (await defaultBranch(github, event.repo));
    this.target = { github, repo: event.repo, base };
    return this.target;
  }

  private attach(id: string, pull: PullRequestRef): void {
    const i = this.out.results.findIndex((r) => r.id === id);
    if (i >= 0) this.out.results[i] = { ...this.out.results[i]!, pullRequest: pull };
  }

  private note(line: string): void {
    this.out.notes.push(line);
  }
}

/** The patches left out of a chain, each with why (and the files it conflicted on). */
function leftOut(outcomes: readonly PatchOutcome[]): string[] {
  return outcomes.flatMap((o) =>
    'refused' in o
      ? [
          `${o.id} left out: ${o.refused}` +
            (o.conflicts?.length ? ` (conflicts in ${o.conflicts.map((c) => JSON.stringify(c)).join(', ')})` : ''),
        ]
      : [],
  );
}
