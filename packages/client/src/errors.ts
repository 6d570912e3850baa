/**
 * Every error this package throws is a `ClientError` with a stable `code` to switch on:
 *
 * | code | class | when |
 * |---|---|---|
 * | `signed_out` | `SignedOutError` | no session: never signed in, signed out, or the session was revoked (`/api/auth/token` answered 401) |
 * | `token_unavailable` | `TokenUnavailableError` | the token endpoint could not be reached or answered 5xx, and no unexpired token was left to serve |
 * | `invalid_response` | `InvalidResponseError` | the endpoint answered 2xx with something that is not a usable token |
 * | `request_failed` | `RequestFailedError` | sign-in, sign-up or sign-out was refused (`problemCode` holds the server's code, e.g. `invalid_email_or_password`) |
 * | `oauth_error` | `OAuthError` | the client-credentials grant was refused; `error` holds the RFC 6749 §5.2 code, e.g. `invalid_client` |
 */
export type ClientErrorCode =
  | 'signed_out'
  | 'token_unavailable'
  | 'invalid_response'
  | 'request_failed'
  | 'oauth_error';

/** The base of every error of `@tessera/client`. Messages never contain a token, a password or a client secret. */
export class ClientError extends Error {
  override name = 'ClientError';
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The session is gone: sign in again. The source has already forgotten it (and cleared `storage`, for a native session). */
export class SignedOutError extends ClientError {
  override name = 'SignedOutError';
  constructor(message = 'Signed out: sign in again') {
    super('signed_out', message);
  }
}

/** The token endpoint failed (network error or 5xx) after retries, and no unexpired token remains. */
export class TokenUnavailableError extends ClientError {
  override name = 'TokenUnavailableError';
  constructor(
    message: string,
    /** The HTTP status of the last answer, when there was one. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super('token_unavailable', message, options);
  }
}

/** A 2xx answer that carried no usable token (no JWT, no `exp`, or already expired by its own `iat`). */
export class InvalidResponseError extends ClientError {
  override name = 'InvalidResponseError';
  constructor(message: string) {
    super('invalid_response', message);
  }
}

/** A refused sign-in, sign-up or sign-out; `message` is the server's readable detail. */
export class RequestFailedError extends ClientError {
  override name = 'RequestFailedError';
  constructor(
    message: string,
    readonly status: number,
    /** The server's problem+json `code` (e.g. `invalid_email_or_password`, `password_compromised`), when it sent one. */
    readonly problemCode: string | undefined,
  ) {
    super('request_failed', message);
  }
}

/** An RFC 6749 §5.2 error from the token endpoint of the client-credentials grant. */
export class OAuthError extends ClientError {
  override name = 'OAuthError';
  constructor(
    /** `invalid_client`, `invalid_scope`, `invalid_request`, `invalid_target`, `unsupported_grant_type`, … */
    readonly error: string,
    readonly status: number,
    readonly description: string | undefined,
  ) {
    super(
      'oauth_error',
      description === undefined ? `Token request refused: ${error}` : `Token request refused: ${error}: ${description}`,
    );
  }
}
