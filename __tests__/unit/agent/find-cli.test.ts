import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveClaude } from '../../../src/agent/find-cli.js';
import { InputError } from '../../../src/util/errors.js';
import { tempDir } from '../../support/agents.js';

function executable(file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  return file;
}

describe('finding the CLI', () => {
  const saved = { PATH: process.env.PATH, RUNNER_TOOL_CACHE: process.env.RUNNER_TOOL_CACHE };
  let dir: string;
  beforeEach(() => {
    dir = tempDir('claude-path-');
  });
  afterEach(() => {
    Object.assign(process.env, saved);
  });

  it('takes claude-path, relative to the workspace', async () => {
    executable(path.join(dir, 'tools', 'claude'));
    expect(await resolveClaude('tools/claude', '1.0.0', dir)).toBe(path.join(dir, 'tools', 'claude'));
  });

  it('refuses a claude-path that is not an executable, naming the input', async () => {
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a program');
    await expect(resolveClaude('notes.txt', '1.0.0', dir)).rejects.toThrow(InputError);
    await expect(resolveClaude('missing', '1.0.0', dir)).rejects.toThrow(/Input 'claude-path'/);
  });

  it('uses claude from PATH when claude-path is empty', async () => {
    const bin = executable(path.join(dir, 'bin', 'claude'));
    process.env.PATH = path.join(dir, 'bin');
    expect(await resolveClaude('', '1.0.0', dir)).toBe(bin);
  });

  it("reuses the pinned version already in the runner's tool cache", async () => {
    process.env.PATH = path.join(dir, 'empty');
    process.env.RUNNER_TOOL_CACHE = path.join(dir, 'cache');
    const cached = executable(path.join(dir, 'cache', 'claude-code', '9.9.9', 'node_modules', '.bin', 'claude'));
    expect(await resolveClaude('', '9.9.9', dir)).toBe(cached);
  });
});
