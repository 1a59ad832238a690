import type { ShardRef } from '../types.js';
import { InputError } from '../util/errors.js';

/** GitHub runs at most 256 jobs from one matrix, so more shards than that cannot run side by side. */
export const MAX_SHARDS = 256;

/** `i/n`: shard `i` (from 1) of `n`. Spaces around the numbers are allowed, as `${{ matrix.shard }} / 3` gives. */
export function parseShard(value: string, what: string): ShardRef {
  const m = /^\s*(\d{1,6})\s*\/\s*(\d{1,6})\s*$/.exec(value);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || count > MAX_SHARDS || index < 1 || index > count) {
    throw new InputError(
      `${what} must be i/n, shard i of n, with 1 ≤ i ≤ n ≤ ${MAX_SHARDS} (for example "2/3", or ` +
        `"\${{ matrix.shard }}/3" with shard: [1, 2, 3]); got ${JSON.stringify(value)}`,
    );
  }
  return { index, count };
}
