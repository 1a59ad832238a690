import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { apiErrorStatus, EventReader, tokenUsage, type Pushback, type ResultEvent } from '../../../src/agent/events.js';

const init = { type: 'system', subtype: 'init', session_id: 'sess-1', tools: ['Read'] };
const assistant = {
  type: 'assistant',
  session_id: 'sess-1',
  message: { model: 'claude-sonnet', content: [{ type: 'text', text: 'Working… ✓' }] },
};
const toolUse = { type: 'user', session_id: 'sess-1', message: { content: [{ type: 'tool_result', content: 'ok' }] } };
const result = {
  type: 'result',
  subtype: 'success',
  is_error: false,
  num_turns: 2,
  total_cost_usd: 0.0123,
  session_id: 'sess-1',
  // Multi-byte characters, so some split points fall inside a character.
  result: 'Fertig: ünïcödé 😀 done',
};

const jsonl = (...events: unknown[]) => events.map((e) => JSON.stringify(e)).join('\n') + '\n';

function read(...chunks: (Buffer | string)[]): EventReader {
  const reader = new EventReader();
  for (const c of chunks) reader.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  reader.end();
  return reader;
}

/** The private buffers, to check that an over-long line is not kept in memory. */
const buffered = (reader: EventReader) =>
  (reader as unknown as { partial: Buffer[] }).partial.reduce((n, b) => n + b.length, 0);

