import { defineConfig } from 'vitest/config';

// Projects: unit tests run in parallel with no server; integration tests share one real
// Temporal dev server (globalSetup) and run one file at a time so the 2-core machine is not starved.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/integration/**', 'test/model/key-invariants.test.ts', 'test/chaos/**', 'test/browser/**', 'test/production/**', '**/node_modules/**'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          // The model-based test of the key-level invariants (test/model/) runs on the same dev server.
          include: ['test/integration/**/*.test.ts', 'test/model/key-invariants.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          setupFiles: ['test/support/quiet-runtime.ts'],
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        // The Web UI in Debian's Chromium, on its own dev server with the UI on: see test/browser/.
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/browser/global-setup.ts'],
          setupFiles: ['test/support/quiet-runtime.ts'],
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        // Every part in its own process, killed and restarted: see test/chaos/chaos.test.ts.
        test: {
          name: 'chaos',
          include: ['test/chaos/**/*.test.ts'],
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 300_000,
        },
      },
      {
        // docker-compose.yml's topology run natively (PostgreSQL, Temporal per service, compiled
        // workers) through faults: see test/production/production.test.ts. Skipped without
        // PostgreSQL or Go.
        test: {
          name: 'production',
          include: ['test/production/**/*.test.ts'],
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
