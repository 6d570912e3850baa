/**
 * Token endpoint error codes, defined once: RFC 6749 §5.2 plus `invalid_target` from RFC 8707 §2.
 * The status is the one each code is answered with; `invalid_client` is 401 because the client failed to
 * authenticate (RFC 6749 §5.2 allows 401 and requires it when the client used the Authorization header).
 */
export const TOKEN_ERROR_CODES = {
  invalid_request: { status: 400, description: 'The request is missing a parameter, repeats one, or is malformed.' },
  invalid_client: { status: 401, description: 'Client authentication failed.' },
  unsupported_grant_type: { status: 400, description: 'Only grant_type=client_credentials is supported here.' },
  invalid_scope: {
    status: 400,
    description: 'The requested scope is invalid or exceeds the scopes granted to the client.',
  },
  invalid_target: {
    status: 400,
    description: 'The requested resource or audience is invalid or not allowed for this client.',
  },
} as const satisfies Record<string, { status: 400 | 401; description: string }>;

/** One of the codes above; the `error` member of the response body. */
export type TokenErrorCode = keyof typeof TOKEN_ERROR_CODES;

/** A refused token request; `toTokenErrorResponse` turns it into the RFC 6749 §5.2 JSON answer. */
export class TokenEndpointError extends Error {
  override readonly name = 'TokenEndpointError';
  readonly status: 400 | 401;

  /** `description` becomes `error_description`: it must be safe to show the caller (no secrets, no internals). */
  constructor(
    readonly code: TokenErrorCode,
    readonly description: string = TOKEN_ERROR_CODES[code].description,
  ) {
    super(description);
    this.status = TOKEN_ERROR_CODES[code].status;
  }
}
