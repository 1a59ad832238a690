import { describe, expect, it } from 'vitest';
import { claudeArgs } from '../../../src/agent/cli-args.js';
import type { AgentSpec } from '../../../src/types.js';

const BASE = ['-p', '--output-format', 'stream-json', '--verbose'];

function spec(overrides: Partial<AgentSpec> = {}): AgentSpec {
  return {
    index: 0,
    id: 'agent-1',
    prompt: 'SECRET PROMPT TEXT --model evil',
    allowedTools: [],
    disallowedTools: [],
    claudeArgs: [],
    timeoutMinutes: 30,
    ...overrides,
  };
}

/** The value that follows a flag, checking the flag appears exactly once. */
function flag(args: string[], name: string): string | undefined {
  expect(args.filter((a) => a === name)).toHaveLength(1);
  return args[args.indexOf(name) + 1];
}

describe('claudeArgs', () => {
  it('runs print mode with streamed JSON and nothing else by default', () => {
    expect(claudeArgs(spec())).toEqual(BASE);
  });

  it('never puts the prompt or the prompt file among the arguments', () => {
    const all = [
      ...claudeArgs(spec({ model: 'm', allowedTools: ['Read'], claudeArgs: ['--debug'] })),
      ...claudeArgs(spec({ prompt: undefined, promptFile: '/ws/prompts/secret-prompt.md' })),
    ];
    expect(all.some((a) => a.includes('SECRET PROMPT'))).toBe(false);
    expect(all.some((a) => a.includes('secret-prompt.md'))).toBe(false);
  });

  it('passes every setting as its flag', () => {
    const args = claudeArgs(
      spec({
        model: 'claude-opus',
        permissionMode: 'acceptEdits',
        maxTurns: 9,
        allowedTools: ['Read', 'Grep', 'Bash(git log:*)'],
        disallowedTools: ['WebFetch', 'Bash(rm:*)'],
        appendSystemPrompt: 'Be brief.\nUse English.',
      }),
    );
    expect(args.slice(0, 4)).toEqual(BASE);
    expect(flag(args, '--model')).toBe('claude-opus');
    expect(flag(args, '--permission-mode')).toBe('acceptEdits');
    expect(flag(args, '--max-turns')).toBe('9');
    expect(flag(args, '--allowedTools')).toBe('Read,Grep,Bash(git log:*)');
    expect(flag(args, '--disallowedTools')).toBe('WebFetch,Bash(rm:*)');
    expect(flag(args, '--append-system-prompt')).toBe('Be brief.\nUse English.');
    expect(args).toHaveLength(BASE.length + 12);
  });

  it('passes the fallback model and the budget, as a plain decimal', () => {
    const args = claudeArgs(spec({ fallbackModel: 'claude-sonnet', maxBudgetUsd: 0.5 }));
    expect(flag(args, '--fallback-model')).toBe('claude-sonnet');
    expect(flag(args, '--max-budget-usd')).toBe('0.5');
    expect(args).toHaveLength(BASE.length + 4);
    expect(claudeArgs(spec())).not.toContain('--fallback-model');
    expect(claudeArgs(spec())).not.toContain('--max-budget-usd');
  });

  it('leaves out flags for settings that are not given', () => {
    const args = claudeArgs(spec({ model: 'm' }));
    expect(args).toEqual([...BASE, '--model', 'm']);
    for (const f of [
      '--permission-mode',
      '--max-turns',
      '--allowedTools',
      '--disallowedTools',
      '--append-system-prompt',
    ]) {
      expect(args).not.toContain(f);
    }
  });

  it('puts the extra claude-args last, unchanged', () => {
    const extra = ['--debug', 'api hooks', '--model', 'override', '$HOME'];
    const args = claudeArgs(spec({ model: 'm', allowedTools: ['Read'], appendSystemPrompt: 'x', claudeArgs: extra }));
    expect(args.slice(-extra.length)).toEqual(extra);
    expect(args.slice(0, -extra.length)).toEqual([
      ...BASE,
      '--model',
      'm',
      '--allowedTools',
      'Read',
      '--append-system-prompt',
      'x',
    ]);
  });

  it('does not change the spec', () => {
    const s = spec({ allowedTools: ['Read'], claudeArgs: ['--debug'] });
    const before = structuredClone(s);
    claudeArgs(s);
    claudeArgs(s);
    expect(s).toEqual(before);
  });

  it('passes a JSON Schema as one argument of --json-schema, before the extra arguments', () => {
    const args = claudeArgs(spec({ jsonSchema: '{"type":"object"}', claudeArgs: ['--debug'] }));
    expect(flag(args, '--json-schema')).toBe('{"type":"object"}');
    expect(args.at(-1)).toBe('--debug');
  });
});

describe('claudeArgs: settings and MCP servers', () => {
  it('passes --settings, and --mcp-config as one --flag=value argument that takes nothing after it', () => {
    const args = claudeArgs(
      spec({ settings: '/repo/ci/settings.json', mcpConfig: '/run/a/config/cli-mcp-config.json', claudeArgs: ['x'] }),
    );
    expect(flag(args, '--settings')).toBe('/repo/ci/settings.json');
    expect(args).toContain('--mcp-config=/run/a/config/cli-mcp-config.json');
    expect(args.at(-1)).toBe('x');
  });
});
