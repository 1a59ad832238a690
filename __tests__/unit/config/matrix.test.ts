import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ITEM_KEYS,
  MAX_AGENTS,
  parseMatrix,
  type AgentDefaults,
  type MatrixSource,
} from '../../../src/config/matrix.js';
import { InputError } from '../../../src/util/errors.js';

const defaults: AgentDefaults = {
  model: 'default-model',
  allowedTools: ['Read'],
  disallowedTools: ['WebFetch'],
  permissionMode: 'plan',
  maxTurns: 7,
  appendSystemPrompt: 'default system text',
  claudeArgs: ['--debug'],
  timeoutMinutes: 30,
};

let root: string;
let workspace: string;
let outsideFile: string;

beforeAll(() => {
  // root/ws is the workspace; root/secret.txt lies next to it, outside.
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'matrix-test-')));
  workspace = path.join(root, 'ws');
  fs.mkdirSync(path.join(workspace, 'prompts', 'nested'), { recursive: true });
  fs.writeFileSync(path.join(workspace, 'prompts', 'review.md'), 'Review the code');
  fs.writeFileSync(path.join(workspace, 'prompts', 'nested', 'deep.md'), 'Deep prompt');
  outsideFile = path.join(root, 'secret.txt');
  fs.writeFileSync(outsideFile, 'not for agents');
  fs.symlinkSync(outsideFile, path.join(workspace, 'link-out.md'));
  fs.symlinkSync(root, path.join(workspace, 'link-dir'));
  fs.symlinkSync(path.join(workspace, 'prompts', 'review.md'), path.join(workspace, 'link-in.md'));
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

function parse(text: string, input: MatrixSource['input'] = 'prompts') {
  return parseMatrix({ input, text, workspace }, defaults);
}

