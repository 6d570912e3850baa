import { randomBytes, randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@tessera/db/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOAuthClientStore } from '../src/client-credentials/index.ts';
import type { RevocationEntry, RevocationsBody } from '../src/revocations/index.ts';
import { nativeFetch, startTestAuthService, type TestAuthService, type TestUser } from '../src/testing.ts';
import { databaseTargets, postJson, signIn, startOn } from './support/auth-client.ts';

/** The `sid` claim of a user JWT: the session the token was issued for. */
function sidOf(jwt: string): string {
  const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sid: string };
  return payload.sid;
}

async function revocations(
  service: TestAuthService,
  query = '',
  headers: Record<string, string> = {},
): Promise<Response> {
  return nativeFetch(`${service.url}/api/auth/revocations${query}`, { headers });
}

async function body(response: Response): Promise<RevocationsBody> {
  expect(response.status).toBe(200);
  return (await response.json()) as RevocationsBody;
}

async function cursorOf(service: TestAuthService): Promise<string> {
  return (await body(await revocations(service))).cursor;
}

/** What came after `cursor`, waiting for it: the follower's long poll. */
async function revokedAfter(service: TestAuthService, cursor: string): Promise<RevocationEntry[]> {
  const answer = await body(await revocations(service, `?after=${encodeURIComponent(cursor)}&wait=10`));
  expect(answer.complete).toBe(false);
  return [...answer.revocations];
}

const sids = (entries: readonly RevocationEntry[]) =>
  entries.flatMap((entry) => ('sid' in entry ? [entry.sid] : [])).sort();

