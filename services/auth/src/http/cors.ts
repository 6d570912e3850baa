import { cors } from 'hono/cors';

/** Response headers a browser script must be able to read: the session token and the JWT Better Auth sets. */
const EXPOSED_AUTH_HEADERS = ['set-auth-token', 'set-auth-jwt', 'x-request-id'] as const;

/**
 * CORS for the browser apps in TRUSTED_ORIGINS, with credentials (the session cookie). Another origin gets
 * no `Access-Control-Allow-Origin`, so the browser withholds the response.
 *
 * `exposeHeaders` is complete on purpose: Hono writes its list over the one Better Auth's plugins set.
 */
export function authCors(trustedOrigins: string[]) {
  return cors({
    origin: trustedOrigins,
    credentials: true,
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['Content-Type', 'Authorization', 'X-Request-Id'],
    exposeHeaders: [...EXPOSED_AUTH_HEADERS],
    maxAge: 600,
  });
}
