import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default'],
    globalSetup: ['__tests__/support/home.js', 'stand-ins/reachable.js'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['__tests__/unit/**/*.test.ts'],
          // A deadline is not an assertion: on a busy 2-core machine a 5 MB parse takes seconds (vitest's
          // default is 5 s), and no test may depend on how fast the machine is.
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['__tests__/integration/**/*.test.ts'],
          // Integration tests start real CLI processes; the defaults are too tight for them.
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
