import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { setResponseHeader } from './response-header.ts';

/** Header carrying the request id, in and out. */
const REQUEST_ID_HEADER = 'X-Request-Id';

/** What an incoming id may look like: short and free of characters that could forge log lines or headers. */
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Sets `c.var.requestId`: the caller's `X-Request-Id` when it is sane (so a trace spans services), else a
 * fresh UUID; echoes it on the response.
 */
export function requestId(): MiddlewareHandler<{ Variables: { requestId: string } }> {
  return async function requestIdMiddleware(c, next) {
    const incoming = c.req.header(REQUEST_ID_HEADER);
    const id = incoming !== undefined && ACCEPTABLE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    c.set('requestId', id);
    await next();
    setResponseHeader(c, REQUEST_ID_HEADER, id);
  };
}
