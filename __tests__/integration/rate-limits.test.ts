import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Pushback } from '../../src/agent/events.js';
import { runAgent } from '../../src/agent/run.js';
import { runAgents } from '../../src/schedule/run-agents.js';
import type { AgentResult } from '../../src/types.js';
import { CLIS, LOCAL_CLAUDE, startAction } from '../../stand-ins/run-action.js';
import { context, spec as agentSpec, tempDir } from '../support/agents.js';
import { useStandIns } from '../support/fixture.js';

// Rate limits, overload, fallback and budgets, with every CLI version the tests run (CLIS: the pinned one, the
// oldest supported, and 2.1.197) against the stand-in model.
const standIns = useStandIns({ model: { latencyMs: 200 } });

/** The CLI's own retries: the tests' default is none, so say how many. */
const retrying = (claude: string, retries: number, overrides: Parameters<typeof context>[1] = {}) =>
  context(standIns.model.url, {
    claude,
    baseEnv: { ...standIns.env(), CLAUDE_CODE_MAX_RETRIES: String(retries) },
    ...overrides,
  });

const resultEvent = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'result.json'), 'utf8'));

describe.each(CLIS)('CLI $version: retries and classification', ({ version, claude }) => {
  // The stand-in counts requests per prompt (for @fail N): each version gets prompts of its own.
  const spec = (id: string, prompt: string, extra?: Parameters<typeof agentSpec>[2]) =>
    agentSpec(id, `${prompt}\n(CLI ${version})`, extra);

  it('hears each 429 the CLI retries itself while the agent runs, and the agent succeeds', async () => {
    const heard: Pushback[] = [];
    const ctx = retrying(claude, 3, { onPushback: (p) => heard.push(p) });
    const result = await runAgent(spec('retried', 'Rate limited twice\n@fail 429 2\n@answer got through'), ctx);
    expect(result).toMatchObject({ status: 'success', attempts: 1, answer: 'got through' });
    expect(heard).toEqual([
      { status: 429, final: false },
      { status: 429, final: false },
    ]);
  });

  it('hears the 529 that outlasted the CLI’s retries, and starts the agent again', async () => {
    const heard: Pushback[] = [];
    const ctx = retrying(claude, 1, { retries: 1, onPushback: (p) => heard.push(p) });
    const result = await runAgent(spec('overloaded', 'Overloaded for good\n@fail 529'), ctx);
    expect(result).toMatchObject({ status: 'failure', attempts: 2 });
    expect(result.error).toMatch(/^API Error: .*529/);
    // Each attempt: one retry inside the CLI, then the error it gave up on.
    expect(heard).toEqual([
      { status: 529, final: false },
      { status: 529, final: true },
      { status: 529, final: false },
      { status: 529, final: true },
    ]);
  });

  it('starts the agent again when the CLI gave up on repeated 529s in words of its own', async () => {
    const heard: Pushback[] = [];
    const ctx = retrying(claude, 4, { retries: 1, onPushback: (p) => heard.push(p) });
    // With an Opus model and no fallback, every version stops at the third 529 in a row, whatever its retries.
    const result = await runAgent(spec('repeated', 'Overloaded again\n@fail 529', { model: 'claude-opus-4-6' }), ctx);
    expect(result).toMatchObject({ status: 'failure', attempts: 2 });
    expect(result.error).toMatch(/^API Error: Repeated 529 Overloaded errors/);
    expect(heard.filter((p) => p.final)).toEqual([
      { status: 529, final: true },
      { status: 529, final: true },
    ]);
  });

  it('counts the cost and tokens of every attempt, not only the last', async () => {
    const ctx = retrying(claude, 0, { retries: 1 });
    // The first attempt pays for one turn, then its second request fails; the second attempt pays for two.
    const result = await runAgent(
      spec('paid-twice', 'Pay, then fail\n@bash echo hi\n@fail-at 2 529', { allowedTools: ['Bash'] }),
      ctx,
    );
    expect(result).toMatchObject({ status: 'success', attempts: 2 });
    const first = resultEvent(path.join(result.outputDir, 'attempt-1'));
    const last = resultEvent(result.outputDir);
    expect(first.total_cost_usd).toBeGreaterThan(0);
    expect(result.costUsd).toBeCloseTo(first.total_cost_usd + last.total_cost_usd, 10);
    expect(result.usage).toEqual({ inputTokens: 300, outputTokens: 60, cacheReadTokens: 0, cacheCreationTokens: 0 });
  });

  it('fails an agent over its own budget with the reason, without starting it again', async () => {
    const ctx = retrying(claude, 0, { retries: 2 });
    const result = await runAgent(
      spec('spender', 'Spend a lot\n@usage 100000 100 50000 10000', { maxBudgetUsd: 0.05 }),
      ctx,
    );
    expect(result).toMatchObject({ status: 'failure', attempts: 1 });
    expect(result.error).toMatch(/^budget of \$0\.05 reached \(\$0\.\d\d spent\)$/);
    expect(result.costUsd).toBeGreaterThan(0.05);
    expect(result.usage).toEqual({
      inputTokens: 100_000,
      outputTokens: 100,
      cacheReadTokens: 50_000,
      cacheCreationTokens: 10_000,
    });
  });

  it('hands the fallback model to the CLI, which uses it when the main model is overloaded', async () => {
    const ctx = retrying(claude, 3);
    const result = await runAgent(
      spec('falls-back', 'Overloaded main model\n@overloaded-model claude-opus-4-6\n@answer from the fallback', {
        model: 'claude-opus-4-6',
        fallbackModel: 'claude-sonnet-4-5',
      }),
      ctx,
    );
    // The stand-in never answers the main model: the answer came from the fallback.
    expect(result).toMatchObject({ status: 'success', answer: 'from the fallback' });
    expect(standIns.model.stats.models).toEqual(expect.arrayContaining(['claude-opus-4-6', 'claude-sonnet-4-5']));
  });
});

