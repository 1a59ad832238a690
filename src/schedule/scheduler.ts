import * as core from '@actions/core';
import { agentPaths, type AgentContext } from '../agent/context.js';
import { notStarted } from '../agent/result.js';
import { runAgent } from '../agent/run.js';
import type { AgentResult, AgentSpec } from '../types.js';
import { formatDuration, formatUsd } from '../util/format.js';
import type { AdaptiveConcurrency, ConcurrencyChange } from './adaptive.js';
import { schedule, type ScheduleOptions } from './engine.js';

/** How often the log says how far the run is. */
export const PROGRESS_EVERY_MS = 30_000;

const stamp = () => new Date().toISOString();

export interface RunAgentsOptions extends Pick<ScheduleOptions, 'limit' | 'stopReason' | 'onWake' | 'onEvent'> {
  maxParallel: number;
  ctx: AgentContext;
  /** Called as each agent that ran ends (to start its upload at once). */
  onFinished?: (result: AgentResult) => void;
  /** Hears the agents' 429s and 529s, and sets how many may run at once (instead of `limit`). */
  concurrency?: AdaptiveConcurrency;
  /** Once the agents that finished reported this much cost (US dollars), no further agent starts. */
  budgetUsd?: number;
}

/**
 * Runs every agent (see `schedule` for the order), logging each start and end and a progress line every 30 s.
 */
export async function runAgents(specs: readonly AgentSpec[], options: RunAgentsOptions): Promise<AgentResult[]> {
  const { ctx, concurrency } = options;
  let running = 0;
  let done = 0;
  let spentUsd = 0;
  const progress = setInterval(() => {
    core.info(`${stamp()} progress: ${done} done, ${running} running, ${specs.length - done - running} waiting`);
  }, PROGRESS_EVERY_MS);

  // Adaptive concurrency: the limit falls as pushback comes in and rises on a timer after a quiet period.
  let wake = () => {};
  let riseTimer: NodeJS.Timeout | undefined;
  const armRise = () => {
    clearTimeout(riseTimer);
    const at = concurrency?.nextRiseAt();
    if (at !== undefined) riseTimer = setTimeout(() => wake(), Math.max(0, at - Date.now()));
  };
  const logChange = (c: ConcurrencyChange) => {
    const why =
      c.why === 'rate-limited' ? 'rate limited' : `no rate limits for ${formatDuration(concurrency!.quietMs)}`;
    core.info(`${stamp()} ${why}: ${c.from} → ${c.to} agents at once`);
  };
  const limit = concurrency
    ? () => {
        const change = concurrency.poll(Date.now(), running, specs.length - done - running);
        if (change) logChange(change);
        armRise();
        return concurrency.limit;
      }
    : options.limit;
  /** Each agent's own context: its pushback reaches the controller with the epoch it started in. */
  const agentCtx = (): AgentContext => {
    if (!concurrency) return ctx;
    const epoch = concurrency.started();
    return {
      ...ctx,
      onPushback(pushback) {
        ctx.onPushback?.(pushback);
        const change = concurrency.rateLimited(Date.now(), epoch, running);
        if (change) logChange(change);
        armRise();
      },
    };
  };

  let budgetLogged = false;
  const budgetReason = () => {
    if (options.budgetUsd === undefined || spentUsd < options.budgetUsd) return undefined;
    const reason = `the run's budget of ${formatUsd(options.budgetUsd)} was reached (${formatUsd(spentUsd)} spent)`;
    if (!budgetLogged) core.info(`${stamp()} ${reason}: no further agent starts`);
    budgetLogged = true;
    return reason;
  };

  try {
    return await schedule(specs, {
      ...options,
      limit,
      onWake(w) {
        wake = w;
        options.onWake?.(w);
      },
      stopReason: () => options.stopReason?.() ?? budgetReason(),
      signal: ctx.signal,
      async run(spec) {
        running++;
        core.info(`${stamp()} ▶ ${spec.id} started`);
        const result = await runAgent(spec, agentCtx());
        running--;
        done++;
        spentUsd += result.costUsd ?? 0;
        const tries = result.attempts > 1 ? ` after ${result.attempts} attempts` : '';
        const why = result.error ? `: ${result.error}` : '';
        core.info(`${stamp()} ■ ${spec.id} ${result.status} in ${formatDuration(result.durationMs)}${tries}${why}`);
        options.onFinished?.(result);
        return { result };
      },
      notRun(spec, why) {
        done++;
        if ('skipped' in why) core.info(`${stamp()} ⏭ ${spec.id} skipped: ${why.skipped}`);
        return notStarted(spec, agentPaths(ctx.runDir, spec.id).outputDir, 'skipped' in why ? why.skipped : undefined);
      },
    });
  } finally {
    clearInterval(progress);
    clearTimeout(riseTimer);
  }
}
