import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase, testDatabaseTargets } from '@tessera/db/testing';
import type { Logger } from '@tessera/server';
import { nativeFetch, startTestAuthService, type TestAuthService } from '../../src/testing.ts';

/** POSTs JSON as a native client: exactly these headers (no cookies, no Origin, no Sec-Fetch-* unless given). */
export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return nativeFetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** Signs in with email and password and returns the raw response. */
export function signIn(
  service: TestAuthService,
  email: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return postJson(`${service.url}/api/auth/sign-in/email`, { email, password }, headers);
}

/** The `name=value` part of the session cookie in a response. */
export function sessionCookieOf(response: Response): string {
  const cookie = response.headers.getSetCookie().find((value) => value.startsWith('better-auth.session_token='));
  if (cookie === undefined) throw new Error('no session cookie in the response');
  return cookie.split(';')[0] ?? '';
}

/** A fresh unique email address. */
export function uniqueEmail(): string {
  return `user-${randomUUID()}@example.test`;
}

/** The database targets of this run, each with a start function that gives the service its own database. */
export const databaseTargets = testDatabaseTargets();

/**
 * Starts a test auth service on `target` (`memory://` or a fresh Postgres database) and returns it with a
 * `close` that also drops the Postgres database.
 */
export async function startOn(
  target: (typeof databaseTargets)[number],
  env: Record<string, string> = {},
  options: { logger?: Logger } = {},
): Promise<TestAuthService> {
  let database: TestDatabase | undefined;
  if (target === 'postgres') database = await createTestDatabase();
  const service = await startTestAuthService({ ...env, AUTH_DATABASE_URL: database?.url ?? 'memory://' }, options);
  return {
    ...service,
    async close() {
      await service.close();
      await database?.drop();
    },
  };
}
