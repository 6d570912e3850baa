import type { GuardErrorCode } from '../errors.ts';
import { guardErrorDescriptions } from '../errors.ts';
import type { ProblemBody } from '../problem/index.ts';
import { bearerChallenge, PROBLEM_CONTENT_TYPE, problemBody } from '../problem/index.ts';

/** Why a request was refused, whatever the framework: a guard code, a malformed header, or a missing scope. */
export type AuthFailure =
  | { readonly reason: GuardErrorCode; readonly retryAfter?: number | undefined }
  | { readonly reason: 'header_malformed' }
  | { readonly reason: 'insufficient_scope'; readonly scope: string };

/** A framework-free answer: each adapter writes these three parts out as they are. */
export type AuthFailureResponse = {
  readonly status: 400 | 401 | 403 | 503;
  readonly headers: Readonly<Record<string, string>>;
  /** `{ type, title, status, detail, code, reason }`: `code` is the RFC 6750 error, `reason` the precise one. */
  readonly body: ProblemBody;
};

/** The codes that mean the guard cannot decide for now: 503 with `Retry-After`, the code as it is. */
const outages: ReadonlySet<GuardErrorCode> = new Set(['keys_unavailable', 'revocations_unavailable']);

const headerMalformed = 'The Authorization header is not "Bearer <token>"';

/**
 * The one mapping from a refusal to its answer, shared by the Hono middleware and every adapter, so they all
 * give the same status, the same RFC 6750 §3 challenge and the same problem+json body. `detail` is always a
 * fixed text: token contents are never echoed.
 */
export function authFailureResponse(failure: AuthFailure, realm: string): AuthFailureResponse {
  switch (failure.reason) {
    case 'token_missing':
      // No credentials: a bare challenge without an error code (RFC 6750 §3.1).
      return answer(401, 'token_missing', failure.reason, guardErrorDescriptions.token_missing, {
        'WWW-Authenticate': bearerChallenge({ realm }),
      });
    case 'header_malformed':
      return answer(400, 'invalid_request', failure.reason, headerMalformed, {
        'WWW-Authenticate': bearerChallenge({ realm, error: 'invalid_request', errorDescription: headerMalformed }),
      });
    case 'insufficient_scope': {
      const detail = `The token lacks a required scope: ${failure.scope}`;
      return answer(403, 'insufficient_scope', failure.reason, detail, {
        'WWW-Authenticate': bearerChallenge({
          realm,
          error: 'insufficient_scope',
          errorDescription: detail,
          scope: failure.scope,
        }),
      });
    }
    default: {
      const detail = guardErrorDescriptions[failure.reason];
      // No keys (or no revocation list yet) is our outage, not the caller's fault: 503 so clients retry.
      if (outages.has(failure.reason)) {
        return answer(503, failure.reason, failure.reason, detail, { 'Retry-After': String(failure.retryAfter ?? 30) });
      }
      return answer(401, 'invalid_token', failure.reason, detail, {
        'WWW-Authenticate': bearerChallenge({ realm, error: 'invalid_token', errorDescription: detail }),
      });
    }
  }
}

function answer(
  status: AuthFailureResponse['status'],
  code: string,
  reason: string,
  detail: string,
  headers: Record<string, string>,
): AuthFailureResponse {
  return {
    status,
    headers: { 'Content-Type': PROBLEM_CONTENT_TYPE, 'Cache-Control': 'no-store', ...headers },
    body: problemBody({ status, code, detail, extensions: { reason } }),
  };
}
