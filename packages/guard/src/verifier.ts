import type { Algorithm } from './algorithms.ts';
import { VerifiedTokenCache } from './cache.ts';
import { checkClaims } from './claims.ts';
import { GuardError } from './errors.ts';
import { createJwksSource } from './keys/jwks-source.ts';
import { createSecretKeySource } from './keys/secret-key.ts';
import { createStaticKeySource } from './keys/static-keys.ts';
import type { KeySource, VerificationKey } from './keys/verification-key.ts';
import type { ResolvedOptions, VerifierOptions } from './options.ts';
import { resolveOptions } from './options.ts';
import type { Principal, TokenClaims } from './principal.ts';
import { toPrincipal } from './principal.ts';
import type { RevocationStatus } from './revocations/revocation-source.ts';
import { createRevocationSource } from './revocations/revocation-source.ts';
import { assertTokenSize, decodeJsonObject, decodeToken } from './token.ts';

/** Verifies bearer tokens. Framework-agnostic: the Hono middleware is a thin layer over this. */
export type Verifier = {
  /** Resolves to the caller's principal, or rejects with a `GuardError` whose `code` says why not. */
  verify(token: string): Promise<Principal>;
  /** Resolves once keys are loaded (for readiness checks); rejects with `keys_unavailable` otherwise. */
  ready(): Promise<void>;
  /** The followed revocation list's status (readiness, age); `undefined` without the `revocations` option. */
  readonly revocations: RevocationStatus | undefined;
  /** Stops background key fetches and following the revocation list. */
  close(): void;
};

function createKeySource(resolved: ResolvedOptions): KeySource {
  const source = resolved.keySource;
  if (source.kind === 'jwks') return createJwksSource(source.jwks, resolved.algorithms);
  if (source.kind === 'keys') return createStaticKeySource(source.keys, resolved.algorithms);
  return createSecretKeySource(source.secret, [...resolved.algorithms]);
}

/** The key of this `alg` among the candidates for a `kid`: each key verifies exactly one algorithm. */
function keyFor(candidates: readonly VerificationKey[] | undefined, alg: Algorithm): VerificationKey | undefined {
  if (candidates === undefined) return undefined;
  for (const key of candidates) if (key.alg === alg) return key;
  return undefined;
}

/**
 * Creates a verifier. Options are checked now and keys are imported (or their first fetch started) now,
 * so a misconfiguration throws `GuardConfigError` at start rather than failing requests later.
 */
export function createVerifier(options: VerifierOptions): Verifier {
  const resolved = resolveOptions(options);
  const { algorithms, maxTokenBytes, rules } = resolved;
  const source = createKeySource(resolved);
  const cache = resolved.cache ? new VerifiedTokenCache(resolved.cache) : undefined;
  // A key set change can mean a key was withdrawn: tokens it signed must be verified afresh.
  if (cache) source.onChange(() => cache.clear());
  const revocations = resolved.revocations ? createRevocationSource(resolved.revocations) : undefined;

  /** After the list's first load (awaited, or refused with `revocations_unavailable`: fail closed), the list's verdict. */
  async function checkedOnceLoaded(principal: Principal): Promise<Principal> {
    await revocations?.whenLoaded();
    if (revocations?.list.refuses(principal)) throw new GuardError('token_revoked');
    return principal;
  }

  /** After a miss in memory: a known kid with another alg is refused, an unknown kid may cause one refetch. */
  async function keyAfterMiss(
    known: readonly VerificationKey[] | undefined,
    kid: string | undefined,
    alg: Algorithm,
  ): Promise<VerificationKey> {
    // A known kid with another alg is a mismatch, not a reason to refetch (RFC 8725 §3.1).
    if (known !== undefined && known.length > 0)
      throw new GuardError('alg_not_allowed', 'The token alg does not match its key');
    const fetched = await source.refresh(kid);
    const key = keyFor(fetched, alg);
    if (key) return key;
    if (fetched !== undefined && fetched.length > 0)
      throw new GuardError('alg_not_allowed', 'The token alg does not match its key');
    throw new GuardError('key_not_found');
  }

  async function verify(token: string): Promise<Principal> {
    if (typeof token !== 'string' || token.length === 0) throw new GuardError('token_missing');
    assertTokenSize(token, maxTokenBytes);
    let cacheKey: string | undefined;
    if (cache) {
      cacheKey = VerifiedTokenCache.keyOf(token);
      const hit = cache.get(cacheKey);
      if (hit) {
        // Checked on every hit: a token cached before its session ended is refused like any other. (Only tokens
        // checked against a loaded list are ever cached.)
        if (revocations?.list.refuses(hit)) throw new GuardError('token_revoked');
        return hit;
      }
    }

    const { header, payloadSegment, signingInput, signature } = decodeToken(token);
    // The allowlist is exact: `none`, `NONE`, `hs256` are simply not in it (RFC 8725 §3.1).
    const alg = header.alg;
    if (typeof alg !== 'string' || !algorithms.has(alg as Algorithm)) throw new GuardError('alg_not_allowed');
    // We implement no JWS extension, so any `crit` names one we do not understand (RFC 7515 §4.1.11).
    if (header.crit !== undefined) throw new GuardError('token_malformed', 'The token has a crit header');
    const kid = header.kid;
    if (kid !== undefined && typeof kid !== 'string')
      throw new GuardError('token_malformed', 'The kid header is not a string');
    // `jku`, `x5u`, `jwk` and `x5c` are never read: keys come only from our own configuration (RFC 8725 §3.10).
    // The usual case finds the key in memory synchronously; only a miss waits for a refetch.
    const known = source.lookup(kid);
    const key = keyFor(known, alg as Algorithm) ?? (await keyAfterMiss(known, kid, alg as Algorithm));

    let valid: boolean;
    try {
      valid = key.check(signingInput, signature);
    } catch {
      valid = false;
    }
    if (!valid) throw new GuardError('signature_invalid');

    // Only now, with the signature good, is the payload parsed and trusted.
    const payload = decodeJsonObject(payloadSegment, 'payload');
    checkClaims(payload, rules, Date.now() / 1000);
    const principal = toPrincipal(payload as TokenClaims);
    if (revocations !== undefined) await checkedOnceLoaded(principal);
    if (cache && cacheKey !== undefined) cache.set(cacheKey, principal, payload.exp as number);
    return principal;
  }

  return {
    verify,
    ready: () => source.ready(),
    revocations,
    close: () => {
      source.close();
      revocations?.close();
    },
  };
}
