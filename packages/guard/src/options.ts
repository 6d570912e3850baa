import type { Algorithm } from './algorithms.ts';
import { algorithmFamily, isAlgorithm } from './algorithms.ts';
import type { CacheOptions } from './cache.ts';
import { cacheDefaults } from './cache.ts';
import type { ClaimRules } from './claims.ts';
import { GuardConfigError } from './errors.ts';
import type { JwksOptions, ResolvedJwksOptions } from './keys/jwks-source.ts';
import { jwksDefaults } from './keys/jwks-source.ts';
import type { StaticKeys } from './keys/static-keys.ts';
import type { ResolvedRevocationsOptions, RevocationsOptions } from './revocations/revocation-source.ts';
import { revocationsDefaults } from './revocations/revocation-source.ts';

/** Everything `createVerifier` needs. Exactly one key source: `jwks`, `keys` or `secret`. */
export type VerifierOptions = {
  /** The exact `iss` to accept, e.g. `http://localhost:3000`. Required. */
  issuer: string;
  /** The audience(s) this service answers to; a token's `aud` must contain one of them. Required. */
  audience: string | readonly string[];
  /** The exact algorithm allowlist, case-sensitive. Required with `jwks`/`keys`; default `['HS256']` with `secret`. */
  algorithms?: readonly Algorithm[];
  /** Seconds of clock skew allowed on `exp`, `nbf` and `iat`, default 30. */
  clockTolerance?: number;
  /** Longest token accepted, in bytes, checked before anything is decoded, default 8192. */
  maxTokenBytes?: number;
  /** Claims that must be present besides `iss`, `aud`, `exp` and `sub` (always required), default none. */
  requiredClaims?: readonly string[];
  /** Fetch public keys from a JWKS URL (see `JwksOptions` for its defaults). */
  jwks?: JwksOptions;
  /** Use these public JWKs, fixed. */
  keys?: StaticKeys;
  /** Verify HMAC tokens with this shared secret, at least 32 bytes. */
  secret?: string | Uint8Array;
  /** The verified-token cache, default `{ max: 10_000, maxTtl: 60_000 }`; `false` turns it off. */
  cache?: CacheOptions | false;
  /** Follow the issuer's revocation list (see `RevocationsOptions` for its defaults); default none. */
  revocations?: RevocationsOptions;
};

export type KeySourceOptions =
  | { readonly kind: 'jwks'; readonly jwks: ResolvedJwksOptions }
  | { readonly kind: 'keys'; readonly keys: StaticKeys }
  | { readonly kind: 'secret'; readonly secret: string | Uint8Array };

/** Options after checking, with every default filled in. */
export type ResolvedOptions = {
  readonly rules: ClaimRules;
  readonly algorithms: ReadonlySet<Algorithm>;
  readonly maxTokenBytes: number;
  readonly cache: Required<CacheOptions> | undefined;
  readonly keySource: KeySourceOptions;
  readonly revocations: ResolvedRevocationsOptions | undefined;
};

export const verifierDefaults = { clockTolerance: 30, maxTokenBytes: 8192, secretAlgorithms: ['HS256'] } as const;

function fail(message: string): never {
  throw new GuardConfigError(message);
}

/** The option, or its default when unset; a set value must be a finite number ≥ `min`. */
function numberOrDefault(value: number | undefined, fallback: number, name: string, min = 0): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) fail(`${name} must be a number ≥ ${min}`);
  return value;
}

function nonEmptyString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) fail(`${name} must be a non-empty string`);
  return value;
}

