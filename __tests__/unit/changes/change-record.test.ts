import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readChangeRecord, writeChangeRecord } from '../../../src/changes/change-record.js';
import type { AgentResult, AgentSpec } from '../../../src/types.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'change-record-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const BASE = 'a'.repeat(40);
function result(dir: string, over: Partial<AgentResult> = {}): AgentResult {
  return {
    ...{ id: 'fix', status: 'success', exitCode: 0, startedAt: '', finishedAt: '', durationMs: 1, startupMs: 1 },
    ...{ turns: 1, costUsd: 0, sessionId: null, outputDir: dir, error: null, attempts: 1, answer: 'ok', usage: null },
    changes: { files: 1, insertions: 1, deletions: 0, patch: path.join(dir, 'changes.patch'), base: BASE },
    ...over,
  };
}

describe('the change record', () => {
  it("carries the item's settings and the result to a later job, and points at the folder it is read from", () => {
    const dir = path.join(root, 'written');
    fs.mkdirSync(dir);
    const spec = { index: 2, id: 'fix', commitMessage: 'Fix', maxChangedFiles: 9 } as AgentSpec;
    writeChangeRecord(result(dir), spec, 'pull-request');
    const fetched = path.join(root, 'fetched');
    fs.mkdirSync(fetched);
    fs.copyFileSync(path.join(dir, 'change.json'), path.join(fetched, 'change.json'));
    fs.writeFileSync(path.join(fetched, 'changes.patch'), 'diff');
    const read = readChangeRecord(fetched);
    expect(read.index).toBe(2);
    expect(read.item).toMatchObject({ mode: 'pull-request', commitMessage: 'Fix', maxChangedFiles: 9 });
    expect(read.result.outputDir).toBe(fetched);
    expect(read.result.changes).toMatchObject({ patch: path.join(fetched, 'changes.patch'), base: BASE });
  });

  it('trusts no path, base or mode the record names', () => {
    const dir = path.join(root, 'forged');
    fs.mkdirSync(dir);
    const forged = result('/etc', {
      changes: { files: 1, insertions: 0, deletions: 0, patch: '/etc/passwd', base: '--upload-pack=x' },
    });
    fs.writeFileSync(
      path.join(dir, 'change.json'),
      JSON.stringify({ version: 1, index: 0, item: { mode: 'rm -rf' }, result: forged }),
    );
    const read = readChangeRecord(dir);
    expect(read.item.mode).toBe('patch');
    expect(read.result.outputDir).toBe(dir);
    expect(read.result.changes).toMatchObject({ patch: undefined, base: undefined });
  });

  it('refuses a file that is not a record', () => {
    const dir = path.join(root, 'other');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'change.json'), '{"version":2}');
    expect(() => readChangeRecord(dir)).toThrow('is not a change record of this version of the action');
  });
});
