import type { OpenEngine } from './workspace-engine.js';

/** `workspace: empty`: the agent works in its own empty `workspace/` folder, which the agent stage makes. */
export const emptyEngine: OpenEngine = () => ({
  prepare: async () => undefined,
  close: async () => undefined,
  ready: Promise.resolve(),
});
