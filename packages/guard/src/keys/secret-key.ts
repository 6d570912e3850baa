import { createSecretKey } from 'node:crypto';
import type { Algorithm } from '../algorithms.ts';
import { createSignatureCheck } from '../algorithms.ts';
import { GuardConfigError } from '../errors.ts';
import type { KeySource, VerificationKey } from './verification-key.ts';

/** The shortest shared secret accepted: HS256 needs at least 256 bits of key (RFC 7518 §3.2). */
export const minSecretBytes = 32;

/**
 * A shared HMAC secret. This source holds nothing else, so no public key can ever reach an HMAC check;
 * and a secret that is itself a public key (PEM or JWK JSON) is refused, since it would not be secret.
 */
export function createSecretKeySource(secret: string | Uint8Array, algorithms: readonly Algorithm[]): KeySource {
  if (typeof secret !== 'string' && !(secret instanceof Uint8Array))
    throw new GuardConfigError('secret must be a string or bytes');
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  if (bytes.length < minSecretBytes) {
    throw new GuardConfigError(`secret must be at least ${minSecretBytes} bytes (got ${bytes.length})`);
  }
  if (looksLikeAKey(bytes.toString('latin1'))) {
    throw new GuardConfigError('secret looks like a key in PEM or JWK form; use a random shared secret');
  }
  const key = createSecretKey(bytes);
  // A kid means nothing in secret mode: there is one secret, so every token is checked against it.
  const keys: readonly VerificationKey[] = algorithms.map((alg) => ({
    kid: undefined,
    alg,
    check: createSignatureCheck(alg, key),
  }));
  return {
    lookup: () => keys,
    refresh: async () => keys,
    ready: async () => {},
    onChange: () => {},
    close: () => {},
  };
}

/** A PEM block or a JWK/JWKS in JSON: public material someone put where the secret belongs. */
function looksLikeAKey(text: string): boolean {
  if (text.includes('-----BEGIN')) return true;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && ('kty' in parsed || 'keys' in parsed);
  } catch {
    return false;
  }
}
