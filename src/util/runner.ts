import os from 'node:os';

// The runner's environment variables, read in one place. Outside GitHub Actions (the demo, the tests)
// each falls back to what a local run has.

/**
 * The runner's own credentials. An agent with a Bash tool could read them and poison the run's
 * artifacts or caches, or request an OIDC token in the repository's name.
 */
export const RUNNER_SECRETS = [
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_RUNTIME_URL',
  'ACTIONS_RESULTS_URL',
  'ACTIONS_CACHE_URL',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_URL',
];

/**
 * The runner's command files. Writing to them would let an agent set variables (NODE_OPTIONS, BASH_ENV)
 * or PATH entries for the steps after this one, which run with the job's secrets.
 */
export const RUNNER_COMMAND_FILES = [
  'GITHUB_ENV',
  'GITHUB_PATH',
  'GITHUB_OUTPUT',
  'GITHUB_STATE',
  'GITHUB_STEP_SUMMARY',
];

/** Scratch space that the runner empties after the job. */
export function runnerTemp(): string {
  return process.env.RUNNER_TEMP || os.tmpdir();
}

/** Where tools installed by actions are kept between steps of a job. */
export function toolCache(): string {
  return process.env.RUNNER_TOOL_CACHE || os.tmpdir();
}

/** The checkout: the folder that inputs naming files are read against. */
export function workspaceDir(): string {
  return process.env.GITHUB_WORKSPACE || process.cwd();
}

/** Whether the artifact service can be reached: only inside a GitHub Actions job. */
export function hasArtifactService(): boolean {
  return Boolean(process.env.ACTIONS_RUNTIME_TOKEN);
}

/** Whether the runner gave this step a job-summary file. */
export function hasStepSummary(): boolean {
  return Boolean(process.env.GITHUB_STEP_SUMMARY);
}

/** The page of this workflow run, where the runner says which one it is. */
export function runPage(): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run } = process.env;
  return server && repo && run ? `${server}/${repo}/actions/runs/${run}` : undefined;
}

/** Whether this is a GitHub-hosted runner: a machine of the job's own, where the runner's user has sudo. */
export function isGitHubHosted(): boolean {
  return process.env.RUNNER_ENVIRONMENT === 'github-hosted';
}

/** RUNNER_TEMP only when a runner set it: a folder of this job's own, emptied between jobs. */
export function jobTemp(): string | undefined {
  return process.env.RUNNER_TEMP || undefined;
}

/** The repository the workflow runs for, `owner/name`, where the runner says. */
export function repository(): string | undefined {
  return process.env.GITHUB_REPOSITORY || undefined;
}

/** The paths of the runner's command files among `names` (GITHUB_OUTPUT, …) that this step was given. */
export function runnerFiles(names: readonly string[]): string[] {
  return names.flatMap((name) => process.env[name] || []);
}

/** Which attempt of the workflow run this is, from 1 ("Re-run jobs" adds one); 1 outside GitHub Actions. */
export function workflowRunAttempt(): number {
  const n = Number(process.env.GITHUB_RUN_ATTEMPT);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

/**
 * The branch the job checked out: a pull request's head branch (GITHUB_HEAD_REF), else the branch GITHUB_REF
 * names; undefined for a tag or a detached commit.
 */
export function checkedOutBranch(): string | undefined {
  if (process.env.GITHUB_HEAD_REF) return process.env.GITHUB_HEAD_REF;
  const ref = process.env.GITHUB_REF ?? '';
  return ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
}
