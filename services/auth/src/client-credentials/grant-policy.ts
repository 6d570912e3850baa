import { TokenEndpointError } from './error-codes.ts';

/** RFC 6749 §3.3: `scope-token = 1*( %x21 / %x23-5B / %x5D-7E )` (printable ASCII without space, `"` and `\`). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** Whether `value` is a syntactically valid scope token, e.g. `tasks:read`. */
export function isScopeToken(value: string): boolean {
  return SCOPE_TOKEN.test(value);
}

/**
 * Splits a `scope` parameter into its tokens, deduplicated and in order. An empty or blank value is
 * treated as absent (`undefined`), which grants all of the client's scopes.
 * @throws TokenEndpointError `invalid_scope` when a token has characters RFC 6749 §3.3 does not allow.
 */
export function parseScopeParameter(value: string): string[] | undefined {
  const tokens = value.split(' ').filter((token) => token !== '');
  if (tokens.length === 0) return undefined;
  if (!tokens.every(isScopeToken))
    throw new TokenEndpointError('invalid_scope', 'scope must be space-separated scope tokens');
  return [...new Set(tokens)];
}

/**
 * The scopes to grant: everything the client may have when it asked for nothing, else exactly what it asked
 * for, which must be a subset of its allowed scopes (RFC 6749 §4.4.2, §5.2 `invalid_scope`).
 */
export function grantScopes(requested: string[] | undefined, allowed: readonly string[]): string[] {
  if (requested === undefined) return [...allowed];
  const notAllowed = requested.filter((scope) => !allowed.includes(scope));
  if (notAllowed.length > 0) {
    // Naming the refused scopes helps the operator; it leaks nothing the client could not try one by one.
    throw new TokenEndpointError('invalid_scope', `scope not allowed for this client: ${notAllowed.join(' ')}`);
  }
  return requested;
}

/**
 * The token's audiences. Requested ones (RFC 8707 `resource`, or `audience`) must each be allowed for the
 * client (`invalid_target` otherwise). With nothing requested, a client with its own audience list gets that
 * list, and any other client gets the service's default audience.
 * @param clientAudiences the client's own list, or `null` when it may request any of `serviceAudiences`
 */
export function grantAudiences(
  requested: string[] | undefined,
  clientAudiences: readonly string[] | null,
  service: { allowedAudiences: readonly string[]; defaultAudience: readonly string[] },
): string[] {
  if (requested === undefined) return [...(clientAudiences ?? service.defaultAudience)];
  const allowed = clientAudiences ?? service.allowedAudiences;
  if (!requested.every((audience) => allowed.includes(audience))) {
    throw new TokenEndpointError('invalid_target', 'resource not allowed for this client');
  }
  return requested;
}
