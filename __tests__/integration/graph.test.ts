import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readPlan } from '../../src/config/plan.js';
import type { AgentDefaults } from '../../src/config/matrix.js';
import { runAgents, type RunAgentsOptions } from '../../src/schedule/run-agents.js';
import type { AgentResult, AgentSpec } from '../../src/types.js';
import { context, spec, tempDir } from '../support/agents.js';
import { useStandIns } from '../support/fixture.js';

// Agents that build on each other, through the real CLI against the stand-in model: the order they start in,
// what each finds of the others' work, planners that add agents, and structured answers.
const standIns = useStandIns({ model: { latencyMs: 300 } });

const DEFAULTS: AgentDefaults = { allowedTools: [], disallowedTools: [], claudeArgs: [], timeoutMinutes: 2 };

/** Runs `specs` as main.ts does: planners' files read by readPlan against a repository of their own. */
async function run(specs: AgentSpec[], maxAgents = 100, extra: Partial<RunAgentsOptions> = {}) {
  const ctx = context(standIns.model.url);
  const workspace = tempDir('graph-repo-');
  const results = await runAgents(
    specs.map((s, index) => ({ ...s, index })),
    {
      maxParallel: 10,
      ctx,
      plan: (planner, folder, taken) => readPlan({ planner, folder, taken, workspace, defaults: DEFAULTS, maxAgents }),
      ...extra,
    },
  );
  return { runDir: ctx.runDir, results, byId: Object.fromEntries(results.map((r) => [r.id, r])) };
}

const at = (iso: string) => Date.parse(iso);
const inputsOf = (r: AgentResult | undefined) => path.join(r!.outputDir, 'workspace', '.agent-inputs');
/** The prompt the stand-in was given that contains `marker`. */
const promptWith = (marker: string) => standIns.model.stats.prompts.find((p) => p.includes(marker)) ?? '';

describe('fan-out and fan-in', () => {
  let byId: Record<string, AgentResult>;

  beforeAll(async () => {
    ({ byId } = await run([
      spec('a', 'First half\n@latency 1500\n@answer alpha found two bugs'),
      spec('b', 'Second half\n@latency 1500\n@answer beta found none'),
      spec('c', 'FAN-IN combine: A said {{ needs.a.answer }}; B said {{needs.b.answer}}.\n@answer combined', {
        needs: ['a', 'b'],
      }),
    ]));
  });

  it('runs a and b together, and starts c only after both ended', () => {
    const { a, b, c } = byId;
    expect([a?.status, b?.status, c?.status]).toEqual(['success', 'success', 'success']);
    expect(at(a!.startedAt)).toBeLessThan(at(b!.finishedAt));
    expect(at(b!.startedAt)).toBeLessThan(at(a!.finishedAt));
    expect(at(c!.startedAt)).toBeGreaterThanOrEqual(Math.max(at(a!.finishedAt), at(b!.finishedAt)));
    expect(c?.needs).toEqual(['a', 'b']);
  });

  it("puts both answers, and the result events, in c's folder", () => {
    const dir = inputsOf(byId.c);
    expect(fs.readFileSync(path.join(dir, 'a', 'answer.md'), 'utf8')).toBe('alpha found two bugs');
    expect(fs.readFileSync(path.join(dir, 'b', 'answer.md'), 'utf8')).toBe('beta found none');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'a', 'result.json'), 'utf8'))).toMatchObject({ type: 'result' });
    expect(fs.readdirSync(dir).sort()).toEqual(['a', 'b']);
  });

  it('names the files in a preamble, and puts the answers in place of the placeholders', () => {
    const prompt = promptWith('FAN-IN');
    expect(prompt).toContain('.agent-inputs/a/answer.md');
    expect(prompt).toContain('.agent-inputs/b/answer.md');
    expect(prompt.indexOf('.agent-inputs/a/answer.md')).toBeLessThan(prompt.indexOf('FAN-IN'));
    expect(prompt).toContain('A said alpha found two bugs; B said beta found none.');
  });
});

