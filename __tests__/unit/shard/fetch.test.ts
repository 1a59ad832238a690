import { describe, expect, it } from 'vitest';
import { parseShardArtifactName } from '../../../src/shard/fetch.js';

describe('parseShardArtifactName', () => {
  it("reads a shard artifact's name back, for its prefix only", () => {
    expect(parseShardArtifactName('agent', 'agent-shard-2-of-5')).toEqual({ index: 2, count: 5 });
    expect(parseShardArtifactName('my-agents', 'my-agents-shard-10-of-10')).toEqual({ index: 10, count: 10 });
    for (const other of [
      'agent-a',
      'agent-shard-1-of-3.zip',
      'agent-shard-0-of-3',
      'agent-shard-4-of-3',
      'agent-shard-01-of-3',
      'agent-shard-x-of-3',
      'other-shard-1-of-3',
      'agents-shard-1-of-3',
    ]) {
      expect(parseShardArtifactName('agent', other), other).toBeUndefined();
    }
    // A prefix that itself ends like a shard name is read by the longer prefix only.
    expect(parseShardArtifactName('a', 'a-shard-1-of-2-shard-1-of-1')).toBeUndefined();
    expect(parseShardArtifactName('a-shard-1-of-2', 'a-shard-1-of-2-shard-1-of-1')).toEqual({ index: 1, count: 1 });
  });
});
