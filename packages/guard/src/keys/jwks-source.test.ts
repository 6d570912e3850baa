import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JwksMode, JwksServer } from '../../test/support.ts';
import { audience, generateTestKey, issuer, outcome, signToken, startJwksServer } from '../../test/support.ts';
import type { Verifier } from '../verifier.ts';
import { createVerifier } from '../verifier.ts';

// Real HTTP on an ephemeral port; only `Date` is faked, so cooldowns and ages move when the test says so
// while sockets and fetch timeouts run on real time.
const cooldown = 30_000;
const maxAge = 60_000;
const maxStale = 600_000;

const current = generateTestKey('EdDSA', 'key-2026-06');
const next = generateTestKey('EdDSA', 'key-2026-07');

let server: JwksServer;
let verifier: Verifier | undefined;

function jwksVerifier(overrides: { timeout?: number } = {}): Verifier {
  verifier = createVerifier({
    issuer,
    audience,
    algorithms: ['EdDSA', 'ES256'],
    jwks: { url: server.url, cooldown, maxAge, maxStale, timeout: overrides.timeout ?? 2_000 },
    cache: false,
  });
  return verifier;
}

function advance(ms: number) {
  vi.setSystemTime(Date.now() + ms);
}

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-06-01T12:00:00Z'));
  server = await startJwksServer([current.jwk]);
});

afterEach(async () => {
  verifier?.close();
  verifier = undefined;
  await server.close();
  vi.useRealTimers();
});