describe('EventReader', () => {
  it('finds the result, the session and the first assistant turn in one chunk', () => {
    const reader = read(jsonl(init, assistant, toolUse, result));
    expect(reader.result).toEqual(result);
    expect(reader.sawAssistant).toBe(true);
    expect(reader.sessionId).toBe('sess-1');
  });

  it('starts empty', () => {
    const reader = new EventReader();
    expect(reader.result).toBeUndefined();
    expect(reader.sawAssistant).toBe(false);
    expect(reader.sessionId).toBeUndefined();
    reader.end();
    expect(reader.result).toBeUndefined();
  });

  it('finds the result split across two chunks at every byte offset', () => {
    const bytes = Buffer.from(jsonl(init, assistant, result));
    for (let at = 0; at <= bytes.length; at++) {
      const reader = read(bytes.subarray(0, at), bytes.subarray(at));
      expect(reader.result, `split at ${at}`).toEqual(result);
      expect(reader.sawAssistant, `split at ${at}`).toBe(true);
    }
  });

  it('finds the result split across three chunks at every pair of offsets in the result line', () => {
    const head = Buffer.from(jsonl(init));
    const line = Buffer.from(jsonl(result));
    const bytes = Buffer.concat([head, line]);
    for (let a = head.length; a <= bytes.length; a += 3) {
      for (let b = a; b <= bytes.length; b += 5) {
        const reader = read(bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b));
        expect(reader.result, `split at ${a} and ${b}`).toEqual(result);
      }
    }
  });

  it('finds the result fed one byte at a time', () => {
    const bytes = Buffer.from(jsonl(init, assistant, toolUse, result));
    const reader = new EventReader();
    for (let i = 0; i < bytes.length; i++) reader.push(bytes.subarray(i, i + 1));
    reader.end();
    expect(reader.result).toEqual(result);
    expect(reader.sawAssistant).toBe(true);
  });

  it('reads a last line without a newline only at end()', () => {
    const reader = new EventReader();
    reader.push(Buffer.from(jsonl(assistant) + JSON.stringify(result)));
    expect(reader.sawAssistant).toBe(true);
    expect(reader.result).toBeUndefined();
    reader.end();
    expect(reader.result).toEqual(result);
  });

  it('reads lines ending in CRLF', () => {
    const reader = read(JSON.stringify(assistant) + '\r\n' + JSON.stringify(result) + '\r\n');
    expect(reader.result).toEqual(result);
    expect(reader.sawAssistant).toBe(true);
  });

  it('keeps the last result when there are several', () => {
    const first = { ...result, result: 'first' };
    const reader = read(jsonl(first, assistant, result));
    expect(reader.result?.result).toBe(result.result);
  });

  it('does not count a <synthetic> assistant message as a turn', () => {
    const synthetic = {
      type: 'assistant',
      session_id: 'sess-2',
      message: { model: '<synthetic>', content: [{ type: 'text', text: 'API Error: 529 Overloaded' }] },
    };
    const reader = read(jsonl(init, synthetic, { ...result, is_error: true, api_error_status: 529 }));
    expect(reader.sawAssistant).toBe(false);
    expect(reader.sessionId).toBe('sess-1');
    expect(reader.result?.api_error_status).toBe(529);
    expect(read(jsonl(synthetic)).sessionId).toBe('sess-2');
    expect(read(jsonl(synthetic, assistant)).sawAssistant).toBe(true);
  });

  it('counts an assistant message without a model as a turn', () => {
    expect(read(jsonl({ type: 'assistant', message: { content: [] } })).sawAssistant).toBe(true);
  });

  it('ignores garbage lines and keeps reading', () => {
    const garbage = [
      'not json at all',
      '{"type":"result"',
      '{"type":"result", broken}',
      '[{"type":"result"}]',
      '"{\\"type\\":\\"result\\"}"',
      '{"type":"assistant"',
      '\u0000\u0001\u0002binary\u00ff',
      '',
      '   ',
      '{}',
      'null',
      '{"type":"results","subtype":"success"}',
    ].join('\n');
    const reader = read(garbage + '\n' + jsonl(result) + garbage);
    expect(reader.result).toEqual(result);
    expect(reader.sawAssistant).toBe(false);

    const onlyGarbage = read(garbage + '\n' + garbage);
    expect(onlyGarbage.result).toBeUndefined();
    expect(onlyGarbage.sawAssistant).toBe(false);
    expect(onlyGarbage.sessionId).toBeUndefined();
  });

  it('ignores a result mentioned inside another event', () => {
    const tool = {
      type: 'user',
      message: { content: [{ type: 'tool_result', content: '{"type":"result","subtype":"success"}' }] },
    };
    // JSON-escaped inside the string, so not the marker; and even a raw mention would parse as a 'user' event.
    const raw = '{"type":"user","note":{"type":"result"}}';
    const reader = read(jsonl(tool) + raw + '\n');
    expect(reader.result).toBeUndefined();
  });

  it('skips a line over the 16 MiB cap without keeping it, and reads the next line', () => {
    const reader = new EventReader();
    reader.push(Buffer.from(jsonl(init)));
    // A well-formed result event, so that it would be found if it were kept.
    const prefix = Buffer.from('{"type":"result","subtype":"success","is_error":false,"result":"');
    const filler = Buffer.alloc(1024 * 1024, 'x');
    reader.push(prefix);
    for (let i = 0; i < 17; i++) {
      reader.push(filler);
      expect(buffered(reader)).toBeLessThanOrEqual(16 * 1024 * 1024);
    }
    expect(buffered(reader)).toBe(0);
    reader.push(Buffer.from('"}\n'));
    expect(reader.result).toBeUndefined();
    expect(buffered(reader)).toBe(0);

    reader.push(Buffer.from(jsonl(assistant) + JSON.stringify(result)));
    reader.end();
    expect(reader.result).toEqual(result);
    expect(reader.sawAssistant).toBe(true);
  });

  it('skips an over-long line that arrives in one chunk', () => {
    const huge = Buffer.from(`{"type":"result","result":"${'y'.repeat(17 * 1024 * 1024)}"}\n`);
    const reader = read(huge, jsonl(result));
    expect(reader.result).toEqual(result);
  });

  it('skips an over-long last line without a newline', () => {
    const reader = new EventReader();
    reader.push(Buffer.from(jsonl(result)));
    reader.push(Buffer.from(`{"type":"result","result":"${'z'.repeat(17 * 1024 * 1024)}"}`));
    reader.end();
    expect(reader.result).toEqual(result);
  });
});

describe('EventReader: structured output', () => {
  it("keeps the result's structured output and the CLI's last refusal of one", () => {
    const refusal = (text: string) => ({
      type: 'user',
      message: { role: 'user', content: [{ type: 'tool_result', content: text, is_error: true, tool_use_id: 't' }] },
    });
    const first = "Output does not match required schema: root: must have required property 'a'";
    const last = "Output does not match required schema: root: must have required property 'b'";
    const reader = read(jsonl(init, refusal(first), refusal('some other tool error'), refusal(last), result));
    expect(reader.structuredRejection).toBe(last);
    const structured = read(jsonl({ ...result, structured_output: { a: 1 } }));
    expect(structured.result?.structured_output).toEqual({ a: 1 });
    expect(structured.structuredRejection).toBeUndefined();
  });
});

