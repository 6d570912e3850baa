import { InvalidResponseError } from './errors.ts';

/** A token and when, on the caller's own clock, to stop serving it and to refresh it. */
export type TimedToken = {
  token: string;
  /** Caller-clock milliseconds at which the token expires (its `exp`, corrected for clock skew). */
  expiresAt: number;
  /** Caller-clock milliseconds from which a refresh is due. */
  refreshAt: number;
};

/** Default of every source's `refreshMargin`: refresh a minute before expiry. */
export const DEFAULT_REFRESH_MARGIN_MS = 60_000;

/**
 * Times a freshly received JWT on the caller's clock. The skew between the issuer's clock and the caller's is
 * measured at receipt, from the token's own `iat` (the issuer's "now" when it signed): a caller whose clock is
 * ten minutes off still sees the token's real lifetime. The margin is at most half the lifetime, so a token
 * shorter than the margin is still used for half its life instead of being refreshed on every call.
 */
export function timeToken(token: string, receivedAt: number, refreshMarginMs: number, expiresIn?: number): TimedToken {
  const claims = readTimeClaims(token);
  let lifetimeMs: number;
  if (claims !== undefined) {
    // Without `iat` there is nothing to measure the skew with: trust the caller's clock.
    const skewMs = claims.iat === undefined ? 0 : claims.iat * 1000 - receivedAt;
    lifetimeMs = claims.exp * 1000 - skewMs - receivedAt;
  } else if (expiresIn !== undefined) {
    lifetimeMs = expiresIn * 1000; // an opaque token: RFC 6749's expires_in, relative to receipt
  } else {
    throw new InvalidResponseError('the token is not a JWT with an exp claim');
  }
  if (!(lifetimeMs > 0)) throw new InvalidResponseError('the token is already expired when it arrives');
  const expiresAt = receivedAt + lifetimeMs;
  return { token, expiresAt, refreshAt: expiresAt - Math.min(refreshMarginMs, lifetimeMs / 2) };
}

/** `exp` and `iat` of a JWT's payload, read without verifying it (the resource services verify). */
function readTimeClaims(token: string): { exp: number; iat: number | undefined } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(decodeBase64Url(parts[1] ?? ''));
  } catch {
    return undefined;
  }
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { exp, iat } = payload as { exp?: unknown; iat?: unknown };
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return undefined;
  return { exp, iat: typeof iat === 'number' && Number.isFinite(iat) ? iat : undefined };
}

/** base64url to a UTF-8 string with `atob` (browsers, Node 16+, React Native 0.74+), no Node built-ins. */
function decodeBase64Url(segment: string): string {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='));
  return new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
}
