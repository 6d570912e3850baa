import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { audience, generateTestKey, hmacToken, issuer, outcome, secret, userClaims } from '../test/support.ts';
import type { VerifierOptions } from './options.ts';
import { createVerifier } from './verifier.ts';

const key = generateTestKey('EdDSA');
const base: VerifierOptions = { issuer, audience, algorithms: ['EdDSA'], keys: [key.jwk] };

function configError(options: unknown) {
  return () => createVerifier(options as VerifierOptions);
}
const invalid = expect.objectContaining({ code: 'guard_config_invalid' });

describe('createVerifier options, checked at start', () => {
  it('accepts a sound configuration', () => {
    expect(() => createVerifier(base)).not.toThrow();
  });

  it.each([
    ['no issuer', { ...base, issuer: '' }],
    ['no audience', { ...base, audience: [] }],
    ['an empty audience', { ...base, audience: '' }],
    ['no key source', { issuer, audience, algorithms: ['EdDSA'] }],
    ['two key sources', { ...base, secret }],
    ['no algorithms with keys', { issuer, audience, keys: [key.jwk] }],
    ['an empty allowlist', { ...base, algorithms: [] }],
    ['alg none', { ...base, algorithms: ['none'] }],
    ['an unknown alg', { ...base, algorithms: ['EdDSA', 'ES256K'] }],
    ['a lower-case alg', { ...base, algorithms: ['eddsa'] }],
    ['HS256 with public keys', { ...base, algorithms: ['HS256'] }],
    ['a negative clockTolerance', { ...base, clockTolerance: -1 }],
    ['a NaN clockTolerance', { ...base, clockTolerance: Number.NaN }],
    ['a fractional maxTokenBytes', { ...base, maxTokenBytes: 100.5 }],
    ['a zero cache max', { ...base, cache: { max: 0 } }],
    ['a relative JWKS url', { issuer, audience, algorithms: ['EdDSA'], jwks: { url: '/jwks' } }],
    ['a file: JWKS url', { issuer, audience, algorithms: ['EdDSA'], jwks: { url: 'file:///etc/passwd' } }],
    [
      'maxStale below maxAge',
      { issuer, audience, algorithms: ['EdDSA'], jwks: { url: 'http://a.test/jwks', maxAge: 10, maxStale: 5 } },
    ],
    ['an empty key list', { ...base, keys: [] }],
    ['an unusable static key', { ...base, keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'short' }] }],
    ['a static oct key', { ...base, keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }],
    ['a static key for encryption (use: enc)', { ...base, keys: [{ ...key.jwk, use: 'enc' }] }],
    ['a static key without verify in key_ops', { ...base, keys: [{ ...key.jwk, key_ops: ['encrypt'] }] }],
    [
      'a static key whose alg does not fit its type',
      { ...base, algorithms: ['EdDSA', 'ES256'], keys: [{ ...key.jwk, alg: 'ES256' }] },
    ],
    ['a static key outside the allowlist', { ...base, keys: [generateTestKey('ES256').jwk] }],
    ['a 1024-bit RSA key', { ...base, algorithms: ['RS256'], keys: [{ kty: 'RSA', ...smallRsa() }] }],
    ['requiredClaims that are not names', { ...base, requiredClaims: [''] }],
  ])('refuses %s', (_what, options) => {
    expect(configError(options)).toThrow(invalid);
  });

  describe('secret mode', () => {
    it('refuses an empty secret', () => {
      expect(configError({ issuer, audience, secret: '' })).toThrow(invalid);
    });

    it('refuses a secret shorter than 32 bytes', () => {
      expect(configError({ issuer, audience, secret: 'x'.repeat(31) })).toThrow(invalid);
      expect(configError({ issuer, audience, secret: new Uint8Array(31) })).toThrow(invalid);
      expect(() => createVerifier({ issuer, audience, secret: 'x'.repeat(32) })).not.toThrow();
    });

    it.each(['EdDSA', 'ES256', 'RS256', 'PS256'])('refuses a secret paired with %s', (alg) => {
      expect(configError({ issuer, audience, secret, algorithms: [alg] })).toThrow(invalid);
      expect(configError({ issuer, audience, secret, algorithms: ['HS256', alg] })).toThrow(invalid);
    });

    it('defaults to HS256 only', async () => {
      const verifier = createVerifier({ issuer, audience, secret, cache: false });
      expect(await outcome(verifier.verify(hmacToken(secret)))).toBe('ok');
      // Refused on its header alone: were HS384 allowed, this (SHA-256-signed) token would fail its signature instead.
      expect(await outcome(verifier.verify(hmacToken(secret, userClaims(), { alg: 'HS384', typ: 'JWT' })))).toBe(
        'alg_not_allowed',
      );
    });
  });
});

function smallRsa() {
  const { n, e } = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
  return { n, e };
}
