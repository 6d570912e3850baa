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

/**
 * `DATA_DIR` as an absolute path: unset means {@link defaultDataDir}, and a relative path is taken from the
 * repository root (where `.env` lives), never from the working directory, so `npm start` at the root and
 * `npm start -w services/auth` find the same data.
 */
export function resolveDataDir(value: string | undefined): string {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? defaultDataDir() : resolve(repoRoot, trimmed);
}
