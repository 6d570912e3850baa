import { GuardConfigError } from '../errors.ts';
import type { Principal } from '../principal.ts';
import type { AuthFailure } from './auth-failure-response.ts';

/** `scope-token = 1*( %x21 / %x23-5B / %x5D-7E )` (RFC 6749 §3.3): no space, quote or backslash. */
const scopeToken = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * Checks the scopes a `requireScope` lists (when it is called, so a typo fails at start) and returns the test
 * every adapter runs: every listed scope must be in the principal's, else a 403 naming them all (RFC 6750 §3.1).
 */
export function scopeRequirement(scopes: readonly string[]): (principal: Principal) => AuthFailure | undefined {
  if (scopes.length === 0) throw new GuardConfigError('requireScope needs at least one scope');
  for (const scope of scopes) {
    if (typeof scope !== 'string' || !scopeToken.test(scope))
      throw new GuardConfigError(`invalid scope ${JSON.stringify(scope)}`);
  }
  const failure: AuthFailure = { reason: 'insufficient_scope', scope: scopes.join(' ') };
  return (principal) => (scopes.every((scope) => principal.scopes.has(scope)) ? undefined : failure);
}
