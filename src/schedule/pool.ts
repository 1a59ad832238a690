import type { AgentResult, AgentSpec } from '../types.js';

/** What running one agent gave: its result and the agents it added to the run (a planner's workers). */
export interface JobOutcome {
  result: AgentResult;
  added?: AgentSpec[];
}

/** Why an agent will not start: the run was cancelled, or it was skipped for the reason given. */
export type NotRun = { cancelled: true } | { skipped: string };

type PoolEvent = { kind: 'started'; spec: AgentSpec } | { kind: 'finished'; spec: AgentSpec; result: AgentResult };

export interface PoolOptions {
  /** The most agents in flight at once. */
  maxParallel: number;
  /** Once aborted, no agent starts; those not started are cancelled. */
  signal: AbortSignal;
  /**
   * Runs one agent to its end. Must not throw. `needed` holds the results of the agents it needs, each followed by
   * those it added, in the order of its `needs`.
   */
  run: (spec: AgentSpec, needed: AgentResult[]) => Promise<JobOutcome>;
  /** The result of an agent that will not start. */
  notRun: (spec: AgentSpec, why: NotRun) => AgentResult;
  /** How many may be in flight now (adaptive concurrency); read before every start, kept in 1..maxParallel. */
  limit?: () => number;
  /** Why no further agent may start (a spent budget): those still waiting are skipped with it. */
  stopReason?: () => string | undefined;
  /** Receives a function that makes the pool look again, for when `limit` rises on its own. */
  onWake?: (wake: () => void) => void;
  onEvent?: (event: PoolEvent) => void;
}

type Readiness = { ready: true } | { ready: false; blocked?: string };

/** The agents as the pool sees them: in what order, which still wait, how each ended, whom each added. */
interface Pool {
  order: AgentSpec[];
  waiting: Set<string>;
  results: Map<string, AgentResult>;
  added: Map<string, string[]>;
}

/**
 * Runs the agents, at most `limit()` (and never more than `maxParallel`) at once, each as soon as every agent
 * it needs has finished with success (or finished at all, with `runIf: 'always'`); among agents ready at once
 * the earlier in the matrix starts first. An agent whose need failed is skipped, naming the need. A need on an
 * agent that added others is a need on all of them. Results come back in matrix order, added agents after.
 */
export async function runPool(specs: readonly AgentSpec[], o: PoolOptions): Promise<AgentResult[]> {
  const pool: Pool = {
    order: [...specs],
    waiting: new Set(specs.map((s) => s.id)),
    results: new Map(),
    added: new Map(),
  };
  let running = 0;
  let poke: () => void = () => undefined;
  const wake = () => poke();
  o.signal.addEventListener('abort', wake, { once: true });
  o.onWake?.(wake);

  const start = (spec: AgentSpec) => {
    pool.waiting.delete(spec.id);
    running++;
    o.onEvent?.({ kind: 'started', spec });
    const needed = [...new Set((spec.needs ?? []).flatMap((id) => members(pool, id)))].map((id) =>
      pool.results.get(id)!,
    );
    void o.run(spec, needed).then(({ result, added: more = [] }) => {
      if (more.length) {
        pool.order.push(...more);
        for (const s of more) pool.waiting.add(s.id);
        pool.added.set(
          spec.id,
          more.map((s) => s.id),
        );
      }
      pool.results.set(spec.id, result);
      running--;
      o.onEvent?.({ kind: 'finished', spec, result });
      wake();
    });
  };

  for (;;) {
    const startable = endUnstartable(pool, o);
    const cap = Math.min(o.maxParallel, Math.max(1, Math.floor(o.limit?.() ?? o.maxParallel)));
    for (const spec of pool.order) {
      if (running >= cap || !startable) break;
      if (pool.waiting.has(spec.id) && readiness(pool, spec).ready) start(spec);
    }
    if (running === 0) {
      // Nothing runs and nothing could start: what waits needs agents that will never finish. The graph is
      // checked before the run starts; this keeps a bad addition from hanging it.
      for (const spec of pool.order) {
        if (pool.waiting.has(spec.id)) endUnstarted(pool, o, spec, { skipped: 'its needs can never be met' });
      }
      break;
    }
    await new Promise<void>((resolve) => (poke = resolve));
  }
  o.signal.removeEventListener('abort', wake);
  return pool.order.map((s) => pool.results.get(s.id)!);
}

/**
 * Ends each waiting agent that will not start: every one once the run is cancelled, those whose need failed,
 * and every one once `stopReason` gives a reason. True when one of those left can start now.
 */
function endUnstartable(pool: Pool, o: PoolOptions): boolean {
  const stop = o.signal.aborted ? undefined : o.stopReason?.();
  let startable = false;
  for (const spec of pool.order) {
    if (!pool.waiting.has(spec.id)) continue;
    if (o.signal.aborted) {
      endUnstarted(pool, o, spec, { cancelled: true });
      continue;
    }
    const state = readiness(pool, spec);
    if (!state.ready && state.blocked) endUnstarted(pool, o, spec, { skipped: state.blocked });
    else if (stop) endUnstarted(pool, o, spec, { skipped: stop });
    else if (state.ready) startable = true;
  }
  return startable;
}

/** An agent that will not start, ended with the result `notRun` gives it. */
function endUnstarted(pool: Pool, o: PoolOptions, spec: AgentSpec, why: NotRun): void {
  pool.waiting.delete(spec.id);
  pool.results.set(spec.id, o.notRun(spec, why));
}

/** The ids a need on `id` stands for: the agent and, recursively, every agent it added. */
function members(pool: Pool, id: string): string[] {
  return [id, ...(pool.added.get(id) ?? []).flatMap((a) => members(pool, a))];
}

function readiness(pool: Pool, spec: AgentSpec): Readiness {
  for (const need of spec.needs ?? []) {
    for (const id of members(pool, need)) {
      const r = pool.results.get(id);
      if (!r) return { ready: false };
      if (r.status !== 'success' && spec.runIf !== 'always') {
        const who = id === need ? need : `${id} (added by ${need})`;
        return { ready: false, blocked: `needs ${who}, which ended ${r.status}` };
      }
    }
  }
  return { ready: true };
}
