import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMatrix, type AgentDefaults } from '../../src/config/matrix.js';
import { splitArgs } from '../../src/config/values.js';
import { escapeCell } from '../../src/report/markdown.js';
import { formatDuration } from '../../src/util/format.js';

const defaults: AgentDefaults = { allowedTools: [], disallowedTools: [], claudeArgs: [], timeoutMinutes: 30 };

describe('fixed bugs stay fixed', () => {
  it('matrix: a YAML syntax error names its line and column', () => {
    expect(() =>
      parseMatrix({ input: 'prompts', text: '- ok\n- [unclosed', workspace: os.tmpdir() }, defaults),
    ).toThrow(/line 2, column \d+/);
  });

  it('matrix: a prompt-file whose name starts with ".." inside the workspace is accepted', () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'bug-'));
    fs.writeFileSync(path.join(ws, '..notes.md'), 'hi');
    const [spec] = parseMatrix({ input: 'prompts', text: '- prompt-file: ..notes.md', workspace: ws }, defaults);
    expect(spec?.promptFile).toBe(path.join(fs.realpathSync(ws), '..notes.md'));
  });

  it('matrix: timeout-minutes beyond what setTimeout can hold is refused', () => {
    // 2^31-1 ms is 35791.39 minutes; agent.ts:108 would time the agent out at once.
    expect(() =>
      parseMatrix(
        { input: 'prompts', text: '- {prompt: a, timeout-minutes: 40000}', workspace: os.tmpdir() },
        defaults,
      ),
    ).toThrow();
  });

  it('matrix: max-turns given as a list is refused', () => {
    expect(() =>
      parseMatrix({ input: 'prompts', text: '- {prompt: a, max-turns: [5]}', workspace: os.tmpdir() }, defaults),
    ).toThrow();
  });

  it.each([
    [119_500, '2m 00s'],
    [3_599_999, '60m 00s'],
    [59_950, '1m 00s'],
    [999.6, '1.0 s'],
  ])('summary: formatDuration(%d) carries the rounding', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('summary: escapeCell does not cut a character in half', () => {
    const cell = escapeCell(`${'a'.repeat(119)}😀tail`);
    expect(cell).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it('inputs: splitArgs keeps ${VAR} as written', () => {
    expect(splitArgs('${A}B', 'args')).toEqual(['${A}B']);
  });

  it('inputs: splitArgs refuses an unterminated quote', () => {
    expect(() => splitArgs('--append-system-prompt "unterminated', 'args')).toThrow();
  });
});
