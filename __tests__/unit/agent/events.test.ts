import { describe, expect, it } from 'vitest';
import { EventReader } from '../../../src/agent/events.js';

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
