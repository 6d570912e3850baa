import { workspaceProject } from '../../vitest.project.ts';

export default workspaceProject('auth', {
  // Test files share their worker's module cache: PGlite's WebAssembly and Better Auth are loaded once per
  // worker instead of once per file, which is most of this project's run time. No test relies on fresh
  // module state (each starts its own service and database).
  isolate: false,
});
