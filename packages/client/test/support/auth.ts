import { startTestAuthService, type TestAuthService } from '@tessera/auth/testing';
import { createTestDatabase, type TestDatabaseTarget, testDatabaseTargets } from '@tessera/db/testing';
import type { SessionStorage } from '../../src/index.ts';
import { nativeFetch } from '../../src/node/index.ts';

export { testDatabaseTargets };

/** The real auth service on `target`, with `env` (e.g. a short `JWT_TTL`); `close` also drops a Postgres database. */
export async function startAuth(
  target: TestDatabaseTarget = 'memory://',
  env: Record<string, string> = {},
): Promise<TestAuthService> {
  const database = target === 'postgres' ? await createTestDatabase() : undefined;
  const auth = await startTestAuthService({ ...env, AUTH_DATABASE_URL: database?.url ?? 'memory://' });
  return {
    ...auth,
    async close() {
      await auth.close();
      await database?.drop();
    },
  };
}

/** A storage held in memory, like a secure store; `value` is what it holds. */
export function memoryStorage(initial?: string): SessionStorage & { value: string | undefined } {
  const storage = {
    value: initial,
    get: () => storage.value,
    set: (token: string) => {
      storage.value = token;
    },
    delete: () => {
      storage.value = undefined;
    },
  };
  return storage;
}

/** The native fetch, counting requests per path, so a test can see how many token calls a source made. */
export function countingFetch() {
  const counts = new Map<string, number>();
  const fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const path = new URL(String(input)).pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    return nativeFetch(input, init);
  };
  return { fetch, count: (path: string) => counts.get(path) ?? 0 };
}

/** The claims of a JWT, unverified: the tests only look at which token they got. */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