/**
 * Streams captured from real CLIs against the stand-in model (fixtures/<version>/, the `system init` line left
 * out): 2.1.332 (pinned), 2.1.100 (the oldest supported, which leaves `api_error_status` out of its results) and
 * 2.1.197 (which gives up on repeated 529s with `api_error_status: null`). `529-repeated.jsonl`: `@fail 529`,
 * `--model claude-opus-4-6` and CLAUDE_CODE_MAX_RETRIES=4, where every version stops after its third 529.
 */
const CLI_VERSIONS = ['2.1.332', '2.1.100', '2.1.197'] as const;
const fixture = (version: string, name: string) =>
  fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', version, name));

/** Reads a captured stream in small chunks, as it would arrive, and collects what was heard. */
function follow(bytes: Buffer): { reader: EventReader; heard: Pushback[] } {
  const heard: Pushback[] = [];
  const reader = new EventReader((p) => heard.push(p));
  for (let i = 0; i < bytes.length; i += 97) reader.push(bytes.subarray(i, i + 97));
  reader.end();
  return { reader, heard };
}

describe.each(CLI_VERSIONS)('EventReader on the stream of CLI %s', (version) => {
  it('hears each 429 the CLI retried itself, as it happens, and then the answer', () => {
    const { reader, heard } = follow(fixture(version, '429-retried.jsonl'));
    expect(heard).toEqual([
      { status: 429, final: false },
      { status: 429, final: false },
    ]);
    expect(reader.result).toMatchObject({ subtype: 'success', is_error: false, result: 'Done: hello' });
  });

  it.each([429, 529] as const)('hears the retry and the final error when %i did not go away', (status) => {
    const { heard } = follow(fixture(version, `${status}-final.jsonl`));
    expect(heard).toEqual([
      { status, final: false },
      { status, final: true },
    ]);
  });

  it('hears nothing from a run that hit its budget', () => {
    expect(follow(fixture(version, 'budget.jsonl')).heard).toEqual([]);
  });

  it('takes the status of the 529s the CLI gave up on after repeating them, whatever its last words', () => {
    const { reader, heard } = follow(fixture(version, '529-repeated.jsonl'));
    expect(reader.result?.result).toMatch(/^API Error: Repeated 529 Overloaded errors/);
    expect(apiErrorStatus(reader.result!)).toBe(529);
    expect(heard).toEqual([
      { status: 529, final: false },
      { status: 529, final: false },
      { status: 529, final: true },
    ]);
  });

  it('reads the tokens of a run that ended at its budget, where `usage` holds zeros', () => {
    const { reader } = follow(fixture(version, 'budget.jsonl'));
    expect(reader.result?.usage?.input_tokens).toBe(0);
    expect(tokenUsage(reader.result!)).toEqual({
      inputTokens: 100_000,
      outputTokens: 100,
      cacheReadTokens: 50_000,
      cacheCreationTokens: 10_000,
    });
  });
});

describe('EventReader: pushback', () => {
  const retry = (extra: object) => ({ type: 'system', subtype: 'api_retry', attempt: 1, ...extra });

  it('takes the kind of error where a retry event has no status', () => {
    const heard: Pushback[] = [];
    const reader = new EventReader((p) => heard.push(p));
    reader.push(Buffer.from(jsonl(retry({ error: 'rate_limit' }), retry({ error_status: null, error: 'overloaded' }))));
    expect(heard).toEqual([
      { status: 429, final: false },
      { status: 529, final: false },
    ]);
  });

  it('hears nothing of retries for other errors, nor of an error result that is no rate limit', () => {
    const heard: Pushback[] = [];
    const reader = new EventReader((p) => heard.push(p));
    reader.push(
      Buffer.from(
        jsonl(retry({ error_status: 500, error: 'server_error' }), retry({ error_status: null, error: 'unknown' }), {
          type: 'result',
          is_error: true,
          api_error_status: 400,
          result: 'API Error: 400 bad request',
        }),
      ),
    );
    reader.end();
    expect(heard).toEqual([]);
  });
});

