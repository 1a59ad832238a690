import { spawn } from 'node:child_process';
import fs from 'node:fs';

/** Git's variables that would point a command at another repository, index or object store than the one meant. */
const LOCATION_VARIABLES = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
];

/**
 * Settings for every git command the action runs in someone's repository: no hooks (a `post-checkout` hook would
 * run once per worktree), no fsmonitor daemon, no automatic gc or maintenance, and nothing asked on a terminal.
 */
const QUIET = [
  '-c',
  'core.hooksPath=/dev/null',
  '-c',
  'core.fsmonitor=false',
  '-c',
  'gc.auto=0',
  '-c',
  'maintenance.auto=false',
];

class GitError extends Error {
  override name = 'GitError';
}

export interface GitOptions {
  cwd: string;
  /** Added to (and overriding) the action's environment. */
  env?: Record<string, string>;
  /** Where stdout goes instead of being returned. */
  stdoutFile?: string;
  /** Written to git's stdin. */
  input?: string;
  /** Exit codes that are not failures (besides 0). */
  okCodes?: number[];
}

/** The environment for git: the action's, without variables that would redirect it, plus `extra`. */
function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0' };
  for (const name of LOCATION_VARIABLES) delete env[name];
  return { ...env, ...extra };
}

/** Runs git and returns its stdout. Throws a GitError with git's own message when it fails or is missing. */
export function git(args: readonly string[], options: GitOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const out = options.stdoutFile ? fs.openSync(options.stdoutFile, 'w') : 'pipe';
    const child = spawn('git', [...QUIET, ...args], {
      cwd: options.cwd,
      env: gitEnv(options.env),
      stdio: [options.input === undefined ? 'ignore' : 'pipe', out, 'pipe'],
    });
    if (typeof out === 'number') fs.closeSync(out);
    // Git may exit before reading all of it (an error); the closed pipe must not crash the action.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input);
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < 8192) stderr += chunk;
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      reject(new GitError(err.code === 'ENOENT' ? 'git is not installed (not found on PATH)' : err.message));
    });
    child.on('close', (code, signal) => {
      if (code === 0 || (code !== null && options.okCodes?.includes(code))) {
        resolve(Buffer.concat(stdout).toString('utf8'));
        return;
      }
      const why = stderr.trim().split('\n').slice(-3).join(' ').slice(0, 500) || `exit ${code ?? signal}`;
      reject(new GitError(`git ${subcommand(args)}: ${why}`));
    });
  });
}

/** Pipes one git command's output into another's input, as `git a | git b` would; returns the second's stdout. */
export function gitPipe(first: readonly string[], second: readonly string[], options: GitOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const env = gitEnv(options.env);
    const a = spawn('git', [...QUIET, ...first], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'ignore'] });
    const b = spawn('git', [...QUIET, ...second], { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    a.stdout.pipe(b.stdin);
    // The second may exit early (an error); its closed input must not crash the action.
    b.stdin.on('error', () => undefined);
    let stdout = '';
    let stderr = '';
    b.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    b.stderr.setEncoding('utf8').on('data', (c: string) => {
      if (stderr.length < 8192) stderr += c;
    });
    let firstCode: number | null = null;
    const firstDone = new Promise<void>((r) => a.on('close', (code) => ((firstCode = code), r())));
    a.on('error', (err) => reject(new GitError(err.message)));
    b.on('error', (err) => reject(new GitError(err.message)));
    b.on('close', (code) => {
      void firstDone.then(() => {
        if (code === 0 && firstCode === 0) resolve(stdout);
        else {
          const why = stderr.trim().slice(0, 500) || `exit ${code} (and ${firstCode} from git ${subcommand(first)})`;
          reject(new GitError(`git ${subcommand(second)}: ${why}`));
        }
      });
    });
  });
}

/** The git command among its arguments (past any `-c name=value`), for error messages. */
function subcommand(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-c') i++;
    else if (!args[i]!.startsWith('-')) return args[i]!;
  }
  return '';
}
