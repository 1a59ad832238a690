import { describe, expect, it } from 'vitest';
import { compileJsonSchema } from '../../../src/util/json-schema.js';

describe('compileJsonSchema', () => {
  it('checks values, listing every mismatch', () => {
    const schema = compileJsonSchema({
      type: 'object',
      properties: { name: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } },
      required: ['name'],
      additionalProperties: false,
    });
    expect(schema.check({ name: 'x', tags: ['a'] })).toBeUndefined();
    expect(schema.check({ tags: [1], extra: true })).toBe(
      "output must have required property 'name', output must NOT have additional properties, output/tags/0 must be string",
    );
  });

  it('refuses what the CLI refuses: not an object, bad keywords, unresolvable references', () => {
    expect(() => compileJsonSchema(true)).toThrow('a JSON Schema must be an object');
    expect(() => compileJsonSchema([])).toThrow('a JSON Schema must be an object');
    expect(() => compileJsonSchema({ type: 'strin' })).toThrow(
      /^data\/type must be equal to one of the allowed values/,
    );
    expect(() => compileJsonSchema({ type: 'object', foo: 1 })).toThrow('strict mode: unknown keyword: "foo"');
    expect(() => compileJsonSchema({ $ref: '#/definitions/x' })).toThrow(/can't resolve reference/);
  });

  it('takes formats without checking them, as the CLI does', () => {
    expect(compileJsonSchema({ type: 'string', format: 'email' }).check('not an email')).toBeUndefined();
  });

  it('compiles schemas with the same $id one after another', () => {
    const first = compileJsonSchema({ $id: 'https://example.test/s', type: 'string' });
    const second = compileJsonSchema({ $id: 'https://example.test/s', type: 'number' });
    expect(first.check('a')).toBeUndefined();
    expect(second.check('a')).toBe('output must be number');
  });
});
