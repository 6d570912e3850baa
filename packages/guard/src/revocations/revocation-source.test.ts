import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RevocationServer } from '../../test/support.ts';
import {
  audience,
  generateTestKey,
  hmacToken,
  issuer,
  outcome,
  secret,
  signToken,
  startRevocationServer,
  userClaims,
} from '../../test/support.ts';
import { bearerAuth } from '../middleware/bearer-auth/index.ts';
import type { VerifierOptions } from '../options.ts';
import type { Verifier } from '../verifier.ts';
import { createVerifier } from '../verifier.ts';

// Real HTTP on an ephemeral port, with the issuer's protocol (test/revocation-server.ts). Timers are real: the
// follower's long polls and retries run as in production, and tests wait for outcomes, never for durations.
const key = generateTestKey('EdDSA', 'key-1');

let server: RevocationServer;
let verifier: Verifier | undefined;
let errors: string[];

function followingVerifier(overrides: Partial<VerifierOptions> = {}): Verifier {
  verifier = createVerifier({
    issuer,
    audience,
    algorithms: ['EdDSA'],
    keys: [key.jwk],
    cache: false,
    revocations: {
      url: server.url,
      wait: 5,
      retryMin: 20,
      retryMax: 100,
      onError: (error) => errors.push(error.message),
    },
    ...overrides,
  });
  return verifier;
}

/** A user token for a fresh session, and that session's id. */
function sessionToken(): { sid: string; token: string } {
  const sid = randomUUID();
  return { sid, token: signToken(key, userClaims({ sid })) };
}

beforeEach(async () => {
  errors = [];
  server = await startRevocationServer();
});

afterEach(async () => {
  verifier?.close();
  verifier = undefined;
  await server.close();
});

