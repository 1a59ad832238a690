import type { AgentContext } from '../agent/context.js';
import { admitting } from '../agent/start-gate.js';
import { formatDuration } from '../util/format.js';
import type { AdaptiveConcurrency, ConcurrencyChange } from './adaptive.js';

/** Adaptive concurrency wired to a run: the pool's limit, the agents' pushback, the rise timer. */
interface AdaptiveLimit {
  /** For the pool: how many agents may run now (raising the limit after a quiet period). */
  limit(): number;
  /** Takes the pool's wake, which the rise timer calls. */
  onWake(wake: () => void): void;
  /** One agent's context, and what to call when it has finished. */
  agent(ctx: AgentContext): { ctx: AgentContext; finished(): void };
  close(): void;
}

/**
 * Applies `concurrency` to a run: the pool's limit, and each agent's admission at the spawn (see `admitting`),
 * open while fewer than the limit are in flight. `unfinished()` is the number of agents not yet finished; `log`
 * gets a line for every change ("rate limited: 8 → 4 agents at once").
 */
export function adaptiveLimit(
  concurrency: AdaptiveConcurrency,
  unfinished: () => number,
  signal: AbortSignal,
  log: (line: string) => void,
): AdaptiveLimit {
  /** Agents whose CLI has spawned and that have not finished. */
  let inFlight = 0;
  let admissions: (() => void)[] = [];
  const admitAgain = () => {
    const waiting = admissions;
    admissions = [];
    for (const resolve of waiting) resolve();
  };
  signal.addEventListener('abort', admitAgain, { once: true });
  const open = () => inFlight < concurrency.limit || signal.aborted;

  let wake = () => {};
  let riseTimer: NodeJS.Timeout | undefined;
  const armRise = () => {
    clearTimeout(riseTimer);
    const at = concurrency.nextRiseAt();
    if (at !== undefined) riseTimer = setTimeout(() => wake(), Math.max(0, at - Date.now()));
  };
  const changed = (change: ConcurrencyChange | undefined) => {
    if (change) {
      const why =
        change.why === 'rate-limited' ? 'rate limited' : `no rate limits for ${formatDuration(concurrency.quietMs)}`;
      log(`${why}: ${change.from} → ${change.to} agents at once`);
    }
    if (change?.why === 'quiet') admitAgain();
    armRise();
  };

  return {
    limit() {
      changed(concurrency.poll(Date.now(), inFlight, unfinished() - inFlight));
      return concurrency.limit;
    },
    onWake(w) {
      wake = w;
    },
    agent(ctx) {
      let admitted = false;
      // Set at the spawn: pushback from an agent spawned after the limit last fell is news about that limit.
      let epoch = 0;
      const startGate = admitting(ctx.startGate, {
        open,
        changed: () => new Promise<void>((resolve) => admissions.push(resolve)),
        admit() {
          admitted = true;
          inFlight++;
          epoch = concurrency.started();
        },
      });
      return {
        ctx: {
          ...ctx,
          startGate,
          onPushback(pushback) {
            ctx.onPushback?.(pushback);
            changed(concurrency.rateLimited(Date.now(), epoch, inFlight));
          },
        },
        finished() {
          if (!admitted) return;
          inFlight--;
          admitAgain();
        },
      };
    },
    close() {
      clearTimeout(riseTimer);
      signal.removeEventListener('abort', admitAgain);
      admitAgain();
    },
  };
}
