import type { AgentResult, AgentSpec } from '../types.js';

/** What running one agent gave: its result and the agents it added to the run (a planner's workers). */
export interface JobOutcome {
  result: AgentResult;
  added?: AgentSpec[];
}

/** Why an agent will not start: the run was cancelled, or it was skipped for the reason given. */
export type NotRun = { cancelled: true } | { skipped: string };

export type ScheduleEvent =
  { kind: 'started'; spec: AgentSpec } | { kind: 'finished'; spec: AgentSpec; result: AgentResult };

export interface ScheduleOptions {
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
  /** Receives a function that makes the schedule look again, for when `limit` rises on its own. */
  onWake?: (wake: () => void) => void;
  onEvent?: (event: ScheduleEvent) => void;
}

type Readiness = { ready: true } | { ready: false; blocked?: string };

/**
 * Runs the agents, at most `limit()` (and never more than `maxParallel`) at once, each as soon as every agent
 * it needs has finished with success (or finished at all, with `runIf: 'always'`); among agents ready at once
 * the earlier in the matrix starts first. An agent whose need failed is skipped, naming the need. A need on an
 * agent that added others is a need on all of them. Results come back in matrix order, added agents after.
 */
export async function schedule(specs: readonly AgentSpec[], o: ScheduleOptions): Promise<AgentResult[]> {
  const order: AgentSpec[] = [...specs];
  const waiting = new Set(order.map((s) => s.id));
  const results = new Map<string, AgentResult>();
  const added = new Map<string, string[]>();
  let running = 0;
  let poke: () => void = () => undefined;
  const wake = () => poke();
  o.signal.addEventListener('abort', wake, { once: true });
  o.onWake?.(wake);

  /** The ids a need on `id` stands for: the agent and, recursively, every agent it added. */
  const members = (id: string): string[] => [id, ...(added.get(id) ?? []).flatMap(members)];

  const readiness = (spec: AgentSpec): Readiness => {
    for (const need of spec.needs ?? []) {
      for (const id of members(need)) {
        const r = results.get(id);
        if (!r) return { ready: false };
        if (r.status !== 'success' && spec.runIf !== 'always') {
          const who = id === need ? need : `${id} (added by ${need})`;
          return { ready: false, blocked: `needs ${who}, which ended ${r.status}` };
        }
      }
    }
    return { ready: true };
  };

  const settle = (spec: AgentSpec, result: AgentResult) => {
    waiting.delete(spec.id);
    results.set(spec.id, result);
  };

  const start = (spec: AgentSpec) => {
    waiting.delete(spec.id);
    running++;
    o.onEvent?.({ kind: 'started', spec });
    const needed = [...new Set((spec.needs ?? []).flatMap(members))].map((id) => results.get(id)!);
    void o.run(spec, needed).then(({ result, added: more = [] }) => {
      if (more.length) {
        order.push(...more);
        for (const s of more) waiting.add(s.id);
        added.set(
          spec.id,
          more.map((s) => s.id),
        );
      }
      results.set(spec.id, result);
      running--;
      o.onEvent?.({ kind: 'finished', spec, result });
      wake();
    });
  };

  for (;;) {
    const stop = o.signal.aborted ? undefined : o.stopReason?.();
    let startable = false;
    for (const spec of order) {
      if (!waiting.has(spec.id)) continue;
      if (o.signal.aborted) {
        settle(spec, o.notRun(spec, { cancelled: true }));
        continue;
      }
      const state = readiness(spec);
      if (!state.ready && state.blocked) settle(spec, o.notRun(spec, { skipped: state.blocked }));
      else if (stop) settle(spec, o.notRun(spec, { skipped: stop }));
      else if (state.ready) startable = true;
    }
    const cap = Math.min(o.maxParallel, Math.max(1, Math.floor(o.limit?.() ?? o.maxParallel)));
    for (const spec of order) {
      if (running >= cap || !startable) break;
      if (waiting.has(spec.id) && readiness(spec).ready) start(spec);
    }
    if (running === 0) {
      if (waiting.size === 0) break;
      // Nothing runs and nothing could start: what waits needs agents that will never finish. The graph is
      // checked before the run starts; this keeps a bad addition from hanging it.
      for (const spec of order) {
        if (waiting.has(spec.id)) settle(spec, o.notRun(spec, { skipped: 'its needs can never be met' }));
      }
      break;
    }
    await new Promise<void>((resolve) => (poke = resolve));
  }
  o.signal.removeEventListener('abort', wake);
  return order.map((s) => results.get(s.id)!);
}
