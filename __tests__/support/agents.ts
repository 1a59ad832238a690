import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AgentContext } from '../../src/agent/context.js';
import type { AgentSpec } from '../../src/types.js';
import { LOCAL_CLAUDE } from '../../stand-ins/run-action.js';

/**
 * Whether a process still runs. A zombie has ended: it only waits to be reaped, which a container's init
 * may never do, so `kill(pid, 0)` alone would call it alive.
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    // Another user's process (an agent user's): there, but not ours to signal.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
  }
  try {
    const state = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** The environment every test CLI gets: the stand-in model, no traffic elsewhere, no slow CLI-side retries. */
export function cliEnv(baseUrl: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ANTHROPIC_BASE_URL: baseUrl,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    CLAUDE_CODE_MAX_RETRIES: '0',
  };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function context(baseUrl: string, overrides: Partial<AgentContext> = {}): AgentContext {
  return {
    claude: LOCAL_CLAUDE,
    runDir: tempDir('agents-run-'),
    credentials: { anthropicApiKey: 'sk-test-key-0123456789', oauthToken: '', githubToken: '' },
    baseEnv: cliEnv(baseUrl),
    retries: 0,
    signal: new AbortController().signal,
    backoffMs: 10,
    ...overrides,
  };
}

export function spec(id: string, prompt: string, extra: Partial<AgentSpec> = {}): AgentSpec {
  return {
    index: 0,
    id,
    prompt,
    allowedTools: [],
    disallowedTools: [],
    claudeArgs: [],
    timeoutMinutes: 2,
    ...extra,
  };
}

/**
 * Live processes with an environment entry that starts with `needle`: the agents' CLIs and whatever they
 * started (every agent's CLAUDE_CONFIG_DIR is under its run folder). Another user's environment is readable
 * only to root; a test that is not root reads it through passwordless sudo.
 */
export function processesWith(needle: string): number[] {
  const environs = new Map<number, string>();
  if (process.getuid?.() === 0) {
    for (const name of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        environs.set(Number(name), fs.readFileSync(`/proc/${name}/environ`, 'utf8'));
      } catch {
        // ended while we looked
      }
    }
  } else {
    // One sudo for every process; one that ends meanwhile is skipped.
    const script =
      'for d in /proc/[0-9]*; do printf "\\n%s " "${d#/proc/}"; tr "\\n\\0" " \\1" < "$d/environ"; done 2>/dev/null; exit 0';
    const out = execFileSync('sudo', ['-n', 'sh', '-c', script], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    for (const line of out.split('\n')) {
      const space = line.indexOf(' ');
      if (space > 0) environs.set(Number(line.slice(0, space)), line.slice(space + 1).replaceAll('\u0001', '\0'));
    }
  }
  return [...environs]
    .filter(([pid, environ]) => environ.split('\0').some((entry) => entry.startsWith(needle)) && alive(pid))
    .map(([pid]) => pid);
}
