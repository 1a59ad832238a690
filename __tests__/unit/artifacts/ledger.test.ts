import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { artifactsOfEarlierSteps, recordArtifacts } from '../../../src/artifacts/ledger.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const jobTemp = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-'));
  dirs.push(dir);
  return dir;
};

describe('the per-job artifact ledger', () => {
  it('starts empty, and adds up every step’s names', () => {
    const dir = jobTemp();
    expect(artifactsOfEarlierSteps(dir)).toEqual([]);
    recordArtifacts(dir, ['p-a', 'p-b']);
    recordArtifacts(dir, []);
    recordArtifacts(dir, ['q-all']);
    expect(artifactsOfEarlierSteps(dir)).toEqual(['p-a', 'p-b', 'q-all']);
  });

  it('is one per job: another job’s folder starts empty', () => {
    recordArtifacts(jobTemp(), ['p-a']);
    expect(artifactsOfEarlierSteps(jobTemp())).toEqual([]);
  });

  it('keeps nothing without a per-job folder (outside a runner)', () => {
    recordArtifacts(undefined, ['p-a']);
    expect(artifactsOfEarlierSteps(undefined)).toEqual([]);
  });
});
