import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the repository root, computed from this file's own location
 * (`packages/config/src/paths.ts`), so it is the same whatever directory a service is started from.
 */
export const repoRoot: string = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Where embedded databases and generated dev secrets live by default: `<repoRoot>/.data`. */
export function defaultDataDir(): string {
  return join(repoRoot, '.data');
}
