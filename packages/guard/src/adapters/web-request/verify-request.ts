import { GuardConfigError } from '../../errors.ts';
import type { AuthFailure } from '../../http/auth-failure-response.ts';
import { authFailureResponse } from '../../http/auth-failure-response.ts';
import { authenticate } from '../../http/authenticate.ts';
import { checkRealm } from '../../http/guard-options.ts';
import { scopeRequirement } from '../../http/scope-requirement.ts';
import type { Principal } from '../../principal.ts';
import type { Verifier } from '../../verifier.ts';

export type VerifyRequestOptions = {
  /** The verifier from `createVerifier`. Required. */
  verifier: Verifier;
  /** The protection space named in every `WWW-Authenticate` challenge (RFC 6750 §3). Default: `'tessera'`. */
  realm?: string;
  /** Scopes the token must all hold, else 403 `insufficient_scope`. Default: none. */
  scopes?: readonly string[];
};

/** A verified request (`principal`), or the `Response` to answer a refused one with and why (`reason`, for metrics). */
export type RequestVerification =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly response: Response; readonly reason: AuthFailure['reason'] };

/**
 * Verifies the bearer token of a Web `Request` (Next.js route handlers, Bun, Deno, workers). A refused request
 * comes with its answer ready: the same status, RFC 6750 challenge and problem+json body as the Hono middleware.
 */
export async function verifyRequest(request: Request, options: VerifyRequestOptions): Promise<RequestVerification> {
  if (typeof options?.verifier?.verify !== 'function')
    throw new GuardConfigError('verifyRequest needs a verifier from createVerifier');
  const realm = checkRealm(options.realm);
  const missingScope = options.scopes === undefined ? undefined : scopeRequirement(options.scopes);

  const authentication = await authenticate(options.verifier, request.headers.get('Authorization'));
  if (authentication.failure !== undefined) return refusal(authentication.failure, realm);
  const failure = missingScope?.(authentication.principal);
  if (failure !== undefined) return refusal(failure, realm);
  return { ok: true, principal: authentication.principal };
}

function refusal(failure: AuthFailure, realm: string): RequestVerification {
  const answer = authFailureResponse(failure, realm);
  const response = new Response(JSON.stringify(answer.body), { status: answer.status, headers: answer.headers });
  return { ok: false, response, reason: failure.reason };
}
