import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkGraph, type GraphNode } from '../../../src/config/graph.js';
import { parseMatrix, type AgentDefaults } from '../../../src/config/matrix.js';
import { InputError } from '../../../src/util/errors.js';

const defaults: AgentDefaults = { allowedTools: [], disallowedTools: [], claudeArgs: [], timeoutMinutes: 30 };

let workspace: string;
beforeAll(() => {
  workspace = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'graph-test-')));
  fs.writeFileSync(path.join(workspace, 'synth.md'), 'Join {{ needs.a.answer }} and {{ needs.ghost.answer }}');
});
afterAll(() => fs.rmSync(workspace, { recursive: true, force: true }));

const parse = (text: string) => parseMatrix({ input: 'prompts', text, workspace }, defaults);

/** The problems of a matrix that must be refused, one to an entry. */
function problems(text: string): string[] {
  try {
    parse(text);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    const lines = (err as Error).message.split('\n');
    return lines.length === 1 ? lines : lines.slice(1).map((l) => l.replace(/^- /, ''));
  }
  throw new Error('the matrix was accepted');
}

const nodes = (edges: Record<string, string[]>): GraphNode[] =>
  Object.entries(edges).map(([id, needs], index) => ({ index, id, needs }));

describe('checkGraph', () => {
  it('accepts a graph without cycles', () => {
    expect(checkGraph(nodes({ a: [], b: ['a'], c: ['a', 'b'], d: [] }))).toEqual([]);
  });

  it('names an unknown need, with a guess', () => {
    expect(checkGraph(nodes({ alpha: [], beta: ['alpah'] }))).toEqual([
      `: item 1 (id "beta"): 'needs' names "alpah", which no item has; did you mean "alpha"?`,
    ]);
  });

  it('names an item that needs itself', () => {
    expect(checkGraph(nodes({ a: ['a'] }))).toEqual([
      `: item 0 (id "a"): 'needs' names the item itself; an agent cannot wait for its own end`,
    ]);
  });

  it('names a cycle once, from its earliest item, each needing the next', () => {
    expect(checkGraph(nodes({ x: [], a: ['b'], b: ['a'] }))).toEqual([
      ': the needs form a cycle: a → b → a; no agent of it could ever start',
    ]);
    expect(checkGraph(nodes({ a: ['c'], b: ['a'], c: ['b'] }))).toEqual([
      ': the needs form a cycle: a → c → b → a; no agent of it could ever start',
    ]);
  });

  it('names each separate cycle, and the shortest way round a tangled one', () => {
    const found = checkGraph(nodes({ a: ['b'], b: ['a', 'c'], c: ['a'], d: ['e'], e: ['d'] }));
    expect(found).toEqual([
      ': the needs form a cycle: a → b → a; no agent of it could ever start',
      ': the needs form a cycle: d → e → d; no agent of it could ever start',
    ]);
  });

  it('follows a long chain without overflowing the stack', () => {
    const chain: Record<string, string[]> = {};
    for (let i = 0; i < 20_000; i++) chain[`n${i}`] = i ? [`n${i - 1}`] : [`n19999`];
    const found = checkGraph(nodes(chain));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^: the needs form a cycle: n0 → n19999 → n19998 → /);
  });
});

describe('parseMatrix: needs, run-if, spawn', () => {
  it('reads needs as one id or a list, run-if and spawn', () => {
    const specs = parse(
      [
        '- {id: a, prompt: first, spawn: true}',
        '- {id: b, prompt: second, needs: a}',
        '- {id: 7, prompt: third}',
        '- {id: c, prompt: fourth, needs: [a, b, 7, a], run-if: always}',
      ].join('\n'),
    );
    expect(specs.map((s) => [s.id, s.needs, s.runIf, s.spawn])).toEqual([
      ['a', undefined, undefined, true],
      ['b', ['a'], undefined, undefined],
      ['7', undefined, undefined, undefined],
      ['c', ['a', 'b', '7'], 'always', undefined],
    ]);
  });

  it('refuses bad values of each key, naming the item and the key', () => {
    expect(
      problems('- {id: a, prompt: x, needs: [], run-if: sometimes, spawn: "yes"}\n- {id: b, prompt: y, needs: {a: 1}}'),
    ).toEqual([
      `Input 'prompts': item 0 (id "a"): 'needs' is an empty list; leave it out or name an id`,
      `Input 'prompts': item 0 (id "a"): 'run-if' must be one of success, always; got "sometimes"`,
      `Input 'prompts': item 0 (id "a"): 'spawn' must be true or false, got a string ("yes")`,
      `Input 'prompts': item 1 (id "b"): 'needs' must be an id or a list of ids, got a mapping`,
    ]);
  });

  it('reports an unknown id, a self-need and a cycle together, with the other problems', () => {
    const text = [
      '- {id: a, prompt: x, needs: b}',
      '- {id: b, prompt: y, needs: a}',
      '- {id: c, prompt: z, needs: [c, nobody]}',
      '- {id: d, promt: typo, needs: a}',
    ].join('\n');
    expect(problems(text)).toEqual([
      expect.stringContaining(`Input 'prompts': item 3 (id "d"): unknown key "promt"`),
      `Input 'prompts': item 3 (id "d"): needs a 'prompt' or a 'prompt-file'`,
      `Input 'prompts': item 2 (id "c"): 'needs' names the item itself; an agent cannot wait for its own end`,
      `Input 'prompts': item 2 (id "c"): 'needs' names "nobody", which no item has`,
      `Input 'prompts': the needs form a cycle: a → b → a; no agent of it could ever start`,
    ]);
  });

  it('checks that placeholders name needs, in a prompt and in a prompt file', () => {
    expect(parse('- {id: a, prompt: x}\n- {id: b, needs: a, prompt: "Use {{ needs.a.answer }}"}')).toHaveLength(2);
    // A needed planner's agents are only known once it has run.
    expect(
      parse('- {id: p, prompt: x, spawn: true}\n- {id: b, needs: p, prompt: "{{needs.p.w1.answer}}"}'),
    ).toHaveLength(2);
    expect(problems('- {id: a, prompt: x}\n- {id: b, prompt: "Use {{ needs.a.answer }}"}')).toEqual([
      `Input 'prompts': item 1 (id "b"): the prompt's placeholder "{{ needs.a.answer }}" names "a", which is not in its 'needs'; add "a" to 'needs'`,
    ]);
    expect(problems('- {id: a, prompt: x}\n- {id: b, needs: a, prompt-file: synth.md}')).toEqual([
      `Input 'prompts': item 1 (id "b"): the prompt's placeholder "{{ needs.ghost.answer }}" names "ghost", which is not in its 'needs' (a); add "ghost" to 'needs'`,
    ]);
  });
});
