import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The summary reporter prints "tests: N passed, N failed" as the last line,
    // the plain closing line CI reads.
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
