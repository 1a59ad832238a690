import type { OpenEngine } from './workspace-engine.js';

/**
 * `workspace: shared`: every agent works in the checkout itself (the working directory). Nothing is made, renewed
 * or removed, and no patch is made: the agents' changes stay in the checkout.
 */
export const sharedEngine: OpenEngine = ({ plan }) => ({
  prepare: async () => ({
    mode: 'shared',
    cwd: plan.workingDirectory,
    setupMs: 0,
    beforeStart: () => undefined,
    renew: async () => true,
    collect: async () => undefined,
    cleanup: async () => undefined,
  }),
  close: async () => undefined,
  ready: Promise.resolve(),
});
