import type { MiddlewareHandler } from 'hono';
import { HttpProblem, problemJson } from './problem.ts';

/**
 * Refuses a request whose body is content-encoded (`Content-Encoding: gzip`, `br`, …) with 415
 * `unsupported_media_type` and `Accept-Encoding: identity` (RFC 9110 §15.5.16, §12.5.3). No Tessera route decodes
 * one: read as JSON, a gzipped body would only fail as "not valid JSON", which sends the client looking for the
 * wrong mistake. `identity` (or an empty value) is no encoding at all and passes.
 */
export function identityBodiesOnly(): MiddlewareHandler {
  return async function identityBodiesOnlyMiddleware(c, next) {
    const encoding = c.req.header('Content-Encoding')?.trim().toLowerCase();
    if (encoding === undefined || encoding === '' || encoding === 'identity') return next();
    return problemJson(
      c,
      new HttpProblem({
        status: 415,
        code: 'unsupported_media_type',
        detail: 'Request bodies must be sent without a Content-Encoding (not compressed).',
        headers: { 'Accept-Encoding': 'identity' },
      }),
    );
  };
}
