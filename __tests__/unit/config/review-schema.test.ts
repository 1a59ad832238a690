import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classify } from '../../../src/agent/classify.js';
import { parseMatrix, type AgentDefaults } from '../../../src/config/matrix.js';
import { FINDINGS_SCHEMA, FINDINGS_SCHEMA_TEXT } from '../../../src/config/review-schema.js';
import { compileJsonSchema } from '../../../src/util/json-schema.js';
import { InputError } from '../../../src/util/errors.js';

const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'review-schema-'));
const base: AgentDefaults = { allowedTools: [], disallowedTools: [], claudeArgs: [], timeoutMinutes: 30 };
const parse = (text: string, defaults: Partial<AgentDefaults> = {}) =>
  parseMatrix({ input: 'prompts', text, workspace }, { ...base, ...defaults });
const problems = (text: string, defaults: Partial<AgentDefaults> = {}) => {
  try {
    parse(text, defaults);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error('no input error');
};
const OWN = '{"type":"object"}';

describe('review: comments', () => {
  it('gives a reviewer the findings schema, from the input or its item, and takes it away with review: off', () => {
    const [plain, own, off] = parse(
      ['- plain prompt', '- {id: own, prompt: x, review: comments}', '- {id: off, prompt: y, review: off}'].join('\n'),
      { review: 'comments' },
    );
    expect(plain).toMatchObject({ review: 'comments', jsonSchema: FINDINGS_SCHEMA_TEXT });
    expect(own).toMatchObject({ review: 'comments', jsonSchema: FINDINGS_SCHEMA_TEXT });
    expect(off!.review).toBeUndefined();
    expect(off!.jsonSchema).toBeUndefined();
    const [mine, other] = parse(`- {id: a, prompt: x, review: comments}\n- {id: b, prompt: y, json-schema: '${OWN}'}`);
    expect(mine).toMatchObject({ review: 'comments', jsonSchema: FINDINGS_SCHEMA_TEXT });
    expect(other).toMatchObject({ jsonSchema: OWN });
    expect(other!.review).toBeUndefined();
  });

  it('refuses a reviewer with a JSON Schema of its own, each problem once, naming the fix', () => {
    expect(problems(`- {id: a, prompt: x, review: comments, json-schema: '${OWN}'}`)).toContain(
      `item 0 (id "a"): its 'review: comments' and its 'json-schema' do not mix (a reviewer answers with the findings schema); leave one out`,
    );
    expect(problems(`- {id: a, prompt: x, json-schema: '${OWN}'}`, { review: 'comments' })).toContain(
      `item 0 (id "a"): input 'review: comments' and its 'json-schema' do not mix (a reviewer answers with the findings schema); leave one out, or give the item review: off`,
    );
    const both = problems('- a\n- b', { review: 'comments', jsonSchema: OWN });
    expect(both).toContain(
      `Input 'review' is comments, which asks agents for findings through their JSON Schema, and input 'json-schema' is set too`,
    );
    expect(both.match(/do not mix|is set too/g)).toHaveLength(1);
    expect(problems('- {id: a, prompt: x, review: lines}')).toContain(
      `item 0 (id "a"): 'review' must be one of off, comments`,
    );
  });
});

describe('the findings schema', () => {
  const schema = compileJsonSchema(FINDINGS_SCHEMA);
  const finding = { path: 'a.ts', line: 3, 'start-line': 1, severity: 'high', title: 'T', body: 'B', suggestion: 'x' };

  it('is one the CLI takes, and takes a summary with findings', () => {
    expect(schema.check({ summary: 'ok', findings: [finding] })).toBeUndefined();
    expect(schema.check({ summary: 'nothing', findings: [] })).toBeUndefined();
  });

  it('fails a reviewer whose answer does not match, saying why', () => {
    const bad = { summary: 'x', findings: [{ ...finding, severity: 'urgent', line: 0 }] };
    expect(schema.check(bad)).toMatch(
      /output\/findings\/0\/line must be >= 1.*output\/findings\/0\/severity must be equal to one of the allowed values/,
    );
    const verdict = classify({
      exitCode: 0,
      signal: null,
      result: {
        type: 'result',
        subtype: 'success',
        is_error: false,
        num_turns: 1,
        total_cost_usd: 0,
        session_id: 's',
        result: '',
        structured_output: bad,
      },
      timedOut: false,
      stoppedAfterResult: false,
      timeoutMinutes: 30,
      sawAssistant: true,
      stderrTail: '',
      jsonSchema: FINDINGS_SCHEMA_TEXT,
    });
    expect(verdict.status).toBe('failure');
    expect(verdict.error).toMatch(
      /^structured output does not match the json-schema: output\/findings\/0\/line must be >= 1/,
    );
  });
});

describe('docs/publishing.md', () => {
  it('shows the findings schema as the code has it', () => {
    const text = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'publishing.md'), 'utf8');
    const section = text.slice(text.indexOf('## Line comments'));
    const json = /```json\n([\s\S]*?)\n```/.exec(section)?.[1];
    expect(JSON.parse(json ?? 'null')).toEqual(FINDINGS_SCHEMA);
  });
});
