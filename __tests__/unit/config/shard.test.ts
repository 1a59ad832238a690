import { describe, expect, it } from 'vitest';
import { MAX_SHARDS, parseShard } from '../../../src/config/shard.js';
import { InputError } from '../../../src/util/errors.js';

describe('parseShard', () => {
  it('reads i/n, with spaces around the numbers', () => {
    expect(parseShard('1/3', "Input 'shard'")).toEqual({ index: 1, count: 3 });
    expect(parseShard(' 3 / 3 ', "Input 'shard'")).toEqual({ index: 3, count: 3 });
    expect(parseShard('1/1', "Input 'shard'")).toEqual({ index: 1, count: 1 });
    expect(parseShard(`${MAX_SHARDS}/${MAX_SHARDS}`, "Input 'shard'")).toEqual({ index: 256, count: 256 });
  });

  it.each(['0/3', '4/3', 'x', '3', '1/0', '/3', '1/', '-1/3', '1.5/3', '1/3/4', '1 of 3', `1/${MAX_SHARDS + 1}`, ''])(
    'refuses %j, naming the input, the value and the form',
    (value) => {
      let caught: unknown;
      try {
        parseShard(value, "Input 'shard'");
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(InputError);
      const message = (caught as Error).message;
      expect(message).toContain("Input 'shard' must be i/n");
      expect(message).toContain(JSON.stringify(value));
    },
  );
});
