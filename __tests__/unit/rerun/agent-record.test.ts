import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AGENT_RECORD, parseAgentRecord, writeAgentRecord } from '../../../src/rerun/agent-record.js';
import { makeResult } from '../../support/results.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-record-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('agent.json', () => {
  it('reads back what was written, pointing at the new folder and marked with the attempt that ran it', () => {
    const before = path.join(tmp, 'before');
    const result = makeResult('a', {
      outputDir: before,
      changes: { files: 1, insertions: 2, deletions: 0, patch: path.join(before, 'changes.patch') },
      artifactName: 'agent-a',
      uploadWarning: 'not this one',
    });
    writeAgentRecord(result, 1);
    const after = path.join(tmp, 'after');
    fs.mkdirSync(after);
    fs.writeFileSync(path.join(after, 'changes.patch'), 'diff');
    const text = fs.readFileSync(path.join(before, AGENT_RECORD), 'utf8');
    const read = parseAgentRecord(text, 'a', after);
    expect(read).toEqual({
      ...result,
      outputDir: after,
      changes: { files: 1, insertions: 2, deletions: 0, patch: path.join(after, 'changes.patch') },
      artifactName: undefined,
      uploadWarning: undefined,
      reusedFrom: 1,
    });
    expect(Object.keys(read)).not.toContain('artifactName');
  });

  it('keeps the attempt that ran an agent when a later attempt reused it and wrote the record again', () => {
    const dir = path.join(tmp, 'reused');
    writeAgentRecord(makeResult('b', { outputDir: dir, reusedFrom: 1 }), 3);
    const read = parseAgentRecord(fs.readFileSync(path.join(dir, AGENT_RECORD), 'utf8'), 'b', dir);
    expect(read).toMatchObject({ reusedFrom: 1 });
  });

  it('drops a patch that did not come back with the artifact', () => {
    const result = makeResult('c', {
      changes: { files: 1, insertions: 1, deletions: 0, patch: '/gone/changes.patch' },
    });
    const read = parseAgentRecord(JSON.stringify({ attempt: 2, result }), 'c', path.join(tmp, 'nowhere'));
    expect(read).toMatchObject({ changes: { files: 1, insertions: 1, deletions: 0 }, reusedFrom: 2 });
    expect('problem' in read || read.changes?.patch).toBeFalsy();
  });

  it('says what is wrong with a record it cannot use, rather than trusting it', () => {
    const good = makeResult('d');
    const problem = (value: unknown, id = 'd') => {
      const read = parseAgentRecord(typeof value === 'string' ? value : JSON.stringify(value), id, tmp);
      return 'problem' in read ? read.problem : undefined;
    };
    expect(problem('{not json')).toMatch(/^agent\.json is not JSON/);
    expect(problem({ result: good })).toBe('agent.json names no attempt');
    expect(problem({ attempt: 0, result: good })).toBe('agent.json names no attempt');
    expect(problem({ attempt: 1 })).toBe('agent.json holds no result');
    expect(problem({ attempt: 1, result: good }, 'other')).toBe('agent.json is of agent "d", not other');
    expect(problem({ attempt: 1, result: { ...good, status: 'great' } })).toBe('agent.json has no valid status');
    expect(problem({ attempt: 1, result: { ...good, durationMs: '5' } })).toBe('agent.json has a bad durationMs');
    expect(problem({ attempt: 1, result: { ...good, startedAt: 'yesterday' } })).toBe('agent.json has a bad time');
    expect(problem({ attempt: 1, result: { ...good, costUsd: 'free' } })).toBe('agent.json has a bad costUsd');
    expect(problem({ attempt: 1, result: { ...good, needs: [1] } })).toBe('agent.json has a bad needs');
    expect(problem({ attempt: 1, result: good })).toBeUndefined();
  });
});