describe('following the revocation list', () => {
  it('loads the whole list at start, then refuses a listed session with token_revoked', async () => {
    const revoked = sessionToken();
    await server.close();
    server = await startRevocationServer([{ sid: revoked.sid, revoked_at: 0, expires_at: Date.now() / 1000 + 600 }]);
    const guard = followingVerifier();
    await guard.revocations?.ready();
    expect(server.requests[0]).toBe('/api/auth/revocations');
    expect(await outcome(guard.verify(revoked.token))).toBe('token_revoked');
    expect(await outcome(guard.verify(sessionToken().token))).toBe('ok');
    expect(guard.revocations?.size()).toBe(1);
  });

  it('follows with one long poll for the whole process, never a call per request', async () => {
    const guard = followingVerifier();
    await guard.revocations?.ready();
    await vi.waitFor(() => expect(server.waiting).toBe(1));
    const tokens = Array.from({ length: 200 }, () => sessionToken().token);
    expect(new Set(await Promise.all(tokens.map((token) => outcome(guard.verify(token)))))).toEqual(new Set(['ok']));
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]).toMatch(/^\/api\/auth\/revocations\?after=[^&]+&wait=5$/);
  });

  it('refuses a session as soon as the issuer publishes it', async () => {
    const guard = followingVerifier();
    await guard.revocations?.ready();
    const { sid, token } = sessionToken();
    expect(await outcome(guard.verify(token))).toBe('ok');
    await vi.waitFor(() => expect(server.waiting).toBe(1));
    server.publish(server.sessionEntry(sid));
    await vi.waitFor(async () => expect(await outcome(guard.verify(token))).toBe('token_revoked'));
    // The long poll that brought it was answered, and the next one is already waiting.
    await vi.waitFor(() => expect(server.waiting).toBe(1));
  });

  it('refuses a token served from the verified-token cache once its session is revoked', async () => {
    const guard = followingVerifier({ cache: {} });
    await guard.revocations?.ready();
    const { sid, token } = sessionToken();
    expect(await outcome(guard.verify(token))).toBe('ok');
    expect(await outcome(guard.verify(token))).toBe('ok'); // now a cache hit
    await vi.waitFor(() => expect(server.waiting).toBe(1));
    server.publish(server.sessionEntry(sid));
    await vi.waitFor(async () => expect(await outcome(guard.verify(token))).toBe('token_revoked'));
  });

  it("refuses a revoked client's service tokens, cached or not", async () => {
    const guard = followingVerifier({ cache: {} });
    await guard.revocations?.ready();
    const clientId = randomUUID();
    const serviceClaims = userClaims({
      sub: `client:${clientId}`,
      client_id: clientId,
      user_id: undefined,
      scope: 'tasks:read',
    });
    const token = signToken(key, serviceClaims);
    expect(await outcome(guard.verify(token))).toBe('ok');
    // A user token whose sid happens to equal the client id is a different thing, and stays valid.
    const lookalike = signToken(key, userClaims({ sid: clientId }));
    await vi.waitFor(() => expect(server.waiting).toBe(1));
    const now = Math.floor(Date.now() / 1000);
    server.publish({ client_id: clientId, revoked_at: now, expires_at: now + 330 });
    await vi.waitFor(async () => expect(await outcome(guard.verify(token))).toBe('token_revoked'));
    expect(await outcome(guard.verify(lookalike))).toBe('ok');
  });

  it('works the same in shared-secret mode', async () => {
    const guard = followingVerifier({ keys: undefined, algorithms: undefined, secret });
    await guard.revocations?.ready();
    const sid = randomUUID();
    const token = hmacToken(secret, userClaims({ sid }));
    expect(await outcome(guard.verify(token))).toBe('ok');
    await vi.waitFor(() => expect(server.waiting).toBe(1));
    server.publish(server.sessionEntry(sid));
    await vi.waitFor(async () => expect(await outcome(guard.verify(token))).toBe('token_revoked'));
  });

  it('ignores malformed entries with a log line, and keeps the good ones of the same answer', async () => {
    const guard = followingVerifier();
    await guard.revocations?.ready();
    const { sid, token } = sessionToken();
    const later = Math.floor(Date.now() / 1000) + 600;
    await vi.waitFor(() => expect(server.waiting).toBe(1));
    server.publish(
      'a string',
      null,
      { sid: 42, expires_at: later },
      { sid: 'x', client_id: 'y', expires_at: later },
      { sid: 'no expiry' },
      { sid: 'x'.repeat(10_000), expires_at: later },
      server.sessionEntry(sid),
    );
    await vi.waitFor(async () => expect(await outcome(guard.verify(token))).toBe('token_revoked'));
    expect(errors).toEqual(['ignored 6 malformed revocation entries']);
    expect(guard.revocations?.size()).toBe(1);
  });

  it('drops an entry once no token it could refuse is valid any more', async () => {
    const guard = followingVerifier();
    await guard.revocations?.ready();
    const { sid, token } = sessionToken();
    await vi.waitFor(() => expect(server.waiting).toBe(1));
    server.publish({ sid, revoked_at: 1, expires_at: Math.floor(Date.now() / 1000) - 1 });
    await vi.waitFor(() => expect(server.requests.length).toBeGreaterThanOrEqual(3));
    expect(await outcome(guard.verify(token))).toBe('ok');
    expect(guard.revocations?.size()).toBe(0);
  });

  it('handles a list of 100,000 entries', async () => {
    const later = Math.floor(Date.now() / 1000) + 600;
    const entries = Array.from({ length: 100_000 }, (_, i) => ({
      sid: `session-${i}`,
      revoked_at: later - 600,
      expires_at: later,
    }));
    await server.close();
    server = await startRevocationServer(entries);
    const guard = followingVerifier({ cache: {} });
    await guard.revocations?.ready();
    expect(guard.revocations?.size()).toBe(100_000);
    expect(await outcome(guard.verify(signToken(key, userClaims({ sid: 'session-99999' }))))).toBe('token_revoked');
    expect(await outcome(guard.verify(signToken(key, userClaims({ sid: 'session-100000' }))))).toBe('ok');
  });

  it('refuses an answer over maxBytes and keeps the list it has', async () => {
    const { sid, token } = sessionToken();
    await server.close();
    server = await startRevocationServer([server.sessionEntry(sid)]);
    const guard = followingVerifier({
      revocations: {
        url: server.url,
        wait: 5,
        retryMin: 20,
        retryMax: 100,
        maxBytes: 4096,
        onError: (e) => errors.push(e.message),
      },
    });
    await guard.revocations?.ready();
    await vi.waitFor(() => expect(server.waiting).toBe(1));
    server.publish(...Array.from({ length: 100 }, () => server.sessionEntry(randomUUID())));
    await vi.waitFor(() => expect(errors).toContain('revocation list answer is too large'));
    expect(await outcome(guard.verify(token))).toBe('token_revoked');
  });
});

