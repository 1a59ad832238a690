import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentDefaults } from '../../../src/config/matrix.js';
import { readPlan, type PlanOptions } from '../../../src/config/plan.js';
import type { AgentSpec } from '../../../src/types.js';
import { InputError } from '../../../src/util/errors.js';

const defaults: AgentDefaults = { allowedTools: ['Read'], disallowedTools: [], claudeArgs: [], timeoutMinutes: 5 };
const planner: AgentSpec = { ...defaults, index: 0, id: 'plan', prompt: 'split', spawn: true };

let root: string;
let folder: string;
beforeEach(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'plan-test-')));
  folder = path.join(root, 'plan', 'workspace');
  fs.mkdirSync(folder, { recursive: true });
  fs.mkdirSync(path.join(root, 'repo', 'prompts'), { recursive: true });
  fs.writeFileSync(path.join(root, 'repo', 'prompts', 'worker.md'), 'Review one folder');
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const options = (extra: Partial<PlanOptions> = {}): PlanOptions => ({
  planner,
  folder,
  workspace: path.join(root, 'repo'),
  defaults,
  taken: ['plan', 'synth'],
  maxAgents: 100,
  ...extra,
});

function refused(extra: Partial<PlanOptions> = {}): string {
  try {
    readPlan(options(extra));
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error('the plan was accepted');
}

describe('readPlan', () => {
  it("adds the agents of agents.yml with the run's defaults, prefixed ids and needs, after the run's agents", () => {
    fs.writeFileSync(
      path.join(folder, 'agents.yml'),
      '- {id: a, prompt: first}\n- {id: b, prompt-file: prompts/worker.md, needs: a, max-turns: 3}\n- third',
    );
    expect(readPlan(options())).toEqual([
      { ...defaults, index: 2, id: 'plan.a', prompt: 'first', addedBy: 'plan' },
      {
        ...defaults,
        index: 3,
        id: 'plan.b',
        promptFile: path.join(root, 'repo', 'prompts', 'worker.md'),
        needs: ['plan.a'],
        maxTurns: 3,
        addedBy: 'plan',
      },
      { ...defaults, index: 4, id: 'plan.agent-3', prompt: 'third', addedBy: 'plan' },
    ]);
  });

  it('reads agents.json as well', () => {
    fs.writeFileSync(path.join(folder, 'agents.json'), JSON.stringify([{ id: 'x', prompt: 'y' }]));
    expect(readPlan(options()).map((s) => s.id)).toEqual(['plan.x']);
  });

  it('refuses a missing file, two files, and a link', () => {
    expect(refused()).toBe(
      'Planner "plan" left no agents.yml or agents.json in its working folder; a planner writes its agents there, as a list in the matrix format',
    );
    fs.symlinkSync(path.join(root, 'repo', 'prompts', 'worker.md'), path.join(folder, 'agents.yml'));
    expect(refused()).toMatch(/left no agents.yml/);
    fs.rmSync(path.join(folder, 'agents.yml'));
    fs.writeFileSync(path.join(folder, 'agents.yml'), '- a');
    fs.writeFileSync(path.join(folder, 'agents.json'), '["a"]');
    expect(refused()).toBe('Planner "plan" left both agents.yml and agents.json; leave one');
  });

  it('refuses a file that breaks the matrix rules, naming the planner and the file', () => {
    fs.writeFileSync(path.join(folder, 'agents.yml'), '- {id: a, prompt: x, needs: b}\n- {id: b, prompt: y, needs: a}');
    expect(refused()).toBe(
      `Planner "plan"'s agents.yml: the needs form a cycle: a → b → a; no agent of it could ever start`,
    );
    fs.writeFileSync(path.join(folder, 'agents.yml'), 'not: a list');
    expect(refused()).toMatch(/^Planner "plan"'s agents.yml must be a YAML or JSON list of prompts/);
  });

  it('refuses agents that would add more', () => {
    fs.writeFileSync(path.join(folder, 'agents.yml'), '- {id: a, prompt: x, spawn: true}\n- {id: b, prompt: y}');
    expect(refused()).toBe(
      `Planner "plan"'s agents.yml: "a" has 'spawn: true', but agents a planner adds cannot add more`,
    );
  });

  it('refuses more agents than max-agents allows, adding none', () => {
    fs.writeFileSync(path.join(folder, 'agents.yml'), '- a\n- b\n- c');
    expect(readPlan(options({ maxAgents: 5 }))).toHaveLength(3);
    expect(refused({ maxAgents: 4 })).toBe(
      `Planner "plan" asked for 3 agents; with the 2 already in the run that makes 5, more than input 'max-agents' (4), so none of them start. Raise 'max-agents' or have the planner ask for fewer`,
    );
  });

  it('refuses ids that the run already has', () => {
    fs.writeFileSync(path.join(folder, 'agents.yml'), '- {id: a, prompt: x}');
    expect(refused({ taken: ['plan', 'plan.a'] })).toBe(
      `Planner "plan"'s agents.yml: agent ids plan.a are already used in the run; rename them`,
    );
  });
});