describe('a run over its budget', () => {
  it('skips the agents still waiting once the finished ones cost the budget; the running one finishes', async () => {
    const ctx = context(standIns.model.url);
    const costly = (id: string) => agentSpec(id, `Spend\n@usage 100000 100\n@latency 1000`);
    const results = await runAgents([costly('first'), costly('second'), costly('third'), costly('fourth')], {
      maxParallel: 2,
      ctx,
      budgetUsd: 0.1,
    });
    const byId = Object.fromEntries(results.map((r) => [r.id, r]));
    // Two start together; once either reports its cost the budget is spent, and the other still finishes.
    expect(byId.first?.status).toBe('success');
    expect(byId.second?.status).toBe('success');
    for (const id of ['third', 'fourth']) {
      expect(byId[id]).toMatchObject({ status: 'skipped', attempts: 0 });
      expect(byId[id]?.error).toMatch(/^the run's budget of \$0\.10 was reached \(\$0\.\d\d spent\)$/);
    }
  });
});

describe.each(CLIS)('node dist/index.js with CLI $version under a capacity of 2', ({ claude }) => {
  const capped = useStandIns({ model: { latencyMs: 500, capacity: 2 } });
  let run: Awaited<ReturnType<typeof startAction>['done']>;
  let results: AgentResult[];

  beforeAll(async () => {
    // The first two hold the capacity for 10 s, so the others, started meanwhile, surely meet 429s.
    const prompts = Array.from({ length: 10 }, (_, i) => ({
      id: `a${i + 1}`,
      prompt: `Agent ${i + 1}${i < 2 ? '\n@latency 10000' : ''}`,
    }));
    run = await startAction({
      dir: tempDir('capacity-'),
      inputs: { prompts: JSON.stringify(prompts), 'claude-path': claude, upload: 'none', retries: '3' },
      // The CLI retries the 429s itself, as it does by default; the action hears each retry as it happens.
      env: { ...capped.env(), ANTHROPIC_API_KEY: 'sk-ant-capacity', CLAUDE_CODE_MAX_RETRIES: '10' },
    }).done;
    results = JSON.parse(run.outputs.results ?? '[]');
  });

  it('gets all ten agents through', () => {
    expect(run.code).toBe(0);
    expect(results.map((r) => r.status)).toEqual(Array(10).fill('success'));
    expect(capped.model.stats.rejected).toBeGreaterThan(0);
    expect(capped.model.stats.maxInFlight).toBe(2);
  });

  it('says in the log each time it lowers the concurrency', () => {
    const lowered = [...run.stdout.matchAll(/rate limited: (\d+) → (\d+) agents at once/g)];
    expect(lowered.length).toBeGreaterThan(0);
    for (const [, from, to] of lowered) expect(Number(to)).toBe(Math.max(1, Math.floor(Number(from) / 2)));
  });

  it('shows the rate limits and the lowest concurrency in the summary', () => {
    const m =
      /\*\*Rate limits\*\*: the API pushed back \(429 or 529\) (\d+) times?; the scheduler went as low as (\d+) agents? at once \(of 10\)\./.exec(
        run.summary,
      );
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(0);
    expect(Number(m![2])).toBeLessThan(10);
    expect(Number(m![2])).toBeGreaterThanOrEqual(1);
  });

  it("counts every 429 exactly: each request passed the action's API proxy, with the real key put on it", () => {
    const m =
      /pushed back \(429 or 529\) (\d+) times?;.* The action's API proxy, which every request passed, counted (\d+) × 429 and (\d+) × 529 in (\d+) requests?\./.exec(
        run.summary,
      );
    expect(m, run.summary).not.toBeNull();
    expect(Number(m![1])).toBe(capped.model.stats.rejected);
    expect(Number(m![2])).toBe(capped.model.stats.rejected);
    expect(Number(m![3])).toBe(0);
    // The stand-in counts the CLI's main requests; the proxy also its side requests (titles and the like).
    expect(Number(m![4])).toBeGreaterThanOrEqual(capped.model.stats.requests);
    expect(new Set(capped.model.stats.credentials)).toEqual(new Set(['sk-ant-capacity']));
  });
});

describe('node dist/index.js with a bad budget', () => {
  it.each([
    ['budget-usd', '-1'],
    ['max-budget-usd', 'lots'],
  ])('fails before any agent starts when %s is %j, naming the input', async (input, value) => {
    const before = standIns.model.stats.requests;
    const run = await startAction({
      dir: tempDir('bad-budget-'),
      inputs: { prompts: '- hi', 'claude-path': LOCAL_CLAUDE, upload: 'none', [input]: value },
      env: { ...standIns.env(), ANTHROPIC_API_KEY: 'sk-ant-budget' },
    }).done;
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `::error::Input '${input}' must be an amount of US dollars above zero, such as 0.50 or 5; got "${value}"`,
    );
    expect(standIns.model.stats.requests).toBe(before);
  });
});
