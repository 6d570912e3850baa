import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HttpProblem, problemJson } from './problem.ts';

/**
 * Rejects request bodies over `maxBytes` with 413 `payload_too_large`.
 *
 * Hono's `bodyLimit` reads `c.req.raw.body`, which turns @hono/node-server's lightweight request into a full
 * `Request` and halves throughput, even for a GET. So the framing headers decide first (RFC 9112 §6.3): a declared
 * `Content-Length` is compared without touching the body (Node's parser guarantees the body is exactly that long),
 * and an HTTP/1 request with neither `Content-Length` nor `Transfer-Encoding` has no body. Only chunked bodies
 * (and requests not from Node, e.g. `app.request()` in tests) are counted as they stream in, by Hono's `bodyLimit`.
 */
export function bodySizeLimit(maxBytes: number): MiddlewareHandler {
  if (!Number.isInteger(maxBytes) || maxBytes <= 0)
    throw new TypeError('bodySizeLimit: maxBytes must be a positive integer');
  // The unread rest of the body is still on the socket, so the connection cannot carry another request:
  // `Connection: close` tells the client not to reuse it (RFC 9110 §15.5.14, RFC 9112 §9.6).
  const tooLarge = (c: Context) =>
    problemJson(
      c,
      new HttpProblem({
        status: 413,
        code: 'payload_too_large',
        detail: `The request body exceeds ${maxBytes} bytes.`,
        headers: { Connection: 'close' },
      }),
    );
  const countStreamedBytes = bodyLimit({ maxSize: maxBytes, onError: tooLarge });

  return async function bodySizeLimitMiddleware(c, next) {
    const transferEncoding = c.req.header('Transfer-Encoding');
    const contentLength = c.req.header('Content-Length');
    if (transferEncoding === undefined && contentLength !== undefined) {
      return Number(contentLength) > maxBytes ? tooLarge(c) : next();
    }
    if (transferEncoding === undefined && isNodeHttp1(c)) return next();
    return countStreamedBytes(c, next);
  };
}

/** Whether the request came through @hono/node-server over HTTP/1.x, whose framing rules we rely on. */
function isNodeHttp1(c: Context): boolean {
  const incoming = (c.env as { incoming?: { httpVersionMajor?: unknown } } | undefined)?.incoming;
  return incoming?.httpVersionMajor === 1;
}
