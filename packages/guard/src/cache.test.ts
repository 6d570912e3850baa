import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  audience,
  generateTestKey,
  issuer,
  nowSeconds,
  outcome,
  signToken,
  startJwksServer,
  userClaims,
} from '../test/support.ts';
import { VerifiedTokenCache } from './cache.ts';
import type { VerifierOptions } from './options.ts';
import { createVerifier } from './verifier.ts';

const key = generateTestKey('EdDSA');

function cachedVerifier(cache: VerifierOptions['cache'] = {}) {
  return createVerifier({ issuer, audience, algorithms: ['EdDSA'], keys: [key.jwk], cache });
}

/** A verifier on a JWKS server that serves `key` (refetch cooldown 1 s), both closed after `use`. */
async function withJwksVerifier(
  use: (
    server: Awaited<ReturnType<typeof startJwksServer>>,
    verifier: ReturnType<typeof createVerifier>,
  ) => Promise<void>,
) {
  const server = await startJwksServer([key.jwk]);
  const verifier = createVerifier({
    issuer,
    audience,
    algorithms: ['EdDSA'],
    jwks: { url: server.url, cooldown: 1_000 },
  });
  try {
    await verifier.ready();
    await use(server, verifier);
  } finally {
    verifier.close();
    await server.close();
  }
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-06-01T12:00:00Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

describe('verified-token cache', () => {
  it('is keyed by the SHA-256 of the whole token', () => {
    const token = signToken(key);
    expect(VerifiedTokenCache.keyOf(token)).toBe(createHash('sha256').update(token).digest('base64url'));
  });

  it('never lets a cached token vouch for the same header and payload under another signature', async () => {
    const verifier = cachedVerifier();
    const token = signToken(key);
    await verifier.verify(token);
    const [head, payload, signature] = token.split('.') as [string, string, string];
    const altered = Buffer.from(signature, 'base64url');
    altered[0] = (altered[0] ?? 0) ^ 0x01;
    expect(await outcome(verifier.verify(`${head}.${payload}.${altered.toString('base64url')}`))).toBe(
      'signature_invalid',
    );
    expect(await outcome(verifier.verify(`${head}.${payload}.`))).toBe('signature_invalid');
  });

  it('answers a repeated token from the cache (the very same principal)', async () => {
    const verifier = cachedVerifier();
    const token = signToken(key);
    const first = await verifier.verify(token);
    expect(await verifier.verify(token)).toBe(first);
  });

  it('gives a cached principal equal to a fresh one', async () => {
    const token = signToken(key, userClaims({ scope: 'a b', sid: 's-1' }));
    const cached = cachedVerifier();
    await cached.verify(token);
    const hit = await cached.verify(token);
    const fresh = await cachedVerifier(false).verify(token);
    expect(hit).toEqual(fresh);
    expect(hit.scopes).toEqual(fresh.scopes);
  });

  it("never lets an entry outlive the token's exp", async () => {
    const verifier = cachedVerifier({ maxTtl: 3_600_000 });
    const token = signToken(key, userClaims({ exp: nowSeconds() + 60 }));
    const first = await verifier.verify(token);
    vi.setSystemTime(Date.now() + 59_000);
    expect(await verifier.verify(token)).toBe(first);
    // 10 s past exp: still inside the 30 s tolerance, so a fresh verification passes, but not from the cache.
    vi.setSystemTime(Date.now() + 11_000);
    const after = await verifier.verify(token);
    expect(after).not.toBe(first);
    vi.setSystemTime(Date.now() + 60_000);
    expect(await outcome(verifier.verify(token))).toBe('token_expired');
  });

  it('never keeps an entry longer than maxTtl', async () => {
    const verifier = cachedVerifier({ maxTtl: 5_000 });
    const token = signToken(key);
    const first = await verifier.verify(token);
    vi.setSystemTime(Date.now() + 4_000);
    expect(await verifier.verify(token)).toBe(first);
    vi.setSystemTime(Date.now() + 2_000);
    expect(await verifier.verify(token)).not.toBe(first);
  });

  it('is an LRU bounded by max', async () => {
    const verifier = cachedVerifier({ max: 2 });
    const [t1, t2, t3] = [1, 2, 3].map((n) => signToken(key, userClaims({ n })));
    const p1 = await verifier.verify(t1!);
    const p2 = await verifier.verify(t2!);
    expect(await verifier.verify(t1!)).toBe(p1); // t1 is now the most recently used
    await verifier.verify(t3!); // evicts t2
    expect(await verifier.verify(t1!)).toBe(p1);
    expect(await verifier.verify(t2!)).not.toBe(p2);

    const cache = new VerifiedTokenCache({ max: 3, maxTtl: 60_000 });
    for (let i = 0; i < 100; i++) cache.set(`k${i}`, p1, nowSeconds() + 600);
    expect(cache.size).toBe(3);
  });

  it('never caches a failure', async () => {
    const verifier = cachedVerifier();
    const early = signToken(key, userClaims({ nbf: nowSeconds() + 120 }));
    expect(await outcome(verifier.verify(early))).toBe('token_not_yet_valid');
    vi.setSystemTime(Date.now() + 120_000);
    expect(await outcome(verifier.verify(early))).toBe('ok');
  });

  it('never caches an unknown kid: the key can arrive later', async () => {
    const late = generateTestKey('EdDSA', 'late');
    await withJwksVerifier(async (server, verifier) => {
      const token = signToken(late);
      expect(await outcome(verifier.verify(token))).toBe('key_not_found');
      server.keys = [key.jwk, late.jwk];
      vi.setSystemTime(Date.now() + 1_001);
      expect(await outcome(verifier.verify(token))).toBe('ok');
    });
  });

  it('keeps its entries when a refetch brings back the same key set', async () => {
    await withJwksVerifier(async (server, verifier) => {
      const token = signToken(key);
      const first = await verifier.verify(token);
      vi.setSystemTime(Date.now() + 1_001);
      // An unknown kid causes a refetch; the answer is unchanged, so unknown kids cannot flush the cache.
      expect(await outcome(verifier.verify(signToken(generateTestKey('EdDSA', 'unknown'))))).toBe('key_not_found');
      expect(server.requests).toHaveLength(2);
      expect(await verifier.verify(token)).toBe(first);
    });
  });

  it('forgets every entry when the key set changes', async () => {
    await withJwksVerifier(async (server, verifier) => {
      const token = signToken(key);
      await verifier.verify(token);
      server.keys = [generateTestKey('EdDSA', 'replacement').jwk];
      vi.setSystemTime(Date.now() + 1_001);
      expect(await outcome(verifier.verify(signToken(generateTestKey('EdDSA', 'unknown'))))).toBe('key_not_found');
      // The refetch dropped `key`, and with it the cached verification of `token`.
      expect(await outcome(verifier.verify(token))).toBe('key_not_found');
    });
  });
});
