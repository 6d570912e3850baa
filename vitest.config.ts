import { defineConfig } from 'vitest/config';

/** One vitest project per workspace (see vitest.project.ts); `npm test` runs them all from the root. */
export default defineConfig({
  test: {
    projects: ['packages/*', 'services/*', 'infra', 'examples/python'],
  },
});