function resolveJwks(jwks: JwksOptions): KeySourceOptions {
  let url: URL;
  try {
    url = new URL(jwks.url);
  } catch {
    fail('jwks.url must be an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail('jwks.url must be an http(s) URL');
  const resolved = {
    url,
    cooldown: numberOrDefault(jwks.cooldown, jwksDefaults.cooldown, 'jwks.cooldown'),
    timeout: numberOrDefault(jwks.timeout, jwksDefaults.timeout, 'jwks.timeout', 1),
    maxAge: numberOrDefault(jwks.maxAge, jwksDefaults.maxAge, 'jwks.maxAge'),
    maxStale: numberOrDefault(jwks.maxStale, jwksDefaults.maxStale, 'jwks.maxStale'),
    ...(jwks.onFetchError ? { onFetchError: jwks.onFetchError } : {}),
  };
  if (resolved.maxStale < resolved.maxAge) fail('jwks.maxStale must be at least jwks.maxAge');
  return { kind: 'jwks', jwks: resolved };
}

function resolveRevocations(revocations: RevocationsOptions): ResolvedRevocationsOptions {
  let url: URL;
  try {
    url = new URL(revocations.url);
  } catch {
    fail('revocations.url must be an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail('revocations.url must be an http(s) URL');
  const wait = numberOrDefault(revocations.wait, revocationsDefaults.wait, 'revocations.wait');
  if (!Number.isInteger(wait) || wait > 60) fail('revocations.wait must be a whole number of seconds from 0 to 60');
  const resolved = {
    url,
    wait,
    timeout: numberOrDefault(revocations.timeout, revocationsDefaults.timeout, 'revocations.timeout', 1),
    retryMin: numberOrDefault(revocations.retryMin, revocationsDefaults.retryMin, 'revocations.retryMin', 1),
    retryMax: numberOrDefault(revocations.retryMax, revocationsDefaults.retryMax, 'revocations.retryMax', 1),
    maxBytes: numberOrDefault(revocations.maxBytes, revocationsDefaults.maxBytes, 'revocations.maxBytes', 1),
    ...(revocations.onError ? { onError: revocations.onError } : {}),
  };
  if (resolved.retryMax < resolved.retryMin) fail('revocations.retryMax must be at least revocations.retryMin');
  return resolved;
}

/** Checks every option and fills in defaults, so a misconfiguration throws `GuardConfigError` at start. */
export function resolveOptions(options: VerifierOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) fail('options are required');
  const issuer = nonEmptyString(options.issuer, 'issuer');
  const audienceList = typeof options.audience === 'string' ? [options.audience] : options.audience;
  if (!Array.isArray(audienceList) || audienceList.length === 0) fail('audience must be a string or a non-empty list');
  const audiences = new Set(audienceList.map((a: unknown) => nonEmptyString(a, 'audience')));

  const sources = (['jwks', 'keys', 'secret'] as const).filter((name) => options[name] !== undefined);
  if (sources.length !== 1)
    fail(`exactly one of jwks, keys or secret is required (got ${sources.length === 0 ? 'none' : sources.join(', ')})`);
  const symmetric = options.secret !== undefined;

  const algorithmList = options.algorithms ?? (symmetric ? verifierDefaults.secretAlgorithms : undefined);
  if (!Array.isArray(algorithmList) || algorithmList.length === 0) fail('algorithms must list the allowed algorithms');
  for (const alg of algorithmList as readonly unknown[]) {
    // `none` and friends are not in the table, so they can never be allowed (RFC 8725 §3.1).
    if (!isAlgorithm(alg)) fail(`algorithm ${JSON.stringify(alg)} is not supported`);
    if (symmetric && algorithmFamily(alg) !== 'oct')
      fail(`a secret cannot be used with ${alg}; use HS256, HS384 or HS512`);
    if (!symmetric && algorithmFamily(alg) === 'oct')
      fail(`${alg} needs a secret; public keys never verify HMAC (RFC 8725 §2.1)`);
  }

  const requiredClaims = options.requiredClaims ?? [];
  if (!Array.isArray(requiredClaims)) fail('requiredClaims must be a list of claim names');
  for (const name of requiredClaims as readonly unknown[]) nonEmptyString(name, 'requiredClaims[]');

  const maxTokenBytes = numberOrDefault(options.maxTokenBytes, verifierDefaults.maxTokenBytes, 'maxTokenBytes', 16);
  if (!Number.isInteger(maxTokenBytes)) fail('maxTokenBytes must be an integer');

  let cache: Required<CacheOptions> | undefined;
  if (options.cache !== false) {
    const max = numberOrDefault(options.cache?.max, cacheDefaults.max, 'cache.max', 1);
    if (!Number.isInteger(max)) fail('cache.max must be an integer');
    cache = { max, maxTtl: numberOrDefault(options.cache?.maxTtl, cacheDefaults.maxTtl, 'cache.maxTtl', 1) };
  }

  const keySource: KeySourceOptions =
    options.jwks !== undefined
      ? resolveJwks(options.jwks)
      : options.keys !== undefined
        ? { kind: 'keys', keys: options.keys }
        : { kind: 'secret', secret: options.secret as string | Uint8Array };

  return {
    rules: {
      issuer,
      audiences,
      clockTolerance: numberOrDefault(options.clockTolerance, verifierDefaults.clockTolerance, 'clockTolerance'),
      requiredClaims: [...requiredClaims],
    },
    algorithms: new Set(algorithmList),
    maxTokenBytes,
    cache,
    keySource,
    revocations: options.revocations === undefined ? undefined : resolveRevocations(options.revocations),
  };
}
