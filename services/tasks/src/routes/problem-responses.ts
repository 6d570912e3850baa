import { z } from '@hono/zod-openapi';

/** RFC 9457 problem details, as every Tessera error answers. */
export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: 'about:blank' }),
    title: z.string().openapi({ example: 'Not Found' }),
    status: z.number().int().openapi({ example: 404 }),
    detail: z.string(),
    code: z.string().openapi({ description: 'Stable machine-readable code', example: 'task_not_found' }),
    errors: z
      .array(z.object({ path: z.string().openapi({ example: 'title' }), message: z.string() }))
      .optional()
      .openapi({ description: 'For `validation_failed`: every failing field' }),
  })
  .openapi('Problem');

function problem(description: string, headers?: Record<string, { description: string; schema: { type: 'string' | 'integer' } }>) {
  return { description, content: { 'application/problem+json': { schema: ProblemSchema } }, ...(headers ? { headers } : {}) };
}

/** Error responses shared by the task routes, so the spec documents what the code actually answers. */
export const problemResponses = {
  badRequest: problem('Invalid request: `validation_failed` (every failing field in `errors`), `invalid_json`, or a malformed `Authorization` header'),
  unauthorized: problem('Missing or invalid bearer token (`token_missing`, `invalid_token`)', {
    'WWW-Authenticate': { description: 'RFC 6750 Bearer challenge', schema: { type: 'string' } },
  }),
  forbidden: problem(
    'Not allowed: another user named in the path (`forbidden`), a service token on a user-only route (`user_subject_required`), or a missing scope (`insufficient_scope`)',
  ),
  notFound: problem('No such task for this caller (`task_not_found`); someone else\'s task looks the same'),
  payloadTooLarge: problem('The body exceeds the size limit (`payload_too_large`)'),
  unsupportedMediaType: problem('The body is not `application/json` (`unsupported_media_type`)'),
  unavailable: problem('The database or the verification keys are unavailable (`database_unavailable`, `keys_unavailable`); retry later', {
    'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
  }),
} as const;
