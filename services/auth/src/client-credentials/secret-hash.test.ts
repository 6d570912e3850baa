import { describe, expect, it } from 'vitest';
import { clientSecretMatches, generateClientSecret, hashClientSecret, UNKNOWN_CLIENT_HASH } from './secret-hash.ts';

describe('client secrets', () => {
  it('are 32 random bytes in base64url, never twice the same', () => {
    const secrets = new Set(Array.from({ length: 100 }, generateClientSecret));
    expect(secrets.size).toBe(100);
    for (const secret of secrets) expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
  });

  it('are stored as their hex SHA-256', () => {
    // SHA-256("abc") from FIPS 180-2, appendix B.1.
    expect(hashClientSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('match only their own hash', () => {
    const secret = generateClientSecret();
    const stored = hashClientSecret(secret);
    expect(clientSecretMatches(secret, stored)).toBe(true);
    expect(clientSecretMatches(`${secret}x`, stored)).toBe(false);
    expect(clientSecretMatches('', stored)).toBe(false);
    expect(clientSecretMatches(secret, UNKNOWN_CLIENT_HASH)).toBe(false);
    expect(clientSecretMatches(secret, 'not-a-hash')).toBe(false);
  });
});
