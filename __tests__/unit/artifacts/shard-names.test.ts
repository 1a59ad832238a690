import { describe, expect, it } from 'vitest';
import {
  MAX_ARTIFACTS_PER_JOB,
  checkArtifactBudget,
  combinedArtifactName,
  plannedArtifactNames,
  shardArtifactName,
  uploadedArtifactNames,
  validateArtifactNames,
} from '../../../src/artifacts/names.js';
import { InputError } from '../../../src/util/errors.js';

describe('shard artifact names', () => {
  it('name each shard', () => {
    expect(shardArtifactName('agent', { index: 2, count: 5 })).toBe('agent-shard-2-of-5');
  });

  it('give each shard its own combined artifact', () => {
    expect(combinedArtifactName('p')).toBe('p-all');
    expect(combinedArtifactName('p', { index: 1, count: 2 })).toBe('p-all-1-of-2');
  });

  it('are planned for every shard, so every shard refuses a clash of any two', () => {
    expect(plannedArtifactNames('per-agent', 'p', ['a', 'b'], 2)).toEqual([
      'p-a',
      'p-b',
      'p-shard-1-of-2',
      'p-shard-2-of-2',
      'p-report',
    ]);
    expect(plannedArtifactNames('combined', 'p', ['a'], 2)).toEqual([
      'p-all-1-of-2',
      'p-all-2-of-2',
      'p-a',
      'p-shard-1-of-2',
      'p-shard-2-of-2',
      'p-report',
    ]);
    expect(plannedArtifactNames('none', 'p', ['a'], 2)).toEqual(['p-shard-1-of-2', 'p-shard-2-of-2']);
    // An agent whose id is another shard's artifact name would take it in the same run.
    expect(() => validateArtifactNames(plannedArtifactNames('per-agent', 'p', ['shard-2-of-2'], 2))).toThrow(
      /"p-shard-2-of-2".*used twice/,
    );
    expect(() => validateArtifactNames(plannedArtifactNames('combined', 'p', ['all-1-of-2'], 2))).toThrow(/used twice/);
  });
});

describe('uploadedArtifactNames', () => {
  it('counts one artifact per agent, one when combined, none when off, and the report or the shard’s own', () => {
    expect(uploadedArtifactNames('per-agent', 'p', ['a', 'b'])).toEqual(['p-a', 'p-b', 'p-report']);
    expect(uploadedArtifactNames('combined', 'p', ['a', 'b'])).toEqual(['p-all', 'p-report']);
    expect(uploadedArtifactNames('none', 'p', ['a', 'b'])).toEqual([]);
    const shard = { index: 3, count: 4 };
    expect(uploadedArtifactNames('per-agent', 'p', ['a'], shard)).toEqual(['p-a', 'p-shard-3-of-4']);
    expect(uploadedArtifactNames('combined', 'p', ['a', 'b'], shard)).toEqual(['p-all-3-of-4', 'p-shard-3-of-4']);
    expect(uploadedArtifactNames('none', 'p', ['a'], shard)).toEqual(['p-shard-3-of-4']);
  });
});

describe('checkArtifactBudget', () => {
  it('allows up to GitHub’s 500 artifacts per job, counting earlier steps', () => {
    expect(MAX_ARTIFACTS_PER_JOB).toBe(500);
    expect(() => checkArtifactBudget(500, 0)).not.toThrow();
    expect(() => checkArtifactBudget(200, 300)).not.toThrow();
  });

  it('refuses past them, saying to shard or to upload combined', () => {
    expect(() => checkArtifactBudget(501, 0)).toThrow(InputError);
    expect(() => checkArtifactBudget(501, 0)).toThrow(/upload 501 artifacts: GitHub accepts at most 500/);
    expect(() => checkArtifactBudget(300, 201)).toThrow(/earlier steps of this job already used the action for 201/);
    expect(() => checkArtifactBudget(501, 0)).toThrow(/`shard` input.*`upload: combined`/);
  });
});
