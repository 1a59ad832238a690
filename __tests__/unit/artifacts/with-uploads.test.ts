import { describe, expect, it } from 'vitest';
import { UPLOAD_CUT_SHORT, withUploads } from '../../../src/artifacts/with-uploads.js';
import type { UploadOutcome } from '../../../src/artifacts/upload.js';
import type { AgentResult } from '../../../src/types.js';
import { makeResult } from '../../support/results.js';

function result(id: string): AgentResult {
  return makeResult(id, { outputDir: `/run/${id}`, answer: 'ok' });
}

describe('withUploads', () => {
  const results = [result('a'), result('b'), result('c')];

  it('writes each outcome into its agent, keeping the order of the results', () => {
    const outcomes = new Map<string, UploadOutcome>([
      ['c', { artifactName: 'p-c', warning: 'Artifact p-c was not uploaded: boom' }],
      ['a', { artifactName: 'p-a', artifactId: 7, artifactUrl: 'https://example.test/7' }],
    ]);
    const merged = withUploads(results, outcomes);
    expect(merged.map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect(merged[0]).toEqual({
      ...results[0],
      artifactName: 'p-a',
      artifactId: 7,
      artifactUrl: 'https://example.test/7',
    });
    expect(merged[1]).toEqual(results[1]);
    expect(merged[2]).toEqual({
      ...results[2],
      artifactName: 'p-c',
      uploadWarning: 'Artifact p-c was not uploaded: boom',
    });
  });

  it('says on every agent that its upload was cut short when the uploads were abandoned', () => {
    const merged = withUploads(results, undefined);
    expect(merged.every((r) => r.uploadWarning === UPLOAD_CUT_SHORT)).toBe(true);
  });

  it('changes nothing it was given', () => {
    const before = structuredClone(results);
    withUploads(results, new Map([['a', { artifactName: 'p-a', artifactId: 1 }]]));
    expect(results).toEqual(before);
  });
});
