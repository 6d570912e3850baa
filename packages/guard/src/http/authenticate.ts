import type { GuardErrorCode } from '../errors.ts';
import { GuardError } from '../errors.ts';
import type { Principal } from '../principal.ts';
import type { Verifier } from '../verifier.ts';
import type { AuthFailure } from './auth-failure-response.ts';
import { readBearerCredentials } from './bearer-credentials.ts';

/** How one request ended, for metrics and logs: `ok`, a `GuardErrorCode`, or `header_malformed`. */
export type GuardOutcome = {
  readonly code: 'ok' | GuardErrorCode | 'header_malformed';
  readonly principal?: Principal;
};

/** A request's authentication: a principal, or the refusal to answer with. */
export type Authentication =
  | { readonly principal: Principal; readonly failure?: undefined }
  | { readonly principal?: undefined; readonly failure: AuthFailure & { readonly reason: GuardOutcome['code'] } };

/**
 * Reads the bearer token from an `Authorization` header value and verifies it: the steps every adapter
 * shares. Resolves to the principal or to a refusal; rejects only on an unexpected (non-guard) error.
 */
export async function authenticate(
  verifier: Verifier,
  authorization: string | null | undefined,
): Promise<Authentication> {
  const credentials = readBearerCredentials(authorization);
  if (credentials.failure !== undefined) return { failure: { reason: credentials.failure } };
  try {
    return { principal: await verifier.verify(credentials.token) };
  } catch (error) {
    if (!(error instanceof GuardError)) throw error;
    return { failure: { reason: error.code, retryAfter: error.retryAfter } };
  }
}

/** The outcome of an authentication, in the shape `onOutcome` hooks receive. */
export function outcomeOf(authentication: Authentication): GuardOutcome {
  return authentication.failure === undefined
    ? { code: 'ok', principal: authentication.principal }
    : { code: authentication.failure.reason };
}
