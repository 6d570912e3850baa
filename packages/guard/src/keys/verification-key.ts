import type { JsonWebKey, KeyObject } from 'node:crypto';
import { createPublicKey } from 'node:crypto';
import type { Algorithm, SignatureCheck } from '../algorithms.ts';
import { algorithmCurve, algorithmFamily, createSignatureCheck, isAlgorithm } from '../algorithms.ts';

/** A key ready for the hot path: imported once into a `KeyObject`, bound to exactly one algorithm. */
export type VerificationKey = {
  readonly kid: string | undefined;
  readonly alg: Algorithm;
  readonly check: SignatureCheck;
};

/** Where a verifier finds the key for a token. */
export interface KeySource {
  /** The keys for a `kid` (or for tokens without one, under `undefined`), synchronously, from memory. */
  lookup(kid: string | undefined): readonly VerificationKey[] | undefined;
  /**
   * Called when `lookup` found nothing usable: may refetch (JWKS), then answers again.
   * Throws `GuardError('keys_unavailable')` when no keys can be had at all.
   */
  refresh(kid: string | undefined): Promise<readonly VerificationKey[] | undefined>;
  /** Resolves once keys are loaded; rejects with `keys_unavailable` if the first load failed. */
  ready(): Promise<void>;
  /** Subscribe to key-set changes (the verified-token cache is cleared on each). */
  onChange(listener: () => void): void;
  /** Stops background work. */
  close(): void;
}

/** The smallest RSA modulus accepted, RFC 7518 §3.3. */
const minRsaBits = 2048;

/**
 * Turns one public JWK into a verification key, or explains why it cannot be one.
 * The algorithm is the JWK's `alg` when present (it must fit the key type), otherwise it is inferred strictly:
 * Ed25519 → EdDSA, P-256/384/521 → ES256/384/512, RSA → the one RSA algorithm in the allowlist.
 * Symmetric (`oct`) keys are always refused: a JWKS never supplies an HMAC secret (RFC 8725 §3.1, §2.1).
 */
export function importPublicJwk(
  jwk: unknown,
  allowed: ReadonlySet<Algorithm>,
): { key: VerificationKey } | { problem: string } {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return { problem: 'not a JSON object' };
  const { kty, crv, alg, use, key_ops: keyOps, kid } = jwk as Record<string, unknown>;
  if (kid !== undefined && typeof kid !== 'string') return { problem: 'kid is not a string' };
  if (use !== undefined && use !== 'sig') return { problem: `use is not "sig"` };
  if (keyOps !== undefined && !(Array.isArray(keyOps) && keyOps.includes('verify'))) {
    return { problem: 'key_ops does not include "verify"' };
  }
  if (kty === 'oct') return { problem: 'symmetric keys are never accepted from a key set' };

  let chosen: Algorithm | undefined;
  if (alg !== undefined) {
    if (!isAlgorithm(alg)) return { problem: 'unsupported alg' };
    chosen = alg;
  } else if (kty === 'OKP' && crv === 'Ed25519') chosen = 'EdDSA';
  else if (kty === 'EC' && crv === 'P-256') chosen = 'ES256';
  else if (kty === 'EC' && crv === 'P-384') chosen = 'ES384';
  else if (kty === 'EC' && crv === 'P-521') chosen = 'ES512';
  else if (kty === 'RSA') {
    const rsa = [...allowed].filter((a) => algorithmFamily(a) === 'rsa');
    if (rsa.length !== 1)
      return { problem: 'RSA key without alg, and the allowlist does not name exactly one RSA algorithm' };
    chosen = rsa[0];
  }
  if (chosen === undefined) return { problem: 'unsupported key type' };
  if (!allowed.has(chosen)) return { problem: `alg ${chosen} is not in the allowlist` };

  const family = algorithmFamily(chosen);
  const expectedKty = family === 'okp' ? 'OKP' : family === 'ec' ? 'EC' : family === 'rsa' ? 'RSA' : 'oct';
  if (kty !== expectedKty) return { problem: `kty ${String(kty)} does not fit alg ${chosen}` };
  const curve = algorithmCurve(chosen);
  if (curve !== undefined && crv !== curve) return { problem: `crv ${String(crv)} does not fit alg ${chosen}` };

  // Import only the public members, so a JWKS that leaks a private key still yields a public key.
  const { n, e, x, y } = jwk as Record<string, unknown>;
  const members: JsonWebKey = kty === 'RSA' ? ({ kty, n, e } as JsonWebKey) : ({ kty, crv, x, y } as JsonWebKey);
  let keyObject: KeyObject;
  try {
    keyObject = createPublicKey({ key: members, format: 'jwk' });
  } catch {
    return { problem: 'key material is invalid' };
  }
  if (kty === 'RSA' && (keyObject.asymmetricKeyDetails?.modulusLength ?? 0) < minRsaBits) {
    return { problem: `RSA modulus shorter than ${minRsaBits} bits` };
  }
  return { key: { kid, alg: chosen, check: createSignatureCheck(chosen, keyObject) } };
}

/**
 * An immutable set of keys indexed by `kid` for an O(1) lookup on the hot path.
 * A token without a `kid` gets the keys that have none, or the only key when the set holds exactly one.
 */
export class KeySet {
  readonly #byKid = new Map<string, VerificationKey[]>();
  readonly #forTokensWithoutKid: VerificationKey[] | undefined;

  constructor(keys: readonly VerificationKey[]) {
    const withoutKid: VerificationKey[] = [];
    for (const key of keys) {
      if (key.kid === undefined) {
        withoutKid.push(key);
        continue;
      }
      const list = this.#byKid.get(key.kid);
      if (list) list.push(key);
      else this.#byKid.set(key.kid, [key]);
    }
    this.#forTokensWithoutKid = withoutKid.length > 0 ? withoutKid : keys.length === 1 ? [...keys] : undefined;
  }

  lookup(kid: string | undefined): readonly VerificationKey[] | undefined {
    return kid === undefined ? this.#forTokensWithoutKid : this.#byKid.get(kid);
  }
}
