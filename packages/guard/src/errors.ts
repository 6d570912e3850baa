/**
 * Why a token was refused. One stable string per failure, so callers, logs and metrics can switch on it;
 * tests assert the code, never the message (as jose does with `ERR_JWT_EXPIRED`).
 */
export type GuardErrorCode =
  | 'token_missing'
  | 'token_malformed'
  | 'token_too_large'
  | 'alg_not_allowed'
  | 'key_not_found'
  | 'signature_invalid'
  | 'token_expired'
  | 'token_not_yet_valid'
  | 'issuer_mismatch'
  | 'audience_mismatch'
  | 'claim_invalid'
  | 'token_revoked'
  | 'keys_unavailable'
  | 'revocations_unavailable';

/**
 * The code table: a fixed, public description for every code. Only these texts reach a response
 * (`error_description`, problem+json `detail`), so token contents are never echoed.
 */
export const guardErrorDescriptions: Readonly<Record<GuardErrorCode, string>> = Object.freeze({
  token_missing: 'A bearer token is required',
  token_malformed: 'The token is not a well-formed JWS compact JWT',
  token_too_large: 'The token is larger than allowed',
  alg_not_allowed: 'The token algorithm is not allowed',
  key_not_found: 'No key matches the token',
  signature_invalid: 'The token signature is invalid',
  token_expired: 'The token has expired',
  token_not_yet_valid: 'The token is not valid yet',
  issuer_mismatch: 'The token issuer is not accepted',
  audience_mismatch: 'The token audience is not accepted',
  claim_invalid: 'A token claim is missing or invalid',
  token_revoked: 'The token has been revoked',
  keys_unavailable: 'The verification keys are unavailable',
  revocations_unavailable: 'The revocation list is unavailable',
});

/** A refused token. `code` is stable; `message` may carry more detail for logs but never token contents. */
export class GuardError extends Error {
  override readonly name = 'GuardError';
  readonly code: GuardErrorCode;
  /** For `keys_unavailable` and `revocations_unavailable`: seconds until a retry may succeed (for `Retry-After`). */
  readonly retryAfter: number | undefined;

  constructor(code: GuardErrorCode, message?: string, options?: { retryAfter?: number }) {
    super(message ?? guardErrorDescriptions[code]);
    this.code = code;
    this.retryAfter = options?.retryAfter;
  }
}

/** A misconfigured verifier or middleware. Thrown when the factory is called, so a bad setup fails at start. */
export class GuardConfigError extends Error {
  override readonly name = 'GuardConfigError';
  readonly code = 'guard_config_invalid';
}
