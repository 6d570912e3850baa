import type { MiddlewareHandler } from 'hono';
import { setResponseHeader } from './response-header.ts';

/**
 * Sets `X-Content-Type-Options: nosniff` on every response, errors and 404s included: a browser must take a
 * JSON or problem+json answer for what its `Content-Type` says, never sniff it into HTML or a script.
 */
export function contentTypeOptions(): MiddlewareHandler {
  return async function nosniff(c, next) {
    await next();
    setResponseHeader(c, 'X-Content-Type-Options', 'nosniff');
  };
}
