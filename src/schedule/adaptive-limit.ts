import type { AgentContext } from '../agent/context.js';
import { formatDuration } from '../util/format.js';
import type { Limiter } from '../util/limit.js';
import type { AdaptiveConcurrency, ConcurrencyChange } from './adaptive.js';

/** Adaptive concurrency wired to a run: the engine's limit, the agents' pushback, the rise timer. */
export interface AdaptiveLimit {
  /** For the engine: how many agents may run now (raising the limit after a quiet period). */
  limit(): number;
  /** Takes the engine's wake, which the rise timer calls. */
  onWake(wake: () => void): void;
  /** One agent's context, and what to call when it has finished. */
  agent(ctx: AgentContext): { ctx: AgentContext; finished(): void };
  close(): void;
}

/**
 * Applies `concurrency` to a run. Agents wait at the start gate before their CLI spawns, so when the first
 * pushback comes most of a large matrix has been started by the engine but not yet spawned: the limit is
 * therefore also applied at the spawn. An agent's first spawn waits, holding no start slot, until fewer than
 * the limit are in flight; its later attempts go straight on, as it is in flight already. `unfinished()` is the
 * number of agents not yet finished; `log` gets a line for every change ("rate limited: 8 → 4 agents at once").
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
      const gate: Limiter = ctx.startGate ?? ((task) => task());
      const startGate: Limiter = async <T>(task: () => Promise<T>): Promise<T> => {
        if (admitted) return gate(task);
        for (;;) {
          if (!open()) await new Promise<void>((resolve) => admissions.push(resolve));
          let done: { value: T } | undefined;
          await gate(async () => {
            // Another agent may have taken the last place while this one waited for a start slot.
            if (!open()) return;
            admitted = true;
            inFlight++;
            epoch = concurrency.started();
            done = { value: await task() };
          });
          if (done) return done.value;
        }
      };
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
