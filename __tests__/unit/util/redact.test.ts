import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { knownSecrets, redactFile, redactText, secretPatterns } from '../../../src/util/redact.js';

const SECRET = 'sk-test-0123456789abcdef';

describe('redaction', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redact-'));
  let n = 0;

  /** Redacts `text` through files, reading `chunkBytes` at a time. */
  async function redact(text: Buffer | string, secrets: string[], chunkBytes?: number): Promise<string> {
    const from = path.join(dir, `in-${++n}`);
    const to = path.join(dir, `out-${n}`);
    fs.writeFileSync(from, text);
    const input = await fs.promises.open(from, 'r');
    const output = await fs.promises.open(to, 'wx');
    try {
      await redactFile(input, output, secretPatterns(secrets), chunkBytes);
    } finally {
      await Promise.all([input.close(), output.close()]);
    }
    return fs.readFileSync(to, 'utf8');
  }

  it('masks a secret split at every possible read boundary', async () => {
    const text = Buffer.from(`before ${SECRET} middle ${SECRET}${SECRET} after`);
    const expected = 'before *** middle ****** after';
    for (let chunk = 1; chunk <= text.length + 1; chunk++) expect(await redact(text, [SECRET], chunk)).toBe(expected);
  });

  it('prefers the longest secret, masks JSON-escaped forms and each line of a secret, ignores short ones', async () => {
    expect(await redact('xabcdefgx abcdx', ['abcd', 'abcdefg'])).toBe('x***x ***x');
    expect(await redact('{"p":"a\\"b\\\\c"}', ['a"b\\c'])).toBe('{"p":"***"}');
    expect(await redact('line two-1234 only', ['line one-1234\nline two-1234'])).toBe('*** only');
    expect(await redact('abc ab a', ['abc', 'ab', ''])).toBe('abc ab a');
    expect(await redact('no secrets here', [])).toBe('no secrets here');
    expect(redactText(`x ${SECRET} y`, [SECRET])).toBe('x *** y');
  });

  it('copies a large log in 64 KiB reads with secrets across the boundaries', async () => {
    const unit = 'x'.repeat(969) + SECRET;
    const input = Buffer.from(unit.repeat(4000));
    // 993-byte units against 64 KiB reads: some secrets are cut in two by a read boundary.
    const chunkSize = 64 * 1024;
    const cut = Array.from({ length: Math.floor(input.length / chunkSize) }, (_, i) => (i + 1) * chunkSize).filter(
      (at) => at % unit.length > 969,
    );
    expect(cut.length).toBeGreaterThan(5);
    expect(await redact(input, [SECRET])).toBe(('x'.repeat(969) + '***').repeat(4000));
  });
});

describe('knownSecrets', () => {
  it('lists the credentials and the secret variables of the environment, once each', () => {
    const secrets = knownSecrets(
      { anthropicApiKey: 'sk-ant-input', oauthToken: 'oauth-input', githubToken: 'ghs_same' },
      {
        ACTIONS_RUNTIME_TOKEN: 'runtime-token',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-token',
        ACTIONS_RUNTIME_URL: 'https://runtime.example',
        ANTHROPIC_API_KEY: 'sk-ant-env',
        CLAUDE_CODE_OAUTH_TOKEN: 'oauth-env',
        GITHUB_TOKEN: 'ghs_same',
        PATH: '/usr/bin',
      },
    );
    expect(new Set(secrets)).toEqual(
      new Set(['sk-ant-input', 'oauth-input', 'ghs_same', 'runtime-token', 'oidc-token', 'sk-ant-env', 'oauth-env']),
    );
    expect(secrets).toHaveLength(7);
  });

  it('leaves out empty and very short values', () => {
    expect(knownSecrets({ anthropicApiKey: '', oauthToken: 'abc', githubToken: 'abcd' }, { GITHUB_TOKEN: '' })).toEqual(
      ['abcd'],
    );
    expect(knownSecrets({ anthropicApiKey: '', oauthToken: '', githubToken: '' }, {})).toEqual([]);
  });
});
