import { problemResponse as problem } from '@tessera/server';

/** Error responses shared by the task routes, so the spec documents what the code actually answers. */
export const problemResponses = {
  badRequest: problem('Invalid request: `validation_failed` (every failing field in `errors`), `invalid_json`, or a malformed `Authorization` header'),
  unauthorized: problem('Missing or invalid bearer token (`token_missing`, `invalid_token`)', {
    'WWW-Authenticate': { description: 'RFC 6750 Bearer challenge', schema: { type: 'string' } },
  }),
  forbidden: problem(
    'Not allowed: another user named in the path (`forbidden`), a service token on a user-only route (`user_subject_required`), or a missing scope (`insufficient_scope`)',
    { 'WWW-Authenticate': { description: 'With `insufficient_scope` only: the RFC 6750 §3 challenge naming the scope needed', schema: { type: 'string' } } },
  ),
  notFound: problem('No such task for this caller (`task_not_found`); someone else\'s task looks the same'),
  payloadTooLarge: problem('The body exceeds the size limit (`payload_too_large`)'),
  unsupportedMediaType: problem('The body is not UTF-8 `application/json`, or is sent with a `Content-Encoding` (`unsupported_media_type`)'),
  unavailable: problem('The database or the verification keys are unavailable (`database_unavailable`, `keys_unavailable`); retry later', {
    'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
  }),
} as const;
