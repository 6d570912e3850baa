import type { MiddlewareHandler } from 'hono';

/**
 * `Cache-Control: no-store` (and `Pragma: no-cache` for HTTP/1.0 caches) on a response that carries a credential,
 * such as the JWT from `GET /api/auth/token`: neither the browser nor a shared cache may keep it (RFC 6749 §5.1).
 */
export function noStore(): MiddlewareHandler {
  return async function noStoreMiddleware(c, next) {
    await next();
    c.res.headers.set('Cache-Control', 'no-store');
    c.res.headers.set('Pragma', 'no-cache');
  };
}
