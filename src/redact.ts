import { Transform, type TransformCallback } from 'node:stream';

/** Secrets shorter than this are left alone: masking them would garble ordinary text. */
export const MIN_SECRET_LENGTH = 4;
export const REDACTED = '***';

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

/**
 * Replaces every pattern in a byte stream by `***`. Only the last (longest pattern - 1) bytes are held back
 * between chunks, so a secret split across two chunks is still caught and memory stays bounded.
 */
export class RedactStream extends Transform {
  private readonly patterns: Buffer[];
  private readonly keep: number;
  private carry: Buffer = Buffer.alloc(0);
  private readonly mask = Buffer.from(REDACTED, 'utf8');

  constructor(patterns: readonly Buffer[]) {
    super();
    this.patterns = patterns.filter((p) => p.length > 0);
    this.keep = Math.max(0, ...this.patterns.map((p) => p.length - 1));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const data = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = this.scan(data, false);
    done();
  }

  override _flush(done: TransformCallback): void {
    this.scan(this.carry, true);
    this.carry = Buffer.alloc(0);
    done();
  }

  /**
   * Pushes the part of `data` that is settled and returns the tail to hold back. A match can only be cut off
   * by the end of `data` if it starts within the last `keep` bytes, so everything before that is settled.
   */
  private scan(data: Buffer, final: boolean): Buffer {
    const limit = final ? data.length : data.length - this.keep;
    const next = this.patterns.map((p) => data.indexOf(p));
    let pos = 0;
    for (;;) {
      let at = -1;
      let len = 0;
      for (let k = 0; k < this.patterns.length; k++) {
        let i = next[k] ?? -1;
        if (i !== -1 && i < pos) {
          i = data.indexOf(this.patterns[k] as Buffer, pos);
          next[k] = i;
        }
        // Patterns are sorted longest first, so at equal start the longest wins.
        if (i !== -1 && (at === -1 || i < at)) {
          at = i;
          len = (this.patterns[k] as Buffer).length;
        }
      }
      if (at === -1 || at >= limit) break;
      if (at > pos) this.push(data.subarray(pos, at));
      this.push(this.mask);
      pos = at + len;
    }
    const settled = Math.max(pos, limit);
    if (settled > pos) this.push(data.subarray(pos, settled));
    return Buffer.from(data.subarray(settled));
  }
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
