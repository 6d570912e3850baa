import type { MiddlewareHandler } from 'hono';
import { GuardConfigError } from '../../errors.ts';
import type { GuardVariables } from '../bearer-auth/index.ts';
import { bearerChallenge } from '../../problem/index.ts';
import { problemResponse } from '../problem-response.ts';

/** `scope-token = 1*( %x21 / %x23-5B / %x5D-7E )` (RFC 6749 §3.3): no space, quote or backslash. */
const scopeToken = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * Hono middleware, placed after `bearerAuth`, that requires every listed scope in the token.
 * A caller without them gets 403 `insufficient_scope` naming the scopes needed (RFC 6750 §3.1).
 */
export function requireScope(...scopes: string[]): MiddlewareHandler<{ Variables: GuardVariables }> {
  if (scopes.length === 0) throw new GuardConfigError('requireScope needs at least one scope');
  for (const scope of scopes) {
    if (typeof scope !== 'string' || !scopeToken.test(scope)) throw new GuardConfigError(`invalid scope ${JSON.stringify(scope)}`);
  }
  const needed = scopes.join(' ');
  const detail = `The token lacks a required scope: ${needed}`;

  return async function requireScope(c, next) {
    const principal = c.get('principal') as GuardVariables['principal'] | undefined;
    // A route wired without bearerAuth is a programming error: fail loudly rather than admit or deny silently.
    if (principal === undefined) throw new Error('requireScope must run after bearerAuth');
    if (!scopes.every((scope) => principal.scopes.has(scope))) {
      return problemResponse(c, {
        status: 403,
        code: 'insufficient_scope',
        reason: 'insufficient_scope',
        detail,
        headers: { 'WWW-Authenticate': bearerChallenge({ error: 'insufficient_scope', errorDescription: detail, scope: needed }) },
      });
    }
    await next();
  };
}
