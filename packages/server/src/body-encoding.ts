import type { Context, MiddlewareHandler } from 'hono';
import { HttpProblem, problemJson } from './problem.ts';

/** `application/json` or any `+json` type, then its parameters. */
const JSON_MEDIA_TYPE = /^\s*application\/(?:[\w.-]+\+)?json\s*(;.*)?$/i;
/** The `charset` parameter of a media type's parameters, quoted or not. */
const CHARSET_PARAMETER = /;\s*charset\s*=\s*"?([^";\s]*)"?/i;

function unsupported(c: Context, detail: string, headers: Record<string, string> = {}): Response {
  return problemJson(c, new HttpProblem({ status: 415, code: 'unsupported_media_type', detail, headers }));
}

/**
 * Refuses request bodies that no Tessera route could read as sent, with 415 `unsupported_media_type`, rather than
 * let them fail later as "not valid JSON" (which sends the client looking for the wrong mistake) or be read wrongly:
 * - a content-encoded body (`Content-Encoding: gzip`, `br`, …), with `Accept-Encoding: identity` (RFC 9110
 *   §15.5.16, §12.5.3); `identity`, or an empty value, is no encoding at all and passes;
 * - a JSON body declared in another charset than UTF-8 (`application/json; charset=utf-16`): JSON between systems
 *   is UTF-8 (RFC 8259 §8.1), and it would be decoded as UTF-8 regardless.
 */
export function bodyEncoding(): MiddlewareHandler {
  return async function bodyEncodingMiddleware(c, next) {
    const encoding = c.req.header('Content-Encoding')?.trim().toLowerCase();
    if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
      return unsupported(c, 'Request bodies must be sent without a Content-Encoding (not compressed).', {
        'Accept-Encoding': 'identity',
      });
    }
    const parameters = JSON_MEDIA_TYPE.exec(c.req.header('Content-Type') ?? '')?.[1];
    const charset = parameters === undefined ? undefined : CHARSET_PARAMETER.exec(parameters)?.[1]?.toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      return unsupported(c, 'JSON bodies must be UTF-8: send no charset, or charset=utf-8.');
    }
    return next();
  };
}