describe('EventReader: the status of an API error the result does not give', () => {
  const retry = (status: number) => ({ type: 'system', subtype: 'api_retry', error_status: status });
  const synthetic = { type: 'assistant', message: { model: '<synthetic>', content: [] } };
  // A wording no version uses yet: the status must not depend on it.
  const gaveUp = { type: 'result', subtype: 'success', is_error: true, result: 'API Error: gave up, sorry' };

  it('is that of the retries right before it, 429 or 529, with or without a null field', () => {
    expect(read(jsonl(retry(429), synthetic, gaveUp)).result?.api_error_status).toBe(429);
    const nullField = { ...gaveUp, api_error_status: null };
    expect(read(jsonl(retry(529), retry(529), synthetic, nullField)).result?.api_error_status).toBe(529);
  });

  it('is none once the model answered after the retries, nor for a result that gives its own', () => {
    const maxTurns = { type: 'result', subtype: 'error_max_turns', is_error: true, result: 'stopped' };
    expect(read(jsonl(retry(529), assistant, maxTurns)).result?.api_error_status).toBeUndefined();
    expect(read(jsonl(retry(529), assistant, synthetic, gaveUp)).result?.api_error_status).toBeUndefined();
    const own = { ...gaveUp, api_error_status: 400 };
    expect(read(jsonl(retry(529), synthetic, own)).result?.api_error_status).toBe(400);
    const inText = { ...gaveUp, result: 'API Error: 500 internal' };
    expect(apiErrorStatus(read(jsonl(retry(529), synthetic, inText)).result!)).toBe(500);
  });

  it('is none without an error, or after retries of other kinds', () => {
    expect(read(jsonl(retry(529), synthetic, result)).result?.api_error_status).toBeUndefined();
    expect(read(jsonl(retry(500), synthetic, gaveUp)).result?.api_error_status).toBeUndefined();
    expect(read(jsonl(synthetic, gaveUp)).result?.api_error_status).toBeUndefined();
  });
});

describe('apiErrorStatus', () => {
  const failed = (result: string, extra: Partial<ResultEvent> = {}): ResultEvent => ({
    type: 'result',
    subtype: 'success',
    is_error: true,
    result,
    ...extra,
  });

  it('takes api_error_status where the CLI fills it (2.1.332)', () => {
    const { reader } = follow(fixture('2.1.332', '429-final.jsonl'));
    expect(reader.result?.api_error_status).toBe(429);
    expect(apiErrorStatus(reader.result!)).toBe(429);
  });

  it('reads the status from the error text where the CLI leaves the field out (2.1.100)', () => {
    for (const status of [429, 529, 500]) {
      const { reader } = follow(fixture('2.1.100', `${status}-final.jsonl`));
      expect(reader.result?.api_error_status).toBeUndefined();
      expect(apiErrorStatus(reader.result!)).toBe(status);
    }
  });

  it.each([
    ['API Error: 429 {"type":"error","error":{"type":"rate_limit_error"}}', 429],
    ['API Error: Request rejected (429) · slow down', 429],
    ['API Error: 529 Overloaded. This is a server-side issue', 529],
  ])('reads %j', (text, status) => {
    expect(apiErrorStatus(failed(text))).toBe(status);
  });

  it('finds no status in an answer, in a success, or in an error without one', () => {
    expect(apiErrorStatus(failed('The API Error: 429 page says…'))).toBeUndefined();
    expect(apiErrorStatus(failed('API Error: 429 rate limited', { is_error: false }))).toBeUndefined();
    expect(apiErrorStatus(failed('API Error: Unable to connect to API (UND_ERR_SOCKET)'))).toBeUndefined();
    expect(apiErrorStatus(failed('API Error: 12345 what'))).toBeUndefined();
  });
});

describe('tokenUsage', () => {
  it('adds up every model, the fallback and the small model included', () => {
    const r: ResultEvent = {
      type: 'result',
      usage: { input_tokens: 1, output_tokens: 1 },
      modelUsage: {
        main: { inputTokens: 100, outputTokens: 20, cacheReadInputTokens: 300, cacheCreationInputTokens: 40 },
        small: { inputTokens: 5, outputTokens: 1 },
      },
    };
    expect(tokenUsage(r)).toEqual({
      inputTokens: 105,
      outputTokens: 21,
      cacheReadTokens: 300,
      cacheCreationTokens: 40,
    });
  });

  it('falls back to usage without modelUsage, and is null without either', () => {
    const r: ResultEvent = { type: 'result', usage: { input_tokens: 7, output_tokens: 3, cache_read_input_tokens: 2 } };
    expect(tokenUsage(r)).toEqual({ inputTokens: 7, outputTokens: 3, cacheReadTokens: 2, cacheCreationTokens: 0 });
    expect(tokenUsage({ type: 'result' })).toBeNull();
  });
});
