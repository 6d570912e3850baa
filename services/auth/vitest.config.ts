import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'auth',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The root config's timeouts do not reach projects; real databases and servers need more than 5 s.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