/** Parses and returns the InputError it must throw. */
function refuse(text: string, input: MatrixSource['input'] = 'prompts'): InputError {
  let caught: unknown;
  try {
    parse(text, input);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(InputError);
  const error = caught as InputError;
  expect(error.name).toBe('InputError');
  expect(error.message).toContain(`'${input}'`);
  return error;
}

describe('parseMatrix: valid matrices', () => {
  it('gives string items ids agent-1, agent-2, … in order', () => {
    const specs = parse('- First task\n- Second task\n- Third task');
    expect(specs.map((s) => s.id)).toEqual(['agent-1', 'agent-2', 'agent-3']);
    expect(specs.map((s) => s.index)).toEqual([0, 1, 2]);
    expect(specs.map((s) => s.prompt)).toEqual(['First task', 'Second task', 'Third task']);
    expect(specs.every((s) => s.promptFile === undefined)).toBe(true);
  });

  it('applies every default to string items', () => {
    const [spec] = parse('- Do it');
    expect(spec).toEqual({ ...defaults, index: 0, id: 'agent-1', prompt: 'Do it' });
  });

  it('reads mapping items, with and without an id', () => {
    const specs = parse('- id: lint\n  prompt: Run the linter\n- prompt: Untitled\n- Plain');
    expect(specs.map((s) => [s.index, s.id, s.prompt])).toEqual([
      [0, 'lint', 'Run the linter'],
      [1, 'agent-2', 'Untitled'],
      [2, 'agent-3', 'Plain'],
    ]);
  });

  it('lets item settings override the defaults and keeps the rest', () => {
    const [spec] = parse(
      [
        '- id: custom',
        '  prompt: Fix it',
        '  model: item-model',
        '  allowed-tools: [Edit, Write]',
        '  disallowed-tools: Bash',
        '  max-turns: 3',
        '  append-system-prompt: Be brief',
        '  timeout-minutes: 2.5',
      ].join('\n'),
    );
    expect(spec).toEqual({
      index: 0,
      id: 'custom',
      prompt: 'Fix it',
      model: 'item-model',
      allowedTools: ['Edit', 'Write'],
      disallowedTools: ['Bash'],
      maxTurns: 3,
      appendSystemPrompt: 'Be brief',
      timeoutMinutes: 2.5,
      permissionMode: 'plan',
      claudeArgs: ['--debug'],
    });
  });

  it('reads a fallback model and a budget per agent', () => {
    const [spec, other] = parse('- {prompt: a, fallback-model: item-fallback, max-budget-usd: 0.5}\n- b');
    expect(spec).toMatchObject({ model: 'default-model', fallbackModel: 'item-fallback', maxBudgetUsd: 0.5 });
    expect(other?.fallbackModel).toBeUndefined();
    expect(other?.maxBudgetUsd).toBeUndefined();
    expect(parse('- {prompt: a, max-budget-usd: "$2"}')[0]?.maxBudgetUsd).toBe(2);
  });

  it('does not let one item override leak into the next', () => {
    const specs = parse('- {prompt: a, model: special, max-turns: 1}\n- b');
    expect(specs[0]?.model).toBe('special');
    expect(specs[0]?.maxTurns).toBe(1);
    expect(specs[1]?.model).toBe('default-model');
    expect(specs[1]?.maxTurns).toBe(7);
  });

  it('reads allowed-tools as a list or as a string split on spaces and commas, not inside parentheses', () => {
    const [asString, asList] = parse(
      [
        '- prompt: a',
        '  allowed-tools: "Read, Grep Bash(git log:*)"',
        '- prompt: b',
        '  allowed-tools: ["Read", " Grep ", "Bash(git log:*)", ""]',
      ].join('\n'),
    );
    expect(asString?.allowedTools).toEqual(['Read', 'Grep', 'Bash(git log:*)']);
    expect(asList?.allowedTools).toEqual(['Read', 'Grep', 'Bash(git log:*)']);
  });

  it('accepts JSON, since JSON is YAML', () => {
    const specs = parse(
      JSON.stringify([{ id: 'json-1', prompt: 'From JSON', 'max-turns': 4, 'allowed-tools': ['Read'] }, 'plain']),
    );
    expect(specs).toHaveLength(2);
    expect(specs[0]).toMatchObject({ id: 'json-1', prompt: 'From JSON', maxTurns: 4, allowedTools: ['Read'] });
    expect(specs[1]).toMatchObject({ id: 'agent-2', prompt: 'plain' });
  });

  it('keeps multi-line prompts intact', () => {
    const [spec] = parse('- |\n  line one\n  line two\n');
    expect(spec?.prompt).toBe('line one\nline two\n');
  });

  it('accepts ids at the limits of the pattern', () => {
    const long = 'a'.repeat(64);
    const specs = parse(
      JSON.stringify([
        { id: long, prompt: 'x' },
        { id: '7', prompt: 'y' },
        { id: 'A.b_c-9', prompt: 'z' },
      ]),
    );
    expect(specs.map((s) => s.id)).toEqual([long, '7', 'A.b_c-9']);
  });

  it('resolves a prompt-file inside the workspace to its absolute real path without reading it', () => {
    const specs = parse(
      '- prompt-file: prompts/review.md\n- id: deep\n  prompt-file: ./prompts/nested/../nested/deep.md',
    );
    expect(specs[0]?.promptFile).toBe(path.join(workspace, 'prompts', 'review.md'));
    expect(specs[0]?.prompt).toBeUndefined();
    expect(specs[1]?.promptFile).toBe(path.join(workspace, 'prompts', 'nested', 'deep.md'));
  });

  it('follows a symlink that stays inside the workspace', () => {
    const [spec] = parse('- prompt-file: link-in.md');
    expect(spec?.promptFile).toBe(path.join(workspace, 'prompts', 'review.md'));
  });

  it('accepts a prompt-file when the workspace itself is reached through a symlink', () => {
    const linked = path.join(root, 'ws-link');
    if (!fs.existsSync(linked)) fs.symlinkSync(workspace, linked);
    const [spec] = parseMatrix(
      { input: 'prompts', text: '- prompt-file: prompts/review.md', workspace: linked },
      defaults,
    );
    expect(spec?.promptFile).toBe(path.join(workspace, 'prompts', 'review.md'));
  });

  it('allows YAML aliases used sparingly', () => {
    const specs = parse('- &shared Review this\n- *shared');
    expect(specs.map((s) => s.prompt)).toEqual(['Review this', 'Review this']);
  });

  it(`accepts exactly MAX_AGENTS (${MAX_AGENTS}) items`, () => {
    const specs = parse(JSON.stringify(Array.from({ length: MAX_AGENTS }, (_, i) => `task ${i}`)));
    expect(specs).toHaveLength(MAX_AGENTS);
    expect(specs.at(-1)?.id).toBe(`agent-${MAX_AGENTS}`);
  });

  it('accepts a 5 MB prompt unchanged', () => {
    const line = 'Analyse this log line: ünïcödé | <tag> "quoted" \\ end\n';
    const big = line.repeat(Math.ceil((5 * 1024 * 1024) / Buffer.byteLength(line)));
    expect(Buffer.byteLength(big)).toBeGreaterThanOrEqual(5 * 1024 * 1024);
    const [spec] = parse(JSON.stringify([{ id: 'big', prompt: big }]));
    expect(spec?.prompt?.length).toBe(big.length);
    expect(spec?.prompt === big).toBe(true);
  });
});

describe('parseMatrix: refused input', () => {
  it('refuses unparseable YAML, naming the input', () => {
    for (const input of ['prompts', 'prompts-file'] as const) {
      const error = refuse('- ok\n- [unclosed', input);
      expect(error.message).toMatch(/not valid YAML/);
    }
    expect(refuse('a: [').message).toMatch(/not valid YAML/);
    expect(refuse('- a\n  b: c\n - d').message).toMatch(/not valid YAML/);
  });

  it('refuses a document that is not a list', () => {
    expect(refuse('id: a\nprompt: b').message).toMatch(/must be a YAML or JSON list.*a mapping/);
    expect(refuse('Just one prompt').message).toMatch(/must be a YAML or JSON list.*a string/);
    expect(refuse('42').message).toMatch(/must be a YAML or JSON list.*a number/);
    expect(refuse('').message).toMatch(/must be a YAML or JSON list.*nothing/);
    expect(refuse('~', 'prompts-file').message).toMatch(/must be a YAML or JSON list/);
  });

  it('refuses an empty list', () => {
    expect(refuse('[]').message).toMatch(/empty list/);
    expect(refuse('[]', 'prompts-file').message).toMatch(/empty list/);
  });

  it('refuses empty prompts, naming the item', () => {
    expect(refuse('- ok\n- ""').message).toMatch(/item 1 is an empty prompt/);
    expect(refuse('- "   \\n  "').message).toMatch(/item 0 is an empty prompt/);
    const mapped = refuse('- ok\n- id: blank\n  prompt: "  "');
    expect(mapped.message).toContain('item 1 (id "blank")');
    expect(mapped.message).toMatch(/'prompt' is empty/);
    expect(refuse('- prompt: 5').message).toMatch(/item 0 .*'prompt'/);
  });

  it('refuses items that are neither a string nor a mapping', () => {
    for (const text of ['- 42', '- [a, b]', '- null', '- true']) {
      const error = refuse(text);
      expect(error.message).toContain('item 0');
      expect(error.message).toMatch(/must be a prompt string or a mapping with 'prompt'/);
    }
  });

  it('refuses an unknown key and suggests the likely one', () => {
    const error = refuse('- id: one\n  promt: Fix it');
    expect(error.message).toContain('item 0 (id "one")');
    expect(error.message).toContain('unknown key "promt"');
    expect(error.message).toContain('did you mean "prompt"');
    expect(error.message).toContain(`Known keys: ${ITEM_KEYS.join(', ')}`);
    expect(refuse('- {prompt: a, max_turns: 3}').message).toContain('did you mean "max-turns"');
    expect(refuse('- {prompt: a, allowed_tools: Read}').message).toContain('did you mean "allowed-tools"');
    expect(refuse('- {prompt: a, Model: x}').message).toContain('did you mean "model"');
  });

  it('does not suggest a key when nothing is close', () => {
    const error = refuse('- {prompt: a, zzzzzzzzzz: 1}');
    expect(error.message).toContain('unknown key "zzzzzzzzzz"');
    expect(error.message).not.toContain('did you mean');
  });

  it('refuses a duplicate id, naming both items', () => {
    const error = refuse('- {id: same, prompt: a}\n- {id: other, prompt: b}\n- {id: same, prompt: c}');
    expect(error.message).toContain('item 2');
    expect(error.message).toContain('"same"');
    expect(error.message).toContain('item 0');
    expect(error.message).toMatch(/unique/);
  });

  it('refuses an explicit id that collides with a generated one', () => {
    const error = refuse('- first\n- second\n- {id: agent-2, prompt: c}');
    expect(error.message).toContain('"agent-2"');
    expect(error.message).toMatch(/item 2 .*item 1/);
  });

  it.each([
    ['a path', '../x'],
    ['a slash', 'a/b'],
    ['a control character', 'a\u0007b'],
    ['a newline', 'a\nb'],
    ['65 characters', 'a'.repeat(65)],
    ['a leading dash', '-x'],
    ['a leading dot', '.hidden'],
    ['a space', 'a b'],
    ['nothing', ''],
  ])('refuses an id with %s', (_what, id) => {
    const error = refuse(
      JSON.stringify([
        { id: 'fine', prompt: 'a' },
        { id, prompt: 'b' },
      ]),
    );
    expect(error.message).toContain('item 1');
    expect(error.message).toContain(`id ${JSON.stringify(id)} is not allowed`);
    expect(error.message).toMatch(/1 to 64 letters, digits/);
    // Printed escaped: a control character cannot reach the log raw.
    expect([...error.message].some((ch) => ch.charCodeAt(0) < 0x20)).toBe(false);
  });

  it('refuses an item with neither prompt nor prompt-file', () => {
    const error = refuse('- id: lonely\n  model: m');
    expect(error.message).toContain('item 0 (id "lonely")');
    expect(error.message).toMatch(/needs a 'prompt' or a 'prompt-file'/);
  });

  it('refuses an item with both prompt and prompt-file', () => {
    const error = refuse('- id: both\n  prompt: a\n  prompt-file: prompts/review.md');
    expect(error.message).toContain('item 0 (id "both")');
    expect(error.message).toMatch(/'prompt' or 'prompt-file', not both/);
  });

  it('refuses a prompt-file that does not exist, or is empty, or is a folder', () => {
    const missing = refuse('- ok\n- prompt-file: prompts/missing.md');
    expect(missing.message).toContain('item 1 (id "agent-2")');
    expect(missing.message).toContain('"prompts/missing.md" does not exist');
    expect(refuse('- prompt-file: ""').message).toMatch(/'prompt-file' is empty/);
    expect(refuse('- prompt-file: prompts').message).toMatch(/"prompts" is not a file/);
  });

  it('refuses a prompt-file outside the workspace via ../', () => {
    const error = refuse('- id: escape\n  prompt-file: ../secret.txt');
    expect(error.message).toContain('item 0 (id "escape")');
    expect(error.message).toContain('"../secret.txt" lies outside the workspace');
    expect(refuse('- prompt-file: prompts/../../secret.txt').message).toMatch(/outside the workspace/);
  });

  it('refuses a prompt-file outside the workspace given as an absolute path', () => {
    expect(refuse(JSON.stringify([{ 'prompt-file': outsideFile }])).message).toMatch(/outside the workspace/);
  });

  it('refuses a prompt-file outside the workspace via a symlink', () => {
    const error = refuse('- id: sneaky\n  prompt-file: link-out.md');
    expect(error.message).toContain('item 0 (id "sneaky")');
    expect(error.message).toContain('"link-out.md" lies outside the workspace');
    expect(refuse('- prompt-file: link-dir/secret.txt').message).toMatch(/outside the workspace/);
  });

  it.each([['-1'], ['-0.5'], ['0'], ['abc'], ['""'], ['.inf'], ['.nan'], ['null'], ['true'], ['{a: 1}']])(
    'refuses timeout-minutes: %s',
    (value) => {
      const error = refuse(`- id: slow\n  prompt: a\n  timeout-minutes: ${value}`);
      expect(error.message).toContain('item 0 (id "slow")');
      expect(error.message).toMatch(/'timeout-minutes' must be a positive number of minutes/);
    },
  );

  it.each([['0'], ['-3'], ['1.5'], ['many'], ['""'], ['.inf'], ['null'], ['true']])(
    'refuses max-turns: %s',
    (value) => {
      const error = refuse(`- id: turns\n  prompt: a\n  max-turns: ${value}`);
      expect(error.message).toContain('item 0 (id "turns")');
      expect(error.message).toMatch(/'max-turns' must be a positive whole number/);
    },
  );

  it('refuses an empty model and a tool list of the wrong type', () => {
    expect(refuse('- {prompt: a, model: "  "}').message).toMatch(/'model' is empty/);
    expect(refuse('- {prompt: a, allowed-tools: 5}').message).toMatch(
      /'allowed-tools' must be a list of tool names or a string, got a number/,
    );
    expect(refuse('- {prompt: a, disallowed-tools: {Bash: true}}').message).toMatch(
      /'disallowed-tools' must be a list of tool names or a string, got a mapping/,
    );
  });

  it('refuses a budget that is not an amount of dollars, and a fallback model that is the model', () => {
    expect(refuse('- {id: b, prompt: a, max-budget-usd: lots}').message).toContain(
      `Input 'prompts': item 0 (id "b"): 'max-budget-usd' must be an amount of US dollars above zero, such as 0.50 or 5; got "lots"`,
    );
    expect(refuse('- {prompt: a, max-budget-usd: -1}').message).toMatch(/'max-budget-usd' must be an amount/);
    expect(refuse('- {prompt: a, fallback-model: default-model}').message).toMatch(
      /item 0 \(id "agent-1"\): 'fallback-model' must differ from its model \(both are "default-model"\)/,
    );
    expect(refuse('- {prompt: a, model: m, fallback-model: m}').message).toMatch(/'fallback-model' must differ/);
  });

  it('reports every problem of every item at once, each naming the item and the key', () => {
    const error = refuse(
      [
        '- {id: a, prompt: x, max-turns: 0, timeout-minutes: soon}',
        '- ""',
        '- {id: "bad id", prompt: y}',
        '- {id: d, promt: z}',
        '- {id: a, prompt: again}',
      ].join('\n'),
    );
    expect(error.message.split('\n')).toEqual([
      '7 problems:',
      `- Input 'prompts': item 0 (id "a"): 'max-turns' must be a positive whole number, got 0`,
      expect.stringContaining(`- Input 'prompts': item 0 (id "a"): 'timeout-minutes' must be a positive number`),
      `- Input 'prompts': item 1 is an empty prompt`,
      expect.stringContaining(`- Input 'prompts': item 2: id "bad id" is not allowed`),
      expect.stringContaining(`- Input 'prompts': item 3 (id "d"): unknown key "promt"; did you mean "prompt"?`),
      `- Input 'prompts': item 3 (id "d"): needs a 'prompt' or a 'prompt-file'`,
      `- Input 'prompts': item 4 has id "a", already used by item 0; ids must be unique`,
    ]);
  });

  it('refuses a YAML alias bomb (billion laughs) without expanding it', () => {
    const lines = ['- &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    const names = 'abcdefghi';
    for (let i = 1; i < names.length; i++) {
      const prev = names[i - 1] as string;
      lines.push(`- &${names[i]} [${Array.from({ length: 9 }, () => `*${prev}`).join(', ')}]`);
    }
    // Expanded, this would be 9^9 (387 million) strings: the test would not finish.
    const error = refuse(lines.join('\n'));
    expect(error.message).toMatch(/could not be read/);
    expect(error.message).toMatch(/alias/i);
  });

  it('refuses more than MAX_AGENTS items, naming the limit', () => {
    const over = refuse(JSON.stringify(Array.from({ length: MAX_AGENTS + 1 }, (_, i) => `task ${i}`)));
    expect(over.message).toContain(`has ${MAX_AGENTS + 1} items`);
    expect(over.message).toContain(`at most ${MAX_AGENTS} agents`);
    const huge = refuse(JSON.stringify(Array.from({ length: 10_000 }, (_, i) => `task ${i}`)), 'prompts-file');
    expect(huge.message).toContain('10000 items');
    expect(huge.message).toContain(String(MAX_AGENTS));
  });
});

describe('parseMatrix: workspaces and CLI settings per item', () => {
  it('reads workspace, settings and mcp-config, settings files relative to the workspace', () => {
    const app = path.join(workspace, 'app');
    fs.mkdirSync(app, { recursive: true });
    fs.writeFileSync(path.join(app, 'mcp.json'), '{"mcpServers": {"a": {"command": "x"}}}');
    const text = [
      '- {id: a, prompt: x, workspace: copy, mcp-config: app/mcp.json}',
      '- {id: b, prompt: y, settings: {permissions: {deny: [WebFetch]}}}',
      '- {id: c, prompt: z, settings: \'{"model": "m"}\'}',
    ].join('\n');
    const [a, b, c] = parseMatrix({ input: 'prompts', text, workspace }, defaults);
    expect(a).toMatchObject({ workspace: 'copy', mcpConfig: path.join(app, 'mcp.json') });
    expect(b?.settings).toBe('{"permissions":{"deny":["WebFetch"]}}');
    expect(c?.settings).toBe('{"model": "m"}');
    expect(ITEM_KEYS).toEqual(expect.arrayContaining(['workspace', 'settings', 'mcp-config']));
  });

  it('refuses a settings file that is missing or lies outside the workspace, saying what to give', () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'outside-'));
    fs.writeFileSync(path.join(outside, 'settings.json'), '{"model": "m"}');
    const error = refuse(
      [
        '- {id: a, prompt: x, settings: missing.json}',
        `- {id: b, prompt: y, mcp-config: ${path.relative(workspace, path.join(outside, 'settings.json'))}}`,
      ].join('\n'),
    );
    expect(error.message).toContain(
      `item 0 (id "a"): 'settings' "missing.json" does not exist (looked in ${fs.realpathSync(workspace)}); give JSON text, or the path of a JSON file relative to the workspace`,
    );
    expect(error.message).toMatch(/item 1 \(id "b"\): 'mcp-config' "[^"]+" lies outside the workspace/);
  });

  it('refuses an unknown workspace and settings that are not JSON objects, naming the item and key', () => {
    const error = refuse(
      [
        '- {id: a, prompt: x, workspace: sandbox}',
        '- {id: b, prompt: y, settings: "[1, 2]"}',
        '- {id: c, prompt: z, mcp-config: [a, b]}',
      ].join('\n'),
    );
    expect(error.message).toContain(
      `Input 'prompts': item 0 (id "a"): 'workspace' must be one of worktree, copy, shared, empty; got "sandbox"`,
    );
    expect(error.message).toContain(`item 1 (id "b"): 'settings' is not a valid JSON object: got a list`);
    expect(error.message).toMatch(/item 2 \(id "c"\): 'mcp-config' must be text, got a list/);
  });
});
