import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'auth',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The root config's timeouts do not reach projects; real databases and servers need more than 5 s.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Test files share their worker's module cache: PGlite's WebAssembly and Better Auth are loaded once per
    // worker instead of once per file, which is most of this project's run time. No test relies on fresh
    // module state (each starts its own service and database).
    isolate: false,
  },
});