describe.each(databaseTargets)('GET /api/auth/revocations on %s', (target) => {
  let service: TestAuthService;

  beforeAll(async () => {
    service = await startOn(target);
  });
  afterAll(() => service?.close());

  /** A second session of the user, as another device signing in. */
  async function anotherSession(user: TestUser): Promise<{ sessionToken: string; sid: string }> {
    const signedIn = await signIn(service, user.email, user.password);
    const sessionToken = signedIn.headers.get('set-auth-token') ?? '';
    return { sessionToken, sid: sidOf(await service.getJwt(sessionToken)) };
  }

  const bearer = (sessionToken: string) => ({ authorization: `Bearer ${sessionToken}` });

  it('records a sign-out as { sid, revoked_at, expires_at }', async () => {
    const user = await service.signUp();
    const cursor = await cursorOf(service);
    const before = Math.floor(Date.now() / 1000);
    expect((await postJson(`${service.url}/api/auth/sign-out`, {}, bearer(user.sessionToken))).status).toBe(200);
    const [entry, ...rest] = await revokedAfter(service, cursor);
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({ sid: sidOf(user.jwt) });
    expect(entry!.revoked_at).toBeGreaterThanOrEqual(before - 1);
    // JWT_TTL (15 min) is the longest token lifetime, plus the 30 s clock tolerance.
    expect(entry!.expires_at - entry!.revoked_at).toBe(900 + 30);
  });

  it('records revoke-session, revoke-sessions and revoke-other-sessions', async () => {
    const user = await service.signUp();
    const second = await anotherSession(user);
    const third = await anotherSession(user);
    const fourth = await anotherSession(user);

    let cursor = await cursorOf(service);
    await postJson(
      `${service.url}/api/auth/revoke-session`,
      { token: second.sessionToken.split('.')[0] },
      bearer(user.sessionToken),
    );
    expect(sids(await revokedAfter(service, cursor))).toEqual([second.sid]);

    cursor = await cursorOf(service);
    expect(
      (await postJson(`${service.url}/api/auth/revoke-other-sessions`, {}, bearer(third.sessionToken))).status,
    ).toBe(200);
    expect(sids(await revokedAfter(service, cursor))).toEqual([sidOf(user.jwt), fourth.sid].sort());

    cursor = await cursorOf(service);
    expect((await postJson(`${service.url}/api/auth/revoke-sessions`, {}, bearer(third.sessionToken))).status).toBe(
      200,
    );
    expect(sids(await revokedAfter(service, cursor))).toEqual([third.sid]);
  });

  it('records the other sessions ended by a password change with revokeOtherSessions', async () => {
    const user = await service.signUp();
    const other = await anotherSession(user);
    const cursor = await cursorOf(service);
    const changed = await postJson(
      `${service.url}/api/auth/change-password`,
      {
        currentPassword: user.password,
        newPassword: `pw-${randomBytes(12).toString('base64url')}`,
        revokeOtherSessions: true,
      },
      bearer(user.sessionToken),
    );
    expect(changed.status).toBe(200);
    // Better Auth replaces the caller's session too: both old sessions end.
    expect(sids(await revokedAfter(service, cursor))).toEqual(expect.arrayContaining([other.sid]));
  });

  it("records every session of a deleted user, through Better Auth's adapter or raw SQL", async () => {
    const ada = await service.signUp();
    const adaOther = await anotherSession(ada);
    let cursor = await cursorOf(service);
    const context = await service.service.auth.$context;
    await context.internalAdapter.deleteUser(ada.userId);
    expect(sids(await revokedAfter(service, cursor))).toEqual([sidOf(ada.jwt), adaOther.sid].sort());

    // ON DELETE CASCADE removes the sessions; the trigger still sees each row.
    const bob = await service.signUp();
    cursor = await cursorOf(service);
    await service.service.database.db.execute(sql`delete from "user" where id = ${bob.userId}`);
    expect(sids(await revokedAfter(service, cursor))).toEqual([sidOf(bob.jwt)]);
  });

  it('records a session row deleted by any other path, or ended by moving its expiry to now', async () => {
    const user = await service.signUp();
    const other = await anotherSession(user);
    let cursor = await cursorOf(service);
    await service.service.database.db.execute(sql`delete from session where id = ${other.sid}`);
    expect(sids(await revokedAfter(service, cursor))).toEqual([other.sid]);

    cursor = await cursorOf(service);
    await service.service.database.db.execute(sql`update session set expires_at = now() where id = ${sidOf(user.jwt)}`);
    expect(sids(await revokedAfter(service, cursor))).toEqual([sidOf(user.jwt)]);
  });

  it('does not record the clean-up of a session that had already expired', async () => {
    const user = await service.signUp();
    const expiredId = `expired-${randomUUID()}`;
    await service.service.database.db.execute(sql`
      insert into session (id, expires_at, token, updated_at, user_id)
      values (${expiredId}, now() - interval '1 minute', ${randomUUID()}, now(), ${user.userId})`);
    await service.service.database.db.execute(sql`delete from session where id = ${expiredId}`);
    // A later revocation arrives alone: the expired session was never recorded before it.
    const cursor = await cursorOf(service);
    await postJson(`${service.url}/api/auth/sign-out`, {}, bearer(user.sessionToken));
    expect(sids(await revokedAfter(service, cursor))).toEqual([sidOf(user.jwt)]);
    expect(sids((await body(await revocations(service))).revocations)).not.toContain(expiredId);
  });

  it('records a revoked OAuth client as { client_id }, once', async () => {
    const { clientId } = await service.createClient({ scopes: ['tasks:read'] });
    const store = createOAuthClientStore(service.service.database.db);
    const cursor = await cursorOf(service);
    await store.revoke(clientId);
    const entries = await revokedAfter(service, cursor);
    expect(entries).toEqual([expect.objectContaining({ client_id: clientId })]);
    // Revoking again, or deleting the revoked client's row, adds nothing.
    const next = await cursorOf(service);
    await store.revoke(clientId);
    await service.service.database.db.execute(sql`delete from oauth_client where client_id = ${clientId}`);
    expect((await body(await revocations(service, `?after=${next}&wait=1`))).revocations).toEqual([]);
  });

  it('answers 304 to a follower whose ETag is current, and 200 with a new one after a change', async () => {
    const first = await revocations(service);
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toBe(`"${(await body(first)).cursor}"`);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    const unchanged = await revocations(service, '', { 'if-none-match': etag });
    expect(unchanged.status).toBe(304);
    expect(await unchanged.text()).toBe('');

    const user = await service.signUp();
    await postJson(`${service.url}/api/auth/sign-out`, {}, bearer(user.sessionToken));
    await revokedAfter(service, etag.slice(1, -1));
    const changed = await revocations(service, '', { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(sids((await body(changed)).revocations)).toContain(sidOf(user.jwt));
  });

  it("answers the whole list to a cursor that is not this process's", async () => {
    const whole = await body(await revocations(service));
    const answer = await body(await revocations(service, '?after=someone-else.42&wait=30'));
    expect(answer).toEqual({ ...whole, complete: true });
  });

  it('answers an empty change with the same cursor when the wait is over', async () => {
    const cursor = await cursorOf(service);
    expect(await body(await revocations(service, `?after=${cursor}&wait=1`))).toEqual({
      cursor,
      complete: false,
      revocations: [],
    });
  });

  it('refuses a wait out of range or an unknown parameter with problem+json', async () => {
    for (const query of ['?after=x&wait=61', '?after=x&wait=-1', '?after=x&wait=soon', '?since=1']) {
      const answer = await revocations(service, query);
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('is public, and described in /openapi.json', async () => {
    expect((await revocations(service)).status).toBe(200);
    const document = (await (await nativeFetch(`${service.url}/openapi.json`)).json()) as {
      paths: Record<string, { get?: { security?: unknown } }>;
    };
    expect(document.paths['/api/auth/revocations']?.get?.security).toEqual([]);
  });
});

describe.runIf(databaseTargets.includes('postgres'))('two auth replicas on one Postgres database', () => {
  let database: TestDatabase;
  let replicaA: TestAuthService;
  let replicaB: TestAuthService;

  beforeAll(async () => {
    database = await createTestDatabase();
    // Replicas share BETTER_AUTH_SECRET: it encrypts the signing keys both of them use.
    const env = { AUTH_DATABASE_URL: database.url, BETTER_AUTH_SECRET: randomBytes(32).toString('base64url') };
    replicaA = await startTestAuthService(env);
    replicaB = await startTestAuthService(env);
  });
  afterAll(async () => {
    await replicaA?.close();
    await replicaB?.close();
    await database?.drop();
  });

  it('delivers a sign-out on replica A to a follower of replica B', async () => {
    const user = await replicaA.signUp();
    const cursor = await cursorOf(replicaB);
    const following = revokedAfter(replicaB, cursor);
    await postJson(`${replicaA.url}/api/auth/sign-out`, {}, { authorization: `Bearer ${user.sessionToken}` });
    expect(sids(await following)).toEqual([sidOf(user.jwt)]);
  });

  it("answers a cursor of replica A on replica B with B's whole list", async () => {
    const answer = await body(await revocations(replicaB, `?after=${encodeURIComponent(await cursorOf(replicaA))}`));
    expect(answer.complete).toBe(true);
  });
});
