import type { Context, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AuthFailureResponse } from '../../http/auth-failure-response.ts';
import { authFailureResponse } from '../../http/auth-failure-response.ts';
import { authenticate, outcomeOf } from '../../http/authenticate.ts';
import type { GuardOptions } from '../../http/guard-options.ts';
import { resolveGuardOptions } from '../../http/guard-options.ts';
import { rememberRealm } from '../../http/request-realm.ts';
import type { Principal } from '../../principal.ts';

/** The typed context the guard sets: declare it once and read `c.var.principal` in handlers. */
export type GuardVariables = { principal: Principal };

/** `bearerAuth` options: `verifier` (required), `realm` (default `'tessera'`), `onOutcome(outcome, c)`. */
export type BearerAuthOptions = GuardOptions<Context>;

/**
 * Hono middleware that admits only requests with a valid bearer token in the `Authorization` header
 * (RFC 6750 §2.1; query strings and cookies are never read, §2.2–2.3 and RFC 8725 advice) and sets
 * `c.var.principal`. Failures answer problem+json with an RFC 6750 §3 challenge.
 */
export function bearerAuth(options: BearerAuthOptions): MiddlewareHandler<{ Variables: GuardVariables }> {
  const { verifier, realm, report } = resolveGuardOptions(options, 'bearerAuth');

  return async function bearerAuth(c, next) {
    const authentication = await authenticate(verifier, c.req.header('Authorization'));
    report(outcomeOf(authentication), c);
    rememberRealm(c.req.raw, realm);
    if (authentication.failure !== undefined) return send(c, authFailureResponse(authentication.failure, realm));
    c.set('principal', authentication.principal);
    await next();
  };
}

/** Writes a framework-free answer out as a Hono response. */
export function send(c: Context, answer: AuthFailureResponse): Response {
  return c.body(JSON.stringify(answer.body), answer.status as ContentfulStatusCode, answer.headers);
}