describe('JWKS key source', () => {
  it('fetches the key set at start and keeps it in memory', async () => {
    const guard = jwksVerifier();
    await guard.ready();
    expect(server.requests).toEqual(['/jwks']);
    for (let i = 0; i < 50; i++) expect(await outcome(guard.verify(signToken(current)))).toBe('ok');
    expect(server.requests).toHaveLength(1);
  });

  it('answers readiness from memory while the keys are usable', async () => {
    const guard = jwksVerifier();
    await guard.ready();
    advance(cooldown + 1);
    for (let i = 0; i < 3; i++) expect(await outcome(guard.ready())).toBe('ok');
    expect(server.requests).toHaveLength(1);
  });

  it('refetches for an unknown kid at most once per cooldown', async () => {
    const guard = jwksVerifier();
    await guard.ready();
    const stranger = generateTestKey('EdDSA', 'stranger');
    // Within the cooldown of the start-up fetch: no fetch.
    expect(await outcome(guard.verify(signToken(stranger)))).toBe('key_not_found');
    expect(server.requests).toHaveLength(1);
    advance(cooldown + 1);
    expect(await outcome(guard.verify(signToken(stranger)))).toBe('key_not_found');
    expect(server.requests).toHaveLength(2);
    expect(await outcome(guard.verify(signToken(stranger)))).toBe('key_not_found');
    advance(cooldown - 1_000);
    expect(await outcome(guard.verify(signToken(stranger)))).toBe('key_not_found');
    expect(server.requests).toHaveLength(2);
  });

  it('refuses a known kid under another alg without refetching', async () => {
    const guard = jwksVerifier();
    await guard.ready();
    advance(cooldown + 1);
    // ES256 is allowed, but the key under this kid is EdDSA: a mismatch, not a sign of rotation.
    const token = signToken(generateTestKey('ES256', current.kid));
    expect(await outcome(guard.verify(token))).toBe('alg_not_allowed');
    expect(server.requests).toHaveLength(1);
  });

  it('lets 1,000 tokens with random kids inside one cooldown cause at most one fetch, shared by all', async () => {
    const guard = jwksVerifier();
    await guard.ready();
    advance(cooldown + 1);
    const strangers = Array.from({ length: 8 }, () => generateTestKey('EdDSA'));
    const tokens = Array.from({ length: 1_000 }, (_, i) =>
      signToken(strangers[i % 8]!, undefined, { kid: randomUUID() }),
    );
    const outcomes = await Promise.all(tokens.map((token) => outcome(guard.verify(token))));
    expect(new Set(outcomes)).toEqual(new Set(['key_not_found']));
    expect(server.requests).toHaveLength(2);
  });

  it('makes concurrent callers wait for the one shared fetch', async () => {
    const guard = jwksVerifier();
    await guard.ready();
    server.keys = [current.jwk, next.jwk];
    advance(cooldown + 1);
    const outcomes = await Promise.all(Array.from({ length: 50 }, () => outcome(guard.verify(signToken(next)))));
    expect(new Set(outcomes)).toEqual(new Set(['ok']));
    expect(server.requests).toHaveLength(2);
  });

  it('picks up a rotated key', async () => {
    const guard = jwksVerifier();
    await guard.ready();
    server.keys = [next.jwk];
    advance(cooldown + 1);
    expect(await outcome(guard.verify(signToken(next)))).toBe('ok');
    expect(server.requests).toHaveLength(2);
    // The withdrawn key is gone with the old set.
    expect(await outcome(guard.verify(signToken(current)))).toBe('key_not_found');
  });

  it('refreshes in the background once the keys are older than maxAge, without blocking', async () => {
    const guard = jwksVerifier();
    await guard.ready();
    server.keys = [current.jwk, next.jwk];
    advance(maxAge + 1);
    expect(await outcome(guard.verify(signToken(current)))).toBe('ok');
    await vi.waitFor(() => expect(server.requests).toHaveLength(2));
    await vi.waitFor(async () => expect(await outcome(guard.verify(signToken(next)))).toBe('ok'));
    expect(server.requests).toHaveLength(2);
  });

  const failures: [string, JwksMode | 'stopped'][] = [
    ['is down (connection reset)', 'down'],
    ['is not listening', 'stopped'],
    ['answers 500', 'error500'],
    ['answers garbage', 'garbage'],
    ['answers an empty key set', 'empty'],
    ['answers too slowly', 'slow'],
  ];

  it.each(failures)('keeps the last good keys, up to maxStale, while the endpoint %s', async (_what, mode) => {
    const guard = jwksVerifier({ timeout: 300 });
    await guard.ready();
    if (mode === 'stopped') await server.close();
    else server.mode = mode;

    advance(maxAge + 1);
    expect(await outcome(guard.verify(signToken(current)))).toBe('ok'); // starts a background refresh, which fails
    advance(cooldown + 1);
    expect(await outcome(guard.verify(signToken(next)))).toBe('key_not_found'); // a refetch, which fails
    expect(await outcome(guard.verify(signToken(current)))).toBe('ok');

    advance(maxStale);
    expect(await outcome(guard.verify(signToken(current)))).toBe('keys_unavailable');
    if (mode !== 'stopped') expect(server.requests.length).toBeGreaterThanOrEqual(3);
  });

  it('fails closed with keys_unavailable when keys were never loaded', async () => {
    server.mode = 'error500';
    const guard = jwksVerifier();
    expect(await outcome(guard.ready())).toBe('keys_unavailable');
    const error = await guard.verify(signToken(current)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'keys_unavailable' });
    expect((error as { retryAfter: number }).retryAfter).toBeGreaterThanOrEqual(1);
    expect((error as { retryAfter: number }).retryAfter).toBeLessThanOrEqual(cooldown / 1000);
    expect(server.requests).toHaveLength(1);
  });

  it('recovers once the endpoint comes back, after the cooldown', async () => {
    server.mode = 'garbage';
    const guard = jwksVerifier();
    expect(await outcome(guard.ready())).toBe('keys_unavailable');
    server.mode = 'ok';
    expect(await outcome(guard.verify(signToken(current)))).toBe('keys_unavailable');
    advance(cooldown + 1);
    expect(await outcome(guard.verify(signToken(current)))).toBe('ok');
  });

  it('never takes a symmetric key from the key set', async () => {
    const hmac = { kty: 'oct', kid: 'shared', alg: 'HS256', k: Buffer.from('x'.repeat(32)).toString('base64url') };
    server.keys = [hmac, current.jwk];
    const guard = jwksVerifier();
    await guard.ready();
    expect(await outcome(guard.verify(signToken(current)))).toBe('ok');
    server.keys = [hmac];
    const onlyOct = createVerifier({
      issuer,
      audience,
      algorithms: ['EdDSA'],
      jwks: { url: server.url },
      cache: false,
    });
    expect(await outcome(onlyOct.ready())).toBe('keys_unavailable');
    onlyOct.close();
  });

  it('skips a key whose alg is outside the allowlist, or disagrees with its key type', async () => {
    const rsa = generateTestKey('RS256', 'rsa');
    const liar = { ...generateTestKey('EdDSA', 'liar').jwk, alg: 'ES256' };
    server.keys = [rsa.jwk, liar, current.jwk];
    const guard = jwksVerifier();
    await guard.ready();
    expect(await outcome(guard.verify(signToken(rsa)))).toBe('alg_not_allowed');
    // The OKP key that claims ES256 was dropped at import, so an ES256 token under its kid finds no key.
    expect(await outcome(guard.verify(signToken(generateTestKey('ES256', 'liar'))))).toBe('key_not_found');
    expect(await outcome(guard.verify(signToken(current)))).toBe('ok');
    // The RS256 token above is refused on its header alone; a set of nothing but such keys shows the skip.
    server.keys = [rsa.jwk];
    const onlyRsa = createVerifier({
      issuer,
      audience,
      algorithms: ['EdDSA'],
      jwks: { url: server.url },
      cache: false,
    });
    expect(await outcome(onlyRsa.ready())).toBe('keys_unavailable');
    onlyRsa.close();
  });
});
