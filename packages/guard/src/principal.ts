import { GuardError } from './errors.ts';

/** The verified claims of a token. The registered ones are checked; everything else is the issuer's. */
export type TokenClaims = Readonly<Record<string, unknown>> & {
  readonly iss: string;
  readonly sub: string;
  readonly aud: string | readonly string[];
  readonly exp: number;
};

/** Who is calling, as proven by a verified token. Immutable, so a cached one can be shared safely. */
export type Principal = {
  /** `service` when `sub` is `client:<client_id>` (client-credentials grant), else `user`. */
  readonly kind: 'user' | 'service';
  /** The token's `sub`: bind every query to it. */
  readonly subject: string;
  /** For users: the user id (`sub`, which the issuer also puts in `user_id`). */
  readonly userId?: string;
  /** For services: the OAuth client id (`sub` without its `client:` prefix). */
  readonly clientId?: string;
  /** The space-separated `scope` claim (RFC 8693 §4.2), as a set. Empty when absent. */
  readonly scopes: ReadonlySet<string>;
  readonly claims: TokenClaims;
};

/** The `sub` prefix that marks a service (client-credentials) token. */
export const serviceSubjectPrefix = 'client:';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** Builds the principal from claims that `checkClaims` accepted. */
export function toPrincipal(claims: TokenClaims): Principal {
  const { sub, scope } = claims;
  if (scope !== undefined && typeof scope !== 'string')
    throw new GuardError('claim_invalid', 'The scope claim is not a string');
  const scopes: ReadonlySet<string> = new Set(scope ? scope.split(' ').filter((s) => s.length > 0) : []);
  deepFreeze(claims);

  if (sub.startsWith(serviceSubjectPrefix)) {
    const clientId = sub.slice(serviceSubjectPrefix.length);
    if (clientId.length === 0) throw new GuardError('claim_invalid', 'The sub claim names no client');
    // A token that names two different clients is not trusted as either.
    if (claims.client_id !== undefined && claims.client_id !== clientId) {
      throw new GuardError('claim_invalid', 'The client_id claim disagrees with sub');
    }
    return Object.freeze({ kind: 'service', subject: sub, clientId, scopes, claims });
  }
  if (claims.user_id !== undefined && claims.user_id !== sub) {
    throw new GuardError('claim_invalid', 'The user_id claim disagrees with sub');
  }
  return Object.freeze({ kind: 'user', subject: sub, userId: sub, scopes, claims });
}
