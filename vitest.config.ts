import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: process.env.LMM_SLOW ? [] : ['test/slow/**'],
    testTimeout: 60_000,
    setupFiles: ['test/setup.ts'],
  },
});
