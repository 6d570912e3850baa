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
      .openapi({ description: 'For `validation_failed`: every failing field' }),
  })
  .openapi('Problem');

/** A documented response header, e.g. `WWW-Authenticate` or `Retry-After`. */
export type ProblemResponseHeaders = Record<string, { description: string; schema: { type: 'string' | 'integer' } }>;

/** An OpenAPI response entry for a problem: `responses: { 404: problemResponse('No such task (`task_not_found`)') }`. */
export function problemResponse(description: string, headers?: ProblemResponseHeaders) {
  return { description, content: { 'application/problem+json': { schema: ProblemSchema } }, ...(headers === undefined ? {} : { headers }) };
}
