import * as core from '@actions/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { logUntrusted, untrusted } from '../../../src/util/log.js';
import { obeyedCommands } from '../../support/runner-commands.js';

// What an agent could print to command the runner, each line in a different disguise.
const FORGED = [
  '::warning::forged warning',
  '::add-mask::Done',
  '::set-output name=succeeded::999',
  '::error file=x,line=1::forged error',
  '  ::notice::indented notice',
  'text, then ##[set-output name=failed;]0 in the older syntax',
  '::stop-commands::guess',
  '::guess::',
  'a carriage return\r::save-state name=x::forged',
].join('\n');

let stdout: string[];
beforeEach(() => {
  stdout = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

describe('the emulated runner', () => {
  it('obeys every forged line when nothing fences it off, the older syntax and a lone \\r included', () => {
    const obeyed = obeyedCommands(FORGED);
    expect(obeyed.map((c) => c.command)).toEqual([
      'warning',
      'add-mask',
      'set-output',
      'error',
      'notice',
      'set-output',
      'stop-commands',
      'resume-commands',
      'save-state',
    ]);
    expect(obeyed[2]).toMatchObject({ properties: { name: 'succeeded' }, data: '999' });
    expect(obeyed[3]).toMatchObject({ properties: { file: 'x', line: '1' }, data: 'forged error' });
  });

  it('obeys nothing between stop-commands and its token, and what follows the token again', () => {
    const obeyed = obeyedCommands('::stop-commands::t1\n::warning::no\n::T1::\n::warning::yes');
    expect(obeyed.map((c) => [c.command, c.data])).toEqual([
      ['stop-commands', 't1'],
      ['resume-commands', ''],
      ['warning', 'yes'],
    ]);
  });
});

describe('untrusted text in the log', () => {
  it('is obeyed in no part, and the commands around it still are', () => {
    core.startGroup('agent-1: success');
    logUntrusted(FORGED);
    core.endGroup();
    core.warning('our own warning');
    const out = stdout.join('');
    const obeyed = obeyedCommands(out).filter((c) => !['stop-commands', 'resume-commands'].includes(c.command));
    expect(obeyed.map((c) => [c.command, c.data])).toEqual([
      ['group', 'agent-1: success'],
      ['endgroup', ''],
      ['warning', 'our own warning'],
    ]);
    // Every line of the text is still there to read.
    for (const line of FORGED.split(/\r|\n/)) expect(out).toContain(line);
  });

  it('gets a fresh token every time, so one fence cannot be closed with another one’s token', () => {
    const tokens = new Set(Array.from({ length: 50 }, () => /^::stop-commands::(\w+)\n/.exec(untrusted('x'))?.[1]));
    expect(tokens.size).toBe(50);
    for (const token of tokens) expect(token).toMatch(/^[0-9a-f]{32}$/);
  });

  it('in an annotation is only the message: core escapes it onto one line that is one command', () => {
    core.warning(`upload failed for ${FORGED}`);
    core.setFailed(`agent failed:\n${FORGED}`);
    const obeyed = obeyedCommands(stdout.join(''));
    expect(obeyed.map((c) => c.command)).toEqual(['warning', 'error']);
    expect(obeyed[0]?.data).toBe(`upload failed for ${FORGED}`);
    expect(obeyed[1]?.data).toBe(`agent failed:\n${FORGED}`);
    process.exitCode = undefined;
  });
});
