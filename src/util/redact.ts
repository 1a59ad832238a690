import type { FileHandle } from 'node:fs/promises';
import type { AgentResult, Credentials } from '../types.js';
import { RUNNER_SECRETS } from './runner.js';

/** Secrets shorter than this are left alone: masking them would garble ordinary text. */
const MIN_SECRET_LENGTH = 4;
const REDACTED = '***';

/**
 * The byte strings to look for, longest first: each secret as given, its JSON-escaped form (events.jsonl holds
 * JSON strings) and, for a secret of several lines, each of its lines (as the runner's own log masking does).
 * Empty and short values are dropped.
 */
export function secretPatterns(secrets: readonly string[]): Buffer[] {
  const found = new Set<string>();
  for (const secret of secrets) {
    const forms = [secret, JSON.stringify(secret).slice(1, -1), ...secret.split(/\r?\n/)];
    for (const form of forms) if (form.length >= MIN_SECRET_LENGTH) found.add(form);
  }
  return [...found].map((s) => Buffer.from(s, 'utf8')).sort((a, b) => b.length - a.length);
}

const MASK = Buffer.from(REDACTED, 'utf8');

/**
 * Copies `input` to `output`, replacing every pattern by `***`. It reads into one reused buffer and holds back
 * only the last (longest pattern - 1) bytes between reads, so a secret split by a read is still caught and a
 * log of any size is copied in constant memory, with no garbage for the collector to fall behind on.
 */
export async function redactFile(
  input: FileHandle,
  output: FileHandle,
  patterns: readonly Buffer[],
  chunkBytes = 64 * 1024,
): Promise<void> {
  const live = patterns.filter((p) => p.length > 0);
  const keep = Math.max(0, ...live.map((p) => p.length - 1));
  const buf = Buffer.allocUnsafe(chunkBytes + keep);
  let held = 0;
  let position = 0;
  for (;;) {
    const { bytesRead } = await input.read(buf, held, chunkBytes, position);
    position += bytesRead;
    const data = buf.subarray(0, held + bytesRead);
    const final = bytesRead === 0;
    // A match starting at or after `limit` may run past what has been read so far.
    const limit = final ? data.length : data.length - keep;
    const next = live.map((p) => data.indexOf(p));
    let pos = 0;
    for (;;) {
      let at = -1;
      let len = 0;
      live.forEach((p, k) => {
        if (next[k]! !== -1 && next[k]! < pos) next[k] = data.indexOf(p, pos);
        // Patterns are sorted longest first, so at equal start the longest wins.
        if (next[k]! !== -1 && (at === -1 || next[k]! < at)) [at, len] = [next[k]!, p.length];
      });
      if (at === -1 || at >= limit) break;
      await writeAll(output, data.subarray(pos, at));
      await writeAll(output, MASK);
      pos = at + len;
    }
    const settled = Math.max(pos, limit);
    await writeAll(output, data.subarray(pos, settled));
    if (final) return;
    held = data.copy(buf, 0, settled);
  }
}

async function writeAll(output: FileHandle, bytes: Buffer): Promise<void> {
  for (let done = 0; done < bytes.length;) done += (await output.write(bytes, done)).bytesWritten;
}

/** True when the first bytes of a file hold a NUL byte, the usual sign of a binary file. */
export function looksBinary(head: Buffer): boolean {
  return head.includes(0);
}

/** Redacts a whole string (for short texts such as error messages). */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const p of secretPatterns(secrets)) out = out.split(p.toString('utf8')).join(REDACTED);
  return out;
}

/**
 * A result with every text in it scrubbed (its answer, its error, its structured output, its upload warning),
 * to show anywhere. Through its JSON: a secret's JSON-escaped form is among the patterns, and `***` needs no
 * escaping, so the text stays JSON.
 */
export function redactResult(r: AgentResult, secrets: readonly string[]): AgentResult {
  return secrets.length ? (JSON.parse(redactText(JSON.stringify(r), secrets)) as AgentResult) : r;
}

/** Every credential value the action knows, for scrubbing text it writes or uploads. */
export function knownSecrets(credentials: Credentials, env: NodeJS.ProcessEnv): string[] {
  const values = [
    ...Object.values(credentials),
    ...RUNNER_SECRETS.filter((k) => k.endsWith('TOKEN')).map((k) => env[k]),
    env.ANTHROPIC_API_KEY,
    env.CLAUDE_CODE_OAUTH_TOKEN,
    env.GITHUB_TOKEN,
  ];
  return [...new Set(values.filter((v): v is string => !!v && v.length >= 4))];
}
