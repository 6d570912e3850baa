import { z } from '@hono/zod-openapi';

/** The `application/problem+json` body every Tessera error answers with (RFC 9457), for OpenAPI documents. */
export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: 'about:blank' }),
    title: z.string().openapi({ example: 'Not Found' }),
    status: z.number().int().openapi({ example: 404 }),
    detail: z.string(),
    code: z.string().openapi({ description: 'Stable machine-readable code', example: 'not_found' }),
    errors: z
      .array(z.object({ path: z.string().openapi({ example: 'title' }), message: z.string() }))
      .optional()
      .openapi({ description: 'For `validation_failed`: the failing fields, the first 20 of them' }),
    errorsOmitted: z
      .number()
      .int()
      .optional()
      .openapi({ description: 'How many more failing fields were left out of `errors`' }),
  })
  .openapi('Problem');

/** A documented response header, e.g. `WWW-Authenticate` or `Retry-After`. */
export type ProblemResponseHeaders = Record<string, { description: string; schema: { type: 'string' | 'integer' } }>;

/** An OpenAPI response entry for a problem: `responses: { 404: problemResponse('No such task (`task_not_found`)') }`. */
export function problemResponse(description: string, headers?: ProblemResponseHeaders) {
  return {
    description,
    content: { 'application/problem+json': { schema: ProblemSchema } },
    ...(headers === undefined ? {} : { headers }),
  };
}

/**
 * The error answers that come from the kit rather than from a route, documented once for every service's OpenAPI
 * document: the body checks of `createApp` and the bearer checks of `@tessera/guard`'s `bearerAuth`.
 */
export const kitProblemResponses = {
  /** 400 from the validation hook, the JSON parser and `bearerAuth`. */
  badRequest: problemResponse(
    'Invalid request: `validation_failed` (the failing fields in `errors`, the first 20 of them), `invalid_json`, or a malformed `Authorization` header (`invalid_request`)',
  ),
  /** 401 from `bearerAuth`, with its RFC 6750 challenge. */
  unauthorized: problemResponse('Missing or invalid bearer token (`token_missing`, `invalid_token`)', {
    'WWW-Authenticate': { description: 'RFC 6750 Bearer challenge', schema: { type: 'string' } },
  }),
  /** 413 from the body limit. */
  payloadTooLarge: problemResponse('The body exceeds the size limit (`payload_too_large`)'),
  /** 415 from the body checks. */
  unsupportedMediaType: problemResponse(
    'The body is not UTF-8 `application/json`, or is sent with a `Content-Encoding` (`unsupported_media_type`)',
  ),
} as const;
