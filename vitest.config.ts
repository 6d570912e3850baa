import { defineConfig } from 'vitest/config';

/** One vitest project per workspace; `npm test` runs them all from the root. */
export default defineConfig({
  test: {
    projects: ['packages/*', 'services/*', 'infra'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
