import { nativeFetch } from '@tessera/auth/testing';
import { createTestDatabase, type TestDatabase, testDatabaseTargets } from '@tessera/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceToken, startTasksStack, type TasksStack } from './support/tasks-stack.ts';

/** The contract: within one second of the revoking call returning, the old token is refused. */
const revocationBoundMs = 1_000;

/**
 * Calls `path` with `token` until it answers 401 `token_revoked`, and returns how long after `since` that was.
 * It gives up after five times the bound, so a failure shows the time it took rather than a test timeout.
 */
async function msUntilRevoked(stack: TasksStack, path: string, token: string, since: number): Promise<number> {
  for (;;) {
    const response = await stack.call(path, { token });
    const elapsed = performance.now() - since;
    if (response.status === 401) {
      expect(await response.json()).toMatchObject({ code: 'invalid_token', reason: 'token_revoked' });
      return elapsed;
    }
    expect(response.status).toBe(200);
    await response.body?.cancel();
    if (elapsed > 5 * revocationBoundMs) return elapsed;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each(testDatabaseTargets())(
  'revoked tokens stop working at the tasks service (auth and tasks on %s)',
  (target) => {
    let stack: TasksStack;
    let authDatabase: TestDatabase | undefined;

    beforeAll(async () => {
      authDatabase = target === 'postgres' ? await createTestDatabase() : undefined;
      stack = await startTasksStack({
        target,
        env: authDatabase === undefined ? {} : { AUTH_DATABASE_URL: authDatabase.url },
      });
    });
    afterAll(async () => {
      await stack?.close();
      await authDatabase?.drop();
    });

    it('refuses the JWT of a signed-out session within a second, also from the verified-token cache', async () => {
      const user = await stack.auth.signUp();
      // Twice: the second answer comes from the verified-token cache, where the revoked token then sits.
      expect((await stack.call('/v1/tasks', { token: user.jwt })).status).toBe(200);
      expect((await stack.call('/v1/tasks', { token: user.jwt })).status).toBe(200);
      const signOut = await nativeFetch(`${stack.auth.url}/api/auth/sign-out`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${user.sessionToken}` },
        body: '{}',
      });
      const returned = performance.now();
      expect(signOut.status).toBe(200);
      expect(await msUntilRevoked(stack, '/v1/tasks', user.jwt, returned)).toBeLessThanOrEqual(revocationBoundMs);
    });

    it("refuses a deleted user's JWTs within a second", async () => {
      const user = await stack.auth.signUp();
      const otherDevice = await stack.auth.getJwt(user.sessionToken);
      expect((await stack.call('/v1/tasks', { token: user.jwt })).status).toBe(200);
      const context = await stack.auth.service.auth.$context;
      await context.internalAdapter.deleteUser(user.userId);
      const returned = performance.now();
      expect(await msUntilRevoked(stack, '/v1/tasks', user.jwt, returned)).toBeLessThanOrEqual(revocationBoundMs);
      expect(await msUntilRevoked(stack, '/v1/tasks', otherDevice, returned)).toBeLessThanOrEqual(
        5 * revocationBoundMs,
      );
    });

    it("refuses a revoked client's service tokens within a second", async () => {
      const user = await stack.auth.signUp();
      const { clientId, token } = await serviceToken(stack.auth, ['tasks:read']);
      const path = `/v1/users/${user.userId}/tasks`;
      expect((await stack.call(path, { token })).status).toBe(200);
      await stack.auth.revokeClient(clientId);
      const returned = performance.now();
      expect(await msUntilRevoked(stack, path, token, returned)).toBeLessThanOrEqual(revocationBoundMs);
    });

    it("reports the list's age and size in /readyz", async () => {
      const response = await stack.call('/readyz');
      expect(response.status).toBe(200);
      const ready = (await response.json()) as {
        checks: Record<string, string>;
        details: { revocations: { age_seconds: number; entries: number } };
      };
      expect(ready.checks.revocations).toBe('ok');
      expect(ready.details.revocations.age_seconds).toBeGreaterThanOrEqual(0);
      expect(ready.details.revocations.entries).toBeGreaterThanOrEqual(1);
    });
  },
);

describe('REVOCATIONS=off', () => {
  let stack: TasksStack;

  beforeAll(async () => {
    stack = await startTasksStack({ env: { REVOCATIONS: 'off' } });
  });
  afterAll(() => stack?.close());

  it('accepts a signed-out JWT until its exp, and follows nothing', async () => {
    const user = await stack.auth.signUp();
    await nativeFetch(`${stack.auth.url}/api/auth/sign-out`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.sessionToken}` },
      body: '{}',
    });
    expect((await stack.call('/v1/tasks', { token: user.jwt })).status).toBe(200);
    expect(stack.tasks.verifier?.revocations).toBeUndefined();
    expect(await (await stack.call('/readyz')).json()).toMatchObject({ checks: { database: 'ok', keys: 'ok' } });
  });
});
