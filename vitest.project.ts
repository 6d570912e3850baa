import { defineProject } from 'vitest/config';
import type { ProjectConfig } from 'vitest/node';

/**
 * The vitest project of one workspace: its tests beside the code (`src/**`) and its integration tests
 * (`test/**`). The root config's timeouts do not reach projects, so they are set here: real databases
 * and real servers need more than vitest's default 5 s.
 */
export function workspaceProject(name: string, test: ProjectConfig = {}) {
  return defineProject({
    // @tessera/guard and @tessera/client export their TypeScript source under this condition, their build otherwise.
    // The rest are Vite's defaults (defaultServerConditions), which a list given here would otherwise replace.
    ssr: { resolve: { conditions: ['@tessera/source', 'module', 'node', 'development|production'] } },
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      ...test,
    },
  });
}