describe('while the issuer is unreachable', () => {
  it.each(['down', 'error500', 'garbage'] as const)(
    'keeps the last list in force and retries with backoff (%s)',
    async (mode) => {
      const guard = followingVerifier();
      const { sid, token } = sessionToken();
      await guard.revocations?.ready();
      await vi.waitFor(() => expect(server.waiting).toBe(1));
      server.publish(server.sessionEntry(sid));
      await vi.waitFor(async () => expect(await outcome(guard.verify(token))).toBe('token_revoked'));

      server.mode = mode;
      const before = server.requests.length;
      await vi.waitFor(() => expect(server.requests.length).toBeGreaterThanOrEqual(before + 3));
      // One log line for the outage, not one per retry.
      expect(errors).toHaveLength(1);
      expect(await outcome(guard.verify(token))).toBe('token_revoked');
      expect(await outcome(guard.verify(sessionToken().token))).toBe('ok');
      expect(await outcome(guard.revocations!.ready())).toBe('ok');

      // Back: the follower starts over with the whole list and picks up what was published meanwhile.
      const next = sessionToken();
      server.mode = 'ok';
      server.publish(server.sessionEntry(next.sid));
      await vi.waitFor(async () => expect(await outcome(guard.verify(next.token))).toBe('token_revoked'));
    },
  );

  it("reports the list's age: the time since the issuer last answered", async () => {
    const guard = followingVerifier();
    await guard.revocations?.ready();
    expect(guard.revocations?.age()).toBeGreaterThanOrEqual(0);
    server.mode = 'down';
    const ageAtOutage = guard.revocations?.age() ?? 0;
    await vi.waitFor(() => expect(guard.revocations?.age()).toBeGreaterThan(ageAtOutage + 200));
  });

  it('fails closed with revocations_unavailable until the list has loaded once', async () => {
    server.mode = 'error500';
    const guard = followingVerifier();
    const { token } = sessionToken();
    expect(await outcome(guard.verify(token))).toBe('revocations_unavailable');
    expect(await outcome(guard.revocations!.ready())).toBe('revocations_unavailable');
    expect(guard.revocations?.age()).toBeUndefined();
    server.mode = 'ok';
    await vi.waitFor(async () => expect(await outcome(guard.verify(token))).toBe('ok'));
  });
});

describe('bearerAuth with a followed list', () => {
  function app(guard: Verifier) {
    return new Hono().use('/v1/*', bearerAuth({ verifier: guard })).get('/v1/me', (c) => c.text('ok'));
  }

  it('answers a revoked token with 401 invalid_token, reason token_revoked', async () => {
    const guard = followingVerifier();
    await guard.revocations?.ready();
    const { sid, token } = sessionToken();
    await vi.waitFor(() => expect(server.waiting).toBe(1));
    server.publish(server.sessionEntry(sid));
    await vi.waitFor(async () => expect(await outcome(guard.verify(token))).toBe('token_revoked'));
    const response = await app(guard).request('/v1/me', { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      'Bearer realm="tessera", error="invalid_token", error_description="The token has been revoked"',
    );
    expect(await response.json()).toMatchObject({ code: 'invalid_token', reason: 'token_revoked' });
  });

  it('answers 503 revocations_unavailable with Retry-After before the list has loaded', async () => {
    server.mode = 'down';
    const guard = followingVerifier();
    const response = await app(guard).request('/v1/me', {
      headers: { authorization: `Bearer ${sessionToken().token}` },
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toMatchObject({ code: 'revocations_unavailable' });
  });
});