describe('a need that failed', () => {
  let byId: Record<string, AgentResult>;

  beforeAll(async () => {
    ({ byId } = await run([
      spec('broken', 'This one fails\n@fail 400'),
      spec('after', 'Never runs', { needs: ['broken'] }),
      spec('anyway', 'ANYWAY: report what there is\n@answer reported', { needs: ['broken'], runIf: 'always' }),
    ]));
  });

  it('skips the agent that needs it, naming the need', () => {
    expect(byId.broken?.status).toBe('failure');
    expect(byId.after).toMatchObject({ status: 'skipped', attempts: 0 });
    expect(byId.after?.error).toMatch(/needs broken, which ended failure/);
  });

  it('runs an agent with run-if: always, telling it how the need ended', () => {
    expect(byId.anyway).toMatchObject({ status: 'success', answer: 'reported' });
    expect(at(byId.anyway!.startedAt)).toBeGreaterThanOrEqual(at(byId.broken!.finishedAt));
    expect(promptWith('ANYWAY')).toMatch(/- broken \(ended failure: .*400/);
  });
});

describe('a planner', () => {
  // One line of the planner's prompt: the stand-in turns each `\\n` into a line break as it writes the file.
  const plan = [
    ['w1', 'w1 checked src'],
    ['w2', 'w2 checked docs'],
    ['w3', 'w3 checked tests'],
  ]
    .map(([id, answer]) => `- id: ${id}\\n  prompt: |\\n    Worker ${id}\\n    @answer ${answer}`)
    .join('\\n');
  let byId: Record<string, AgentResult>;
  let results: AgentResult[];

  beforeAll(async () => {
    ({ byId, results } = await run([
      spec('plan', `Split the work\n@write agents.yml ${plan}`, { spawn: true, allowedTools: ['Write'] }),
      spec('synth', 'SYNTHESIS of the workers; the second said: {{ needs.plan.w2.answer }}\n@answer one report', {
        needs: ['plan'],
      }),
    ]));
  });

  it('adds the three agents of its agents.yml, with prefixed ids, and they run', () => {
    expect(byId.plan?.status).toBe('success');
    expect(results.map((r) => r.id)).toEqual(['plan', 'synth', 'plan.w1', 'plan.w2', 'plan.w3']);
    for (const id of ['plan.w1', 'plan.w2', 'plan.w3']) {
      expect(byId[id]).toMatchObject({ status: 'success', addedBy: 'plan' });
      expect(at(byId[id]!.startedAt)).toBeGreaterThanOrEqual(at(byId.plan!.finishedAt));
    }
    expect(byId['plan.w2']?.answer).toBe('w2 checked docs');
  });

  it('starts the synthesis that needs the planner only after all three ended, with their answers', () => {
    const synth = byId.synth!;
    expect(synth.status).toBe('success');
    for (const id of ['plan.w1', 'plan.w2', 'plan.w3']) {
      expect(at(synth.startedAt)).toBeGreaterThanOrEqual(at(byId[id]!.finishedAt));
    }
    const dir = inputsOf(synth);
    expect(fs.readdirSync(dir).sort()).toEqual(['plan', 'plan.w1', 'plan.w2', 'plan.w3']);
    expect(fs.readFileSync(path.join(dir, 'plan.w3', 'answer.md'), 'utf8')).toBe('w3 checked tests');
    const prompt = promptWith('SYNTHESIS');
    expect(prompt).toContain('.agent-inputs/plan.w1/answer.md');
    expect(prompt).toContain('the second said: w2 checked docs');
  });
});

describe('a planner that cannot add its agents', () => {
  it('fails when it asks for more agents than max-agents allows, and none of them start', async () => {
    const three = '[{"id":"x","prompt":"x"},{"id":"y","prompt":"y"},{"id":"z","prompt":"z"}]';
    const { byId, results } = await run(
      [
        spec('plan', `Too many\n@write agents.json ${three}`, { spawn: true, allowedTools: ['Write'] }),
        spec('synth', 'Never runs', { needs: ['plan'] }),
      ],
      4,
    );
    expect(results.map((r) => r.id)).toEqual(['plan', 'synth']);
    expect(byId.plan?.status).toBe('failure');
    expect(byId.plan?.error).toMatch(
      /asked for 3 agents; with the 2 already in the run that makes 5, more than input 'max-agents' \(4\)/,
    );
    expect(byId.synth).toMatchObject({ status: 'skipped' });
    // What it did is kept for the upload like any agent's.
    expect(fs.existsSync(path.join(byId.plan!.outputDir, 'workspace', 'agents.json'))).toBe(true);
  });

  it('fails, with the reason, when its file is missing or breaks the matrix rules', async () => {
    const finished: string[] = [];
    const { byId } = await run(
      [
        spec('none', 'Writes nothing\n@answer I forgot', { spawn: true }),
        spec('bad', 'A typo\n@write agents.yml - id: w\\n  promt: hello', { spawn: true, allowedTools: ['Write'] }),
      ],
      100,
      { onFinished: (r) => finished.push(r.id) },
    );
    expect(byId.none?.status).toBe('failure');
    expect(byId.none?.error).toMatch(/Planner "none" left no agents.yml or agents.json in its working folder/);
    expect(byId.bad?.status).toBe('failure');
    expect(byId.bad?.error).toContain(
      `Planner "bad"'s agents.yml: item 0 (id "w"): unknown key "promt"; did you mean "prompt"?`,
    );
    expect(finished.sort()).toEqual(['bad', 'none']);
  });
});

describe('structured answers', () => {
  const schema = JSON.stringify({
    type: 'object',
    properties: { name: { type: 'string' }, count: { type: 'integer' } },
    required: ['name', 'count'],
  });
  let byId: Record<string, AgentResult>;

  beforeAll(async () => {
    ({ byId } = await run([
      spec('good', 'Count them\n@structured {"name":"bugs","count":3}', { jsonSchema: schema }),
      spec('missing', 'Just talks\n@answer there are three', { jsonSchema: schema }),
      spec('wrong', 'Wrong shape\n@structured {"name":"bugs"}', { jsonSchema: schema }),
    ]));
  });

  it('keeps a structured output that matches, in results and in structured.json', () => {
    expect(byId.good).toMatchObject({ status: 'success', structured: { name: 'bugs', count: 3 } });
    const file = path.join(byId.good!.outputDir, 'structured.json');
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ name: 'bugs', count: 3 });
  });

  it('fails an agent that gave none', () => {
    expect(byId.missing?.status).toBe('failure');
    expect(byId.missing?.error).toMatch(/no structured output: the model never called the StructuredOutput tool/);
    expect(byId.missing?.structured).toBeUndefined();
  });

  it('fails an agent whose structured output does not match, saying why', () => {
    expect(byId.wrong?.status).toBe('failure');
    expect(byId.wrong?.error).toMatch(/did not match the json-schema.*must have required property 'count'/);
    expect(fs.existsSync(path.join(byId.wrong!.outputDir, 'structured.json'))).toBe(false);
  });
});
