/**
 * The one table from HTTP status to the `code` and `title` of a problem that has no more specific code (a bare
 * `HTTPException`, a Better Auth error without a code, an auth failure). Codes are RFC 9110's reason phrases in
 * snake case, except 429 `rate_limited`, which the auth service documented first.
 */
const STATUSES: Readonly<Record<number, readonly [code: string, title: string]>> = {
  400: ['bad_request', 'Bad Request'],
  401: ['unauthorized', 'Unauthorized'],
  403: ['forbidden', 'Forbidden'],
  404: ['not_found', 'Not Found'],
  405: ['method_not_allowed', 'Method Not Allowed'],
  406: ['not_acceptable', 'Not Acceptable'],
  408: ['request_timeout', 'Request Timeout'],
  409: ['conflict', 'Conflict'],
  410: ['gone', 'Gone'],
  411: ['length_required', 'Length Required'],
  413: ['payload_too_large', 'Content Too Large'],
  414: ['uri_too_long', 'URI Too Long'],
  415: ['unsupported_media_type', 'Unsupported Media Type'],
  422: ['unprocessable_content', 'Unprocessable Content'],
  429: ['rate_limited', 'Too Many Requests'],
  500: ['internal_error', 'Internal Server Error'],
  501: ['not_implemented', 'Not Implemented'],
  502: ['bad_gateway', 'Bad Gateway'],
  503: ['service_unavailable', 'Service Unavailable'],
  504: ['gateway_timeout', 'Gateway Timeout'],
};

/** The code of a problem with this status and nothing more specific to say: `not_found`, `rate_limited`, …. */
export function problemCodeForStatus(status: number): string {
  return STATUSES[status]?.[0] ?? (status >= 500 ? 'internal_error' : 'bad_request');
}

/** The title of a problem whose `type` is `about:blank`: the status's reason phrase (RFC 9457 §4.2.1). */
export function problemTitleForStatus(status: number): string {
  return STATUSES[status]?.[1] ?? (status >= 500 ? 'Server Error' : 'Client Error');
}
