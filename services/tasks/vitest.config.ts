import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'tasks',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Integration tests start a real auth service and a real tasks service (two embedded databases).
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
