import { defineConfig } from 'vitest/config';

// isolated-vm needs --no-node-snapshot on Node >= 20, and NODE_OPTIONS refuses that flag, so every
// test worker is a forked process started with it.
export default defineConfig({
  test: {
    pool: 'forks',
    execArgv: ['--no-node-snapshot'],
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/build-dist.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
