import type { KeyObject } from 'node:crypto';
import { constants, createHmac, verify as cryptoVerify, timingSafeEqual } from 'node:crypto';

/** JWS algorithms the guard can verify (RFC 7518 §3, RFC 8037 §3.1). `none` is deliberately absent. */
export type Algorithm =
  | 'EdDSA'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'HS256'
  | 'HS384'
  | 'HS512';

/** The key family an algorithm needs: the alg→key-type match that keeps a public key from ever being an HMAC secret. */
export type KeyFamily = 'okp' | 'ec' | 'rsa' | 'oct';

type AlgorithmSpec = {
  readonly family: KeyFamily;
  /** Digest for `crypto.verify`/`createHmac`; `null` for EdDSA, which hashes internally. */
  readonly hash: string | null;
  /** JWK `crv` the key must have (EC and OKP). */
  readonly curve?: string;
  /** Exact signature length in bytes where it is fixed (EdDSA, ECDSA in IEEE P1363 form, HMAC). */
  readonly signatureBytes?: number;
};

const specs: Readonly<Record<Algorithm, AlgorithmSpec>> = {
  EdDSA: { family: 'okp', hash: null, curve: 'Ed25519', signatureBytes: 64 },
  ES256: { family: 'ec', hash: 'sha256', curve: 'P-256', signatureBytes: 64 },
  ES384: { family: 'ec', hash: 'sha384', curve: 'P-384', signatureBytes: 96 },
  ES512: { family: 'ec', hash: 'sha512', curve: 'P-521', signatureBytes: 132 },
  RS256: { family: 'rsa', hash: 'sha256' },
  RS384: { family: 'rsa', hash: 'sha384' },
  RS512: { family: 'rsa', hash: 'sha512' },
  PS256: { family: 'rsa', hash: 'sha256' },
  PS384: { family: 'rsa', hash: 'sha384' },
  PS512: { family: 'rsa', hash: 'sha512' },
  HS256: { family: 'oct', hash: 'sha256', signatureBytes: 32 },
  HS384: { family: 'oct', hash: 'sha384', signatureBytes: 48 },
  HS512: { family: 'oct', hash: 'sha512', signatureBytes: 64 },
};

/** Whether a string names an algorithm the guard supports (exact, case-sensitive, RFC 7515 §4.1.1). */
export function isAlgorithm(value: unknown): value is Algorithm {
  return typeof value === 'string' && Object.hasOwn(specs, value);
}

/** The key family an algorithm requires. */
export function algorithmFamily(alg: Algorithm): KeyFamily {
  return specs[alg].family;
}

/** The JWK curve an EC/OKP algorithm requires, if any. */
export function algorithmCurve(alg: Algorithm): string | undefined {
  return specs[alg].curve;
}

/** Checks a signature over `signingInput`. Built once per key so the hot path does no option lookups. */
export type SignatureCheck = (signingInput: Buffer, signature: Buffer) => boolean;

/**
 * Builds the signature check for one key and its one algorithm, calling `node:crypto` directly:
 * this is the floor the benchmark compares against, with nothing but a length check on top.
 */
export function createSignatureCheck(alg: Algorithm, key: KeyObject): SignatureCheck {
  const spec = specs[alg];
  const length = spec.signatureBytes;
  if (spec.family === 'oct') {
    const hash = spec.hash ?? 'sha256';
    // createHmac is measurably faster with the raw bytes than with a KeyObject.
    const secret = key.export();
    return (signingInput, signature) => {
      if (signature.length !== length) return false;
      const expected = createHmac(hash, secret).update(signingInput).digest();
      return timingSafeEqual(expected, signature);
    };
  }
  if (spec.family === 'ec') {
    // JWS ECDSA signatures are R||S (RFC 7518 §3.4), not DER.
    const ecKey = { key, dsaEncoding: 'ieee-p1363' } as const;
    return (signingInput, signature) =>
      signature.length === length && cryptoVerify(spec.hash, signingInput, ecKey, signature);
  }
  if (alg.startsWith('PS')) {
    // RFC 7518 §3.5: salt length equals the hash length.
    const pssKey = { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
    return (signingInput, signature) => cryptoVerify(spec.hash, signingInput, pssKey, signature);
  }
  if (length !== undefined) {
    return (signingInput, signature) =>
      signature.length === length && cryptoVerify(spec.hash, signingInput, key, signature);
  }
  return (signingInput, signature) => cryptoVerify(spec.hash, signingInput, key, signature);
}
