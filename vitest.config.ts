import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // DSP tests run big FFTs; the 2-core CI machine needs headroom, not a speed check.
    testTimeout: 60_000,
    pool: 'forks',
  },
});
