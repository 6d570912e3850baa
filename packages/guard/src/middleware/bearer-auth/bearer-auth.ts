import type { Context, MiddlewareHandler } from 'hono';
import { GuardConfigError, GuardError, guardErrorDescriptions } from '../../errors.ts';
import type { GuardErrorCode } from '../../errors.ts';
import type { Principal } from '../../principal.ts';
import type { Verifier } from '../../verifier.ts';
import { bearerChallenge } from '../../problem/index.ts';
import { problemResponse } from '../problem-response.ts';

/** The typed context the guard sets: declare it once and read `c.var.principal` in handlers. */
export type GuardVariables = { principal: Principal };

/** How one request ended, for metrics and logs: `ok`, a `GuardErrorCode`, or `header_malformed`. */
export type GuardOutcome = {
  readonly code: 'ok' | GuardErrorCode | 'header_malformed';
  readonly principal?: Principal;
};

export type BearerAuthOptions = {
  /** The verifier from `createVerifier`. Required. */
  verifier: Verifier;
  /** Called once per request with its outcome, e.g. to count outcomes by code. Default: none. */
  onOutcome?: (outcome: GuardOutcome, c: Context) => void;
};

/** `credentials = auth-scheme [ 1*SP token68 ]`; the scheme is a token (RFC 9110 §11.4, §5.6.2). */
const credentialsShape = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?: +(.*))?$/s;
/** `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="` (RFC 6750 §2.1). */
const b64token = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Hono middleware that admits only requests with a valid bearer token in the `Authorization` header
 * (RFC 6750 §2.1; query strings and cookies are never read, §2.2–2.3 and RFC 8725 advice) and sets
 * `c.var.principal`. Failures answer problem+json with an RFC 6750 §3 challenge.
 */
export function bearerAuth(options: BearerAuthOptions): MiddlewareHandler<{ Variables: GuardVariables }> {
  if (typeof options?.verifier?.verify !== 'function') throw new GuardConfigError('bearerAuth needs a verifier from createVerifier');
  const { verifier, onOutcome } = options;

  const report = (c: Context, outcome: GuardOutcome) => {
    try {
      onOutcome?.(outcome, c);
    } catch {
      // A broken metrics hook must not turn into a failed or admitted request.
    }
  };

  return async function bearerAuth(c, next) {
    const header = c.req.header('Authorization');
    const match = header ? credentialsShape.exec(header) : null;
    const scheme = match?.[1];
    const param = match?.[2];

    // No credentials, or another scheme (say Basic): a bare challenge, no error code (RFC 6750 §3.1).
    if (!header || (scheme !== undefined && scheme.toLowerCase() !== 'bearer')) {
      report(c, { code: 'token_missing' });
      return problemResponse(c, {
        status: 401,
        code: 'token_missing',
        reason: 'token_missing',
        detail: guardErrorDescriptions.token_missing,
        headers: { 'WWW-Authenticate': bearerChallenge() },
      });
    }
    // `Bearer` with nothing after it, stray characters, a tab, two tokens: a malformed request (RFC 6750 §3.1).
    if (param === undefined || !b64token.test(param)) {
      report(c, { code: 'header_malformed' });
      const detail = 'The Authorization header is not "Bearer <token>"';
      return problemResponse(c, {
        status: 400,
        code: 'invalid_request',
        reason: 'header_malformed',
        detail,
        headers: { 'WWW-Authenticate': bearerChallenge({ error: 'invalid_request', errorDescription: detail }) },
      });
    }

    let principal: Principal;
    try {
      principal = await verifier.verify(param);
    } catch (error) {
      if (!(error instanceof GuardError)) throw error;
      report(c, { code: error.code });
      const detail = guardErrorDescriptions[error.code];
      // No keys (or no revocation list yet) is our outage, not the caller's fault: 503 so clients retry instead of
      // discarding the token.
      if (error.code === 'keys_unavailable' || error.code === 'revocations_unavailable') {
        return problemResponse(c, {
          status: 503,
          code: error.code,
          reason: error.code,
          detail,
          headers: { 'Retry-After': String(error.retryAfter ?? 30) },
        });
      }
      return problemResponse(c, {
        status: 401,
        code: 'invalid_token',
        reason: error.code,
        detail,
        headers: { 'WWW-Authenticate': bearerChallenge({ error: 'invalid_token', errorDescription: detail }) },
      });
    }
    report(c, { code: 'ok', principal });
    c.set('principal', principal);
    await next();
  };
}
