import type { Request, RequestHandler, Response } from 'express';
import type { AuthFailureResponse } from '../../http/auth-failure-response.ts';
import { authFailureResponse } from '../../http/auth-failure-response.ts';
import { authenticate, outcomeOf } from '../../http/authenticate.ts';
import type { GuardOptions } from '../../http/guard-options.ts';
import { resolveGuardOptions } from '../../http/guard-options.ts';
import { realmOf, rememberRealm } from '../../http/request-realm.ts';
import { scopeRequirement } from '../../http/scope-requirement.ts';
import type { Principal } from '../../principal.ts';

declare global {
  // Express types its request and `res.locals` through these global interfaces (declaration merging).
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The verified caller; set by `bearerAuth` from `@tessera/guard/express` on the routes behind it. */
      principal: Principal;
    }
    interface Locals {
      /** The verified caller; set by `bearerAuth` from `@tessera/guard/express` on the routes behind it. */
      principal: Principal;
    }
  }
}

/** `bearerAuth` options: `verifier` (required), `realm` (default `'tessera'`), `onOutcome(outcome, req)`. */
export type ExpressBearerAuthOptions = GuardOptions<Request>;

/**
 * Express middleware (4 and 5) that admits only requests with a valid bearer token in the `Authorization`
 * header and sets `req.principal` and `res.locals.principal`. Refusals answer exactly as the Hono middleware.
 */
export function bearerAuth(options: ExpressBearerAuthOptions): RequestHandler {
  const { verifier, realm, report } = resolveGuardOptions(options, 'bearerAuth');

  return function bearerAuth(req, res, next) {
    authenticate(verifier, req.headers.authorization).then((authentication) => {
      report(outcomeOf(authentication), req);
      rememberRealm(req, realm);
      if (authentication.failure !== undefined) return send(res, authFailureResponse(authentication.failure, realm));
      req.principal = authentication.principal;
      res.locals.principal = authentication.principal;
      next();
    }, next);
  };
}

/**
 * Express middleware, placed after `bearerAuth`, that requires every listed scope in the token; else 403
 * `insufficient_scope` naming them (RFC 6750 §3.1), in the realm `bearerAuth` used.
 */
export function requireScope(...scopes: string[]): RequestHandler {
  const check = scopeRequirement(scopes);

  return function requireScope(req, res, next) {
    const principal = req.principal as Principal | undefined;
    // A route wired without bearerAuth is a programming error: fail loudly rather than admit or deny silently.
    if (principal === undefined) return next(new Error('requireScope must run after bearerAuth'));
    const failure = check(principal);
    if (failure !== undefined) return send(res, authFailureResponse(failure, realmOf(req)));
    next();
  };
}

/** Writes a framework-free answer out as it is (no charset appended, no ETag). */
function send(res: Response, answer: AuthFailureResponse): void {
  res.status(answer.status);
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  res.end(JSON.stringify(answer.body));
}
