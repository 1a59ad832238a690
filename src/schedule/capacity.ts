/** One CLI's peak memory, as measured by the benchmark (173 to 198 MB). */
export const AGENT_PEAK_BYTES = 200 * 1024 * 1024;

/**
 * How many agents run at once when `max-parallel` is not set: all of them, unless the runner's memory
 * would not hold them. CPU needs no cap here: a CLI waiting on the model uses about 2.5% of a core, and
 * start-ups, which need a whole core each, are paced by the start gate (AgentContext.startGate).
 */
export function defaultMaxParallel(agents: number, totalMemoryBytes: number): number {
  return Math.max(1, Math.min(agents, Math.floor((totalMemoryBytes * 0.75) / AGENT_PEAK_BYTES)));
}
