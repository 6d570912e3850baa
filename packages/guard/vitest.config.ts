import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'guard',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
