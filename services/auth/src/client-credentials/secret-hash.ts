import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Bytes of randomness in a client secret: 256 bits. */
const CLIENT_SECRET_BYTES = 32;

/** A fresh client secret: 32 random bytes, base64url (43 characters). Shown once, never stored. */
export function generateClientSecret(): string {
  return randomBytes(CLIENT_SECRET_BYTES).toString('base64url');
}

/**
 * Hex SHA-256 of a client secret, which is what `oauth_client.secret_hash` stores.
 *
 * Why not bcrypt/scrypt/argon2: slow hashes exist to make guessing low-entropy *passwords* expensive after a
 * database leak. These secrets are 256 bits from the CSPRNG, so there is nothing to guess: inverting SHA-256
 * of a uniformly random 256-bit value is infeasible at any hashing speed. A fast hash also keeps the token
 * endpoint cheap (no CPU-bound work an unauthenticated caller could trigger at will).
 */
export function hashClientSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * Whether `secret` hashes to `storedHash`, compared in constant time. Comparing digests (fixed length)
 * rather than secrets means the comparison time says nothing about the secret's length or prefix.
 */
export function clientSecretMatches(secret: string, storedHash: string): boolean {
  const actual = Buffer.from(hashClientSecret(secret), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  if (expected.length !== actual.length) return false;
  return timingSafeEqual(actual, expected);
}

/**
 * A hash no secret matches in practice, compared when the client does not exist, so that an unknown
 * `client_id` costs the same work as a wrong secret and answers identically.
 */
export const UNKNOWN_CLIENT_HASH = hashClientSecret(randomBytes(CLIENT_SECRET_BYTES).toString('base64url'));
