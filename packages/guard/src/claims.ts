import { GuardError } from './errors.ts';

/** What the registered claims must say; built once from the verifier options. */
export type ClaimRules = {
  readonly issuer: string;
  readonly audiences: ReadonlySet<string>;
  /** Seconds of clock skew allowed on `exp`, `nbf` and `iat`. */
  readonly clockTolerance: number;
  readonly requiredClaims: readonly string[];
};

/** A JWT time claim must be a finite JSON number (RFC 7519 §2 NumericDate); `"1e400"` parses to Infinity. */
function numericDate(payload: Record<string, unknown>, name: string): number | undefined {
  const value = payload[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new GuardError('claim_invalid', `The ${name} claim is not a finite number`);
  }
  return value;
}

/**
 * Checks the registered claims of a payload whose signature already verified (RFC 7519 §4.1, RFC 8725 §3.8–3.9).
 * `now` is in seconds and read by the caller from `Date.now()`, so tests can freeze it.
 */
export function checkClaims(payload: Record<string, unknown>, rules: ClaimRules, now: number): void {
  const exp = numericDate(payload, 'exp');
  if (exp === undefined) throw new GuardError('claim_invalid', 'The exp claim is required');
  if (now >= exp + rules.clockTolerance) throw new GuardError('token_expired');
  const nbf = numericDate(payload, 'nbf');
  if (nbf !== undefined && nbf > now + rules.clockTolerance) throw new GuardError('token_not_yet_valid');
  const iat = numericDate(payload, 'iat');
  if (iat !== undefined && iat > now + rules.clockTolerance) {
    throw new GuardError('token_not_yet_valid', 'The token was issued in the future');
  }

  if (payload.iss !== rules.issuer) throw new GuardError('issuer_mismatch');

  const aud = payload.aud;
  if (typeof aud === 'string') {
    if (!rules.audiences.has(aud)) throw new GuardError('audience_mismatch');
  } else if (Array.isArray(aud)) {
    let found = false;
    for (const entry of aud) {
      if (typeof entry !== 'string') throw new GuardError('claim_invalid', 'The aud claim holds a non-string');
      if (rules.audiences.has(entry)) found = true;
    }
    if (!found) throw new GuardError('audience_mismatch');
  } else if (aud === undefined) {
    throw new GuardError('audience_mismatch', 'The aud claim is required');
  } else {
    throw new GuardError('claim_invalid', 'The aud claim is neither a string nor a list');
  }

  const sub = payload.sub;
  if (typeof sub !== 'string' || sub.length === 0)
    throw new GuardError('claim_invalid', 'The sub claim must be a non-empty string');

  for (const name of rules.requiredClaims) {
    // Own properties only: a claim named `constructor` or `toString` would otherwise be found on Object.prototype.
    if (!Object.hasOwn(payload, name)) throw new GuardError('claim_invalid', `The ${name} claim is required`);
  }
}
