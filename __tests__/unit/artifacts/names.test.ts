import { describe, expect, it } from 'vitest';
import { artifactName, plannedArtifactNames, validateArtifactNames } from '../../../src/artifacts/names.js';

describe('validateArtifactNames', () => {
  it('accepts distinct plain names', () => {
    expect(() => validateArtifactNames(['agents-a', 'agents-b.c', 'agents-d e'])).not.toThrow();
  });

  it.each(['"', ':', '<', '>', '|', '*', '?', '\r', '\n', '\\', '/'])('refuses a name with %j', (c) => {
    const name = artifactName('agents', `x${c}y`);
    expect(() => validateArtifactNames(['agents-ok', name])).toThrow(/`artifact-prefix`/);
    expect(() => validateArtifactNames([name])).toThrow(JSON.stringify(name));
  });

  it('refuses an empty name and a repeated one', () => {
    expect(() => validateArtifactNames([''])).toThrow(/is empty/);
    expect(() => validateArtifactNames(['p-a', 'p-b', 'p-a'])).toThrow(/"p-a".*used twice.*`artifact-prefix`/);
  });

  it('plans the names of each mode', () => {
    expect(plannedArtifactNames('per-agent', 'p', ['a', 'b'])).toEqual(['p-a', 'p-b', 'p-report']);
    expect(plannedArtifactNames('combined', 'p', ['a'])).toEqual(['p-all', 'p-a', 'p-report']);
    expect(plannedArtifactNames('none', 'p', ['a'])).toEqual([]);
    // An agent id "all" would collide with the combined artifact's name.
    expect(() => validateArtifactNames(plannedArtifactNames('combined', 'p', ['all']))).toThrow(/used twice/);
    // And an agent id "report" with the report's.
    expect(() => validateArtifactNames(plannedArtifactNames('per-agent', 'p', ['report']))).toThrow(/used twice/);
  });
});
