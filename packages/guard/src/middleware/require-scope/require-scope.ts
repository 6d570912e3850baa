import type { MiddlewareHandler } from 'hono';
import { authFailureResponse } from '../../http/auth-failure-response.ts';
import { realmOf } from '../../http/request-realm.ts';
import { scopeRequirement } from '../../http/scope-requirement.ts';
import { send } from '../bearer-auth/bearer-auth.ts';
import type { GuardVariables } from '../bearer-auth/index.ts';

/**
 * Hono middleware, placed after `bearerAuth`, that requires every listed scope in the token.
 * A caller without them gets 403 `insufficient_scope` naming the scopes needed (RFC 6750 §3.1),
 * challenged in the realm `bearerAuth` used.
 */
export function requireScope(...scopes: string[]): MiddlewareHandler<{ Variables: GuardVariables }> {
  const check = scopeRequirement(scopes);

  return async function requireScope(c, next) {
    const principal = c.get('principal') as GuardVariables['principal'] | undefined;
    // A route wired without bearerAuth is a programming error: fail loudly rather than admit or deny silently.
    if (principal === undefined) throw new Error('requireScope must run after bearerAuth');
    const failure = check(principal);
    if (failure !== undefined) return send(c, authFailureResponse(failure, realmOf(c.req.raw)));
    await next();
  };
}
