import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SCHEMA_BYTES, readJsonSchema } from '../../../src/config/json-schema-input.js';
import { parseMatrix } from '../../../src/config/matrix.js';
import { InputError } from '../../../src/util/errors.js';

let workspace: string;
beforeAll(() => {
  workspace = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'schema-test-')));
  fs.mkdirSync(path.join(workspace, 'schemas'));
  fs.writeFileSync(path.join(workspace, 'schemas', 'review.json'), '{ "type": "object", "required": ["ok"] }');
  fs.writeFileSync(path.join(workspace, 'schemas', 'broken.json'), '{ "type": ');
  fs.writeFileSync(path.join(workspace, 'schemas', 'bad-keyword.json'), '{ "type": "object", "requierd": ["ok"] }');
});
afterAll(() => fs.rmSync(workspace, { recursive: true, force: true }));

const read = (value: unknown) => readJsonSchema(value, workspace, `Input 'json-schema'`);

function refused(value: unknown): string {
  try {
    read(value);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/^Input 'json-schema'/);
    return (err as Error).message;
  }
  throw new Error('the schema was accepted');
}

describe('readJsonSchema', () => {
  it('takes JSON text, a .json file in the workspace, or a mapping, as compact JSON', () => {
    expect(read('  {"type": "object"}\n')).toBe('{"type":"object"}');
    expect(read('schemas/review.json')).toBe('{"type":"object","required":["ok"]}');
    expect(read({ type: 'array', items: { type: 'string' } })).toBe('{"type":"array","items":{"type":"string"}}');
  });

  it('refuses what is not a JSON Schema the CLI would take, saying why', () => {
    expect(refused('{"type": ')).toMatch(/is not valid JSON/);
    expect(refused('{"type": "strin"}')).toMatch(
      /is not a valid JSON Schema \(draft-07, as the CLI reads it\): data\/type must be equal to one of the allowed values/,
    );
    expect(refused('{"type": "object", "required": "name"}')).toMatch(/data\/required must be array/);
    expect(refused('{"$ref": "#/definitions/missing"}')).toMatch(/can't resolve reference/);
    expect(refused('schemas/bad-keyword.json')).toMatch(/strict mode: unknown keyword: "requierd"/);
    expect(refused('schemas/broken.json')).toMatch(/\(schemas\/broken.json\) is not valid JSON/);
  });

  it('refuses a path that is not a .json file inside the workspace', () => {
    expect(refused('schema.yml')).toMatch(/JSON text starting with "\{"\) or the path of a .json file/);
    expect(refused('schemas/none.json')).toMatch(/does not exist/);
    expect(refused('../outside.json')).toMatch(/does not exist|outside the workspace/);
    expect(refused(['a'])).toMatch(/got a list/);
  });

  it('refuses a schema too long for the command line', () => {
    const big = { type: 'object', description: 'x'.repeat(MAX_SCHEMA_BYTES) };
    expect(refused(big)).toMatch(/KiB as compact JSON; at most 64 KiB/);
  });

  it('is read from a matrix item, as JSON text, a file or YAML', () => {
    const specs = parseMatrix(
      {
        input: 'prompts',
        workspace,
        text: [
          '- {id: a, prompt: x, json-schema: schemas/review.json}',
          '- id: b',
          '  prompt: y',
          '  json-schema:',
          '    type: object',
          '    properties: {n: {type: integer}}',
        ].join('\n'),
      },
      { allowedTools: [], disallowedTools: [], claudeArgs: [], timeoutMinutes: 1, jsonSchema: '{"type":"string"}' },
    );
    expect(specs.map((s) => s.jsonSchema)).toEqual([
      '{"type":"object","required":["ok"]}',
      '{"type":"object","properties":{"n":{"type":"integer"}}}',
    ]);
  });
});
