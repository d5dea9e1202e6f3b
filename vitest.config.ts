import { defineConfig } from 'vitest/config';

// One command runs every suite: unit tests in Node and end-to-end tests in Chromium.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 300_000,
    maxWorkers: 2,
  },
});
